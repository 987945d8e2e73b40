import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import {
  ZOHO_DATA_CENTER_IDS,
  ZOHO_DATA_CENTERS,
  accountsUrlFor,
  apiBaseFor,
  dataCenterFromLocation,
  trustedAccountsServer,
} from '../../server/zoho/dataCenters.js';
import { buildAuthorizeUrl } from '../../server/zoho/oauth.js';
import { planFromName } from '../../server/zoho/plans.js';

const base = {
  BC_CLIENT_ID: 'x',
  BC_CLIENT_SECRET: 'y',
  SESSION_SECRET: 's'.repeat(40),
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  APP_URL: 'https://app.example.com',
  ZOHO_CLIENT_ID: '1000.ABC',
  ZOHO_CLIENT_SECRET: 'zsecret',
};
const production = loadConfig(base);
const sandboxed = loadConfig({ ...base, ZOHO_ACCOUNTS_URL: 'http://127.0.0.1:4002/', ZOHO_API_URL: 'http://127.0.0.1:4002/inventory/v1' });

describe('data centers', () => {
  it('knows the eight data centers, with Canada on zohocloud.ca', () => {
    expect(ZOHO_DATA_CENTER_IDS).toEqual(['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'sa', 'com.cn']);
    expect(accountsUrlFor(production, 'ca')).toBe('https://accounts.zohocloud.ca');
    expect(apiBaseFor(production, 'ca')).toBe('https://www.zohoapis.ca/inventory/v1');
    expect(apiBaseFor(production, 'com.au')).toBe('https://www.zohoapis.com.au/inventory/v1');
  });

  it('ZOHO_ACCOUNTS_URL and ZOHO_API_URL replace every data center’s hosts', () => {
    for (const dc of ZOHO_DATA_CENTER_IDS) {
      expect(accountsUrlFor(sandboxed, dc)).toBe('http://127.0.0.1:4002');
      expect(apiBaseFor(sandboxed, dc)).toBe('http://127.0.0.1:4002/inventory/v1');
    }
  });

  it('reads the redirect’s location as Zoho writes it, or as a domain', () => {
    expect(dataCenterFromLocation('us')).toBe('com');
    expect(dataCenterFromLocation('au')).toBe('com.au');
    expect(dataCenterFromLocation('cn')).toBe('com.cn');
    expect(dataCenterFromLocation('eu')).toBe('eu');
    expect(dataCenterFromLocation('com.au')).toBe('com.au');
    expect(dataCenterFromLocation('mars')).toBeUndefined();
    expect(dataCenterFromLocation(undefined)).toBeUndefined();
  });
});

describe('accounts-server check (the client secret goes there)', () => {
  it('trusts each data center’s own accounts host over https', () => {
    for (const dc of ZOHO_DATA_CENTER_IDS) {
      expect(trustedAccountsServer(production, ZOHO_DATA_CENTERS[dc].accounts)).toEqual({ origin: ZOHO_DATA_CENTERS[dc].accounts, dc });
      expect(trustedAccountsServer(production, `${ZOHO_DATA_CENTERS[dc].accounts}/`)).toEqual({ origin: ZOHO_DATA_CENTERS[dc].accounts, dc });
    }
  });

  it.each([
    'http://accounts.zoho.com',
    'https://accounts.zoho.com.evil.example',
    'https://evil.example/accounts.zoho.com',
    'https://accounts.zoho.com@evil.example',
    'https://user:pw@accounts.zoho.com',
    'https://accounts.zoho.com/oauth',
    'https://accounts.zoho.com?x=1',
    'https://accounts.zoho.com:8443',
    'https://accounts.zohocloud.com',
    'accounts.zoho.com',
    '',
  ])('refuses %s', (value) => {
    expect(trustedAccountsServer(production, value)).toBeUndefined();
  });

  it('refuses non-strings', () => {
    expect(trustedAccountsServer(production, ['https://accounts.zoho.com'])).toBeUndefined();
    expect(trustedAccountsServer(production, undefined)).toBeUndefined();
  });

  it('with ZOHO_ACCOUNTS_URL set, trusts exactly that origin and nothing else', () => {
    expect(trustedAccountsServer(sandboxed, 'http://127.0.0.1:4002')).toEqual({ origin: 'http://127.0.0.1:4002', dc: undefined });
    expect(trustedAccountsServer(sandboxed, 'http://127.0.0.1:4003')).toBeUndefined();
    expect(trustedAccountsServer(sandboxed, 'http://localhost:4002')).toBeUndefined();
    expect(trustedAccountsServer(sandboxed, 'https://accounts.zoho.com')).toBeUndefined();
  });
});

describe('authorize URL and plans', () => {
  it('asks for offline access with consent, the app’s redirect URI and the state', () => {
    const url = new URL(buildAuthorizeUrl(production, 'https://accounts.zoho.eu', 'st4te'));
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.zoho.eu/oauth/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: '1000.ABC',
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      redirect_uri: 'https://app.example.com/zoho/callback',
      state: 'st4te',
    });
    expect(url.searchParams.get('scope')).toContain('ZohoInventory.items.ALL');
    expect(url.toString()).not.toContain('zsecret');
  });

  it('reads the plan from plan_name, counting unknown plans as Free', () => {
    expect(planFromName('PROFESSIONAL')).toBe('professional');
    expect(planFromName('Standard - Monthly')).toBe('standard');
    expect(planFromName('ENTERPRISE')).toBe('enterprise');
    expect(planFromName('Premium')).toBe('premium');
    expect(planFromName('FREE')).toBe('free');
    expect(planFromName('Something new')).toBe('free');
    expect(planFromName(undefined)).toBe('free');
  });
});
