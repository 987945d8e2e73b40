/**
 * Every alert the panel can show (`GET /api/alerts`), by kind, with the title the panel and the
 * alert e-mails give it. Free of Node and Express: the panel imports it too.
 */
export const ALERT_TITLES = {
  zoho_needs_reconnect: 'Reconnect Zoho Inventory',
  zoho_budget_exhausted: 'Zoho API limit reached for today',
  zoho_budget_low: 'Zoho API budget running low',
  webhooks_silent: 'Real-time updates are not arriving',
  zoho_webhook_unreadable: 'Zoho Inventory sends webhooks the app cannot read',
  orders_held: 'Orders need attention',
  orders_edited: 'Orders edited after they were invoiced',
} as const;

export type AlertKind = keyof typeof ALERT_TITLES;
