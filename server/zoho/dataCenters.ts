import type { Config } from '../config.js';

/**
 * Zoho's data centers, named as the panel offers them (the domain suffix). An account and its
 * organizations live in exactly one; its OAuth tokens only work against that DC's accounts
 * server and API host.
 */
export const ZOHO_DATA_CENTERS = {
  com: { location: 'us', accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com', label: 'United States (zoho.com)' },
  eu: { location: 'eu', accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu', label: 'Europe (zoho.eu)' },
  in: { location: 'in', accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in', label: 'India (zoho.in)' },
  'com.au': { location: 'au', accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au', label: 'Australia (zoho.com.au)' },
  jp: { location: 'jp', accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp', label: 'Japan (zoho.jp)' },
  ca: { location: 'ca', accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca', label: 'Canada (zohocloud.ca)' },
  sa: { location: 'sa', accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa', label: 'Saudi Arabia (zoho.sa)' },
  'com.cn': { location: 'cn', accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn', label: 'China (zoho.com.cn)' },
} as const;

export type ZohoDataCenter = keyof typeof ZOHO_DATA_CENTERS;
export const ZOHO_DATA_CENTER_IDS = Object.keys(ZOHO_DATA_CENTERS) as [ZohoDataCenter, ...ZohoDataCenter[]];

export const isZohoDataCenter = (value: unknown): value is ZohoDataCenter =>
  typeof value === 'string' && Object.hasOwn(ZOHO_DATA_CENTERS, value);

/** The DC named by the authorize redirect's `location` ("us", "au"…), or by its domain ("com"). */
export function dataCenterFromLocation(location: unknown): ZohoDataCenter | undefined {
  if (typeof location !== 'string') return undefined;
  if (isZohoDataCenter(location)) return location;
  return ZOHO_DATA_CENTER_IDS.find((dc) => ZOHO_DATA_CENTERS[dc].location === location.toLowerCase());
}

/** The accounts server a DC's authorize page lives on (ZOHO_ACCOUNTS_URL replaces every DC's). */
export function accountsUrlFor(config: Config, dc: ZohoDataCenter): string {
  return config.zoho.accountsUrl ?? ZOHO_DATA_CENTERS[dc].accounts;
}

/** `…/inventory/v1` of a DC (ZOHO_API_URL, a full base, replaces every DC's). */
export function apiBaseFor(config: Config, dc: ZohoDataCenter): string {
  return config.zoho.apiUrl ?? `${ZOHO_DATA_CENTERS[dc].api}/inventory/v1`;
}

/**
 * The `accounts-server` of an authorize redirect is attacker-controlled input, and the code
 * exchange sends the client secret there: only Zoho's own accounts hosts over https (or,
 * when set, exactly ZOHO_ACCOUNTS_URL's origin, the simulator) are trusted. Returns the
 * origin to use, and the DC it belongs to when it is one of Zoho's.
 */
export function trustedAccountsServer(
  config: Config,
  value: unknown,
): { origin: string; dc: ZohoDataCenter | undefined } | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // Nothing but scheme, host and port: a path, credentials or query would be smuggling.
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  if (config.zoho.accountsUrl) {
    return url.origin === new URL(config.zoho.accountsUrl).origin ? { origin: config.zoho.accountsUrl, dc: undefined } : undefined;
  }
  const dc = ZOHO_DATA_CENTER_IDS.find((id) => ZOHO_DATA_CENTERS[id].accounts === url.origin);
  return dc && url.protocol === 'https:' ? { origin: url.origin, dc } : undefined;
}
