/**
 * Zoho's data centers. A user and each of its organizations live in exactly one; the authorize
 * redirect names it in `location` (Zoho's short code: "us" for .com) next to `accounts-server`.
 * The real hosts are listed for reference: the simulator serves every DC from its own origin
 * (the app replaces the hosts with ZOHO_ACCOUNTS_URL / ZOHO_API_URL).
 */
export const DATA_CENTERS = {
  us: { domain: 'com', accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com' },
  eu: { domain: 'eu', accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu' },
  in: { domain: 'in', accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in' },
  au: { domain: 'com.au', accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au' },
  jp: { domain: 'jp', accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp' },
  ca: { domain: 'ca', accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca' },
  sa: { domain: 'sa', accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa' },
  cn: { domain: 'com.cn', accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn' },
} as const;

export type DataCenter = keyof typeof DATA_CENTERS;

/** Accepts the short code ("us") or the domain suffix ("com", "com.au"). */
export function dataCenter(value: string): DataCenter {
  if (value in DATA_CENTERS) return value as DataCenter;
  const found = (Object.keys(DATA_CENTERS) as DataCenter[]).find((dc) => DATA_CENTERS[dc].domain === value);
  if (!found) throw new Error(`unknown Zoho data center "${value}"`);
  return found;
}
