import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

const valid = {
  BC_CLIENT_ID: 'id',
  BC_CLIENT_SECRET: 'secret',
  SESSION_SECRET: 's'.repeat(32),
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({ port: 3000, appUrl: 'http://localhost:3000', role: 'all', dataDir: '.data', logLevel: 'info' });
    expect(config.bigcommerce.loginUrl).toBe('https://login.bigcommerce.com');
    expect(config.bigcommerce.apiUrl).toBe('https://api.bigcommerce.com');
    expect(config.mongodbUri).toBeUndefined();
    expect(config.syncRuns).toEqual({ concurrency: 50, perStore: 2 });
  });

  it('reads the flow runs a worker executes at once, and per store', () => {
    expect(loadConfig({ ...valid, SYNC_RUN_CONCURRENCY: '8', SYNC_RUNS_PER_STORE: '1' }).syncRuns).toEqual({ concurrency: 8, perStore: 1 });
  });

  it('names the missing variable in one line', () => {
    const { BC_CLIENT_SECRET: _omitted, ...rest } = valid;
    expect(() => loadConfig(rest)).toThrow(new ConfigError('Configuration error: BC_CLIENT_SECRET is required'));
  });

  it.each([
    ['ENCRYPTION_KEY', 'c2hvcnQ=', /ENCRYPTION_KEY expected 32 random bytes/],
    ['ROLE', 'both', /ROLE /],
    ['PORT', 'eighty', /PORT /],
    ['MONGODB_URI', 'postgres://x', /MONGODB_URI expected a mongodb/],
    ['APP_URL', 'not a url', /APP_URL /],
    ['SMTP_URL', 'https://mail.example.com', /SMTP_URL expected an smtp:\/\/ or smtps:\/\/ URL/],
    ['ALERT_FROM', 'alerts at example.com', /ALERT_FROM expected an address/],
    ['ALERT_PANEL_URL', 'the control panel', /ALERT_PANEL_URL expected a URL/],
    ['SYNC_RUN_CONCURRENCY', '0', /SYNC_RUN_CONCURRENCY /],
    ['SYNC_RUNS_PER_STORE', 'two', /SYNC_RUNS_PER_STORE /],
  ])('rejects a malformed %s', (name, value, message) => {
    expect(() => loadConfig({ ...valid, [name]: value })).toThrow(message);
  });

  it('turns alert e-mails on with SMTP_URL and ALERT_FROM together', () => {
    expect(loadConfig(valid).alertMail).toBeUndefined();
    const smtp = { SMTP_URL: 'smtps://user:pass@smtp.example.com:465', ALERT_FROM: 'Zoho connector <alerts@example.com>' };
    expect(loadConfig({ ...valid, ...smtp }).alertMail).toEqual({
      smtpUrl: smtp.SMTP_URL,
      from: smtp.ALERT_FROM,
      panelUrl: 'https://store-{store_hash}.mybigcommerce.com/manage/marketplace/apps/my-apps',
    });
    expect(() => loadConfig({ ...valid, SMTP_URL: smtp.SMTP_URL })).toThrow(/^Configuration error: ALERT_FROM is required when SMTP_URL is set/);
  });

  it('takes the encryption key as base64 or as 64 hex digits', () => {
    const key = randomBytes(32);
    expect(loadConfig({ ...valid, ENCRYPTION_KEY: key.toString('hex') }).encryptionKey.equals(key)).toBe(true);
    expect(loadConfig({ ...valid, ENCRYPTION_KEY: key.toString('base64') }).encryptionKey.equals(key)).toBe(true);
  });

  it('reads CSP_FRAME_ANCESTORS as a list and trims trailing slashes from URLs', () => {
    const config = loadConfig({ ...valid, CSP_FRAME_ANCESTORS: 'http://a.test, http://b.test', APP_URL: 'https://app.example.com/' });
    expect(config.cspFrameAncestors).toEqual(['http://a.test', 'http://b.test']);
    expect(config.appUrl).toBe('https://app.example.com');
  });
});
