import { Router } from 'express';
import type { AlertKind } from '../alerts/titles.js';
import { OrderSync, Store, WebhookReceipt, ZohoConnection } from '../db/models/index.js';
import { readStoredSettings, type StoredSettings } from '../settings/service.js';
import { webhookBodyTemplates } from '../zoho/webhookTemplates.js';
import { readUsage } from './usage.js';
import { sessionOf } from './requireSession.js';
import { editedOrders, latestReceipt, ordersByStatus, unreadableReceipts } from '../db/hotQueries.js';

export type { AlertKind };

export interface Alert {
  kind: AlertKind;
  severity: 'error' | 'warning';
  message: string;
  /** When the condition began, where the app knows it. */
  since?: Date;
  /** Which side the alert is about. */
  platform?: 'zoho' | 'bigcommerce';
  /** How many records it concerns (orders held). */
  count?: number;
}

/** Share of the daily Zoho budget spent at which the panel warns. */
export const BUDGET_LOW_SHARE = 0.8;
/** Real-time stock with no Zoho webhook for this long: Zoho's workflow rules are probably missing or failing. */
export const WEBHOOK_SILENCE_MS = 24 * 60 * 60_000;
/** Zoho deliveries the app could not read are shown for this long after the last one. */
export const UNREADABLE_WEBHOOK_WINDOW_MS = 24 * 60 * 60_000;

/**
 * What needs the merchant's attention now, worst first: Zoho needs reconnecting, the Zoho
 * budget is spent or nearly, webhooks have gone quiet, orders are held or failing. Each check
 * reads one small thing; nothing here writes.
 */
export async function readAlerts(storeHash: string, now = new Date()): Promise<Alert[]> {
  // Every check's reads at once, in one round: the page waits for the slowest read, not for
  // rounds of them (on a busy database each round costs a queue's wait).
  const [connection, store, budget, stored, lastZohoReceipt, unreadable, held, edited] = await Promise.all([
    ZohoConnection.findById(storeHash, { status: 1, lastError: 1, connectedAt: 1, dailyBudget: 1, budgetExhaustedUntil: 1 }).lean(),
    Store.findById(storeHash, { webhooksError: 1, webhooksCheckedAt: 1 }).lean(),
    budgetAlerts(storeHash, now),
    readStoredSettings(storeHash),
    WebhookReceipt.findOne(latestReceipt.filter(storeHash, 'zoho'), { receivedAt: 1 }).sort(latestReceipt.sort).lean(),
    zohoWebhooksUnreadable(storeHash, now),
    ordersNeedingAttention(storeHash),
    // Orders edited in BigCommerce after they were invoiced (the last 30 days): Zoho was left as it was.
    OrderSync.find(editedOrders.filter(storeHash, new Date(now.getTime() - 30 * 86_400_000)), { orderId: 1, edited: 1 })
      .sort(editedOrders.sort)
      .limit(5)
      .lean(),
  ]);
  const alerts: Alert[] = [];
  const connected = connection?.status === 'connected';
  const silent = connected ? zohoWebhooksSilent(stored, lastZohoReceipt?.receivedAt, connection.connectedAt ?? undefined, now) : undefined;

  if (connection?.status === 'needs_reconnect') {
    alerts.push({
      kind: 'zoho_needs_reconnect',
      severity: 'error',
      platform: 'zoho',
      message: `Zoho Inventory no longer accepts the app's access${connection.lastError?.message ? ` (${connection.lastError.message})` : ''}: reconnect it on the Overview to resume syncing.`,
      since: connection.lastError?.at ?? undefined,
    });
  }

  if (connected) alerts.push(...budget);
  if (silent) alerts.push(silent);
  if (connection && unreadable) alerts.push(unreadable);

  if (store?.webhooksError) {
    alerts.push({
      kind: 'webhooks_silent',
      severity: 'warning',
      platform: 'bigcommerce',
      message: `BigCommerce webhooks could not be set up, so changes arrive only with scheduled runs: ${store.webhooksError}`,
      since: store.webhooksCheckedAt ?? undefined,
    });
  }

  if (held.total > 0) {
    const parts = [held.held && `${held.held} held`, held.failed && `${held.failed} failing`].filter(Boolean).join(' and ');
    alerts.push({
      kind: 'orders_held',
      severity: 'warning',
      platform: 'zoho',
      count: held.total,
      message: `${parts} order${held.total === 1 ? '' : 's'} did not reach Zoho Inventory: fix the cause, then retry ${held.total === 1 ? 'it' : 'them'} from Activity.`,
    });
  }

  if (edited.length > 0) {
    const list = edited.map((o) => `#${o.orderId} (${(o.edited?.differences ?? []).join(', ')})`).join('; ');
    alerts.push({
      kind: 'orders_edited',
      severity: 'warning',
      platform: 'bigcommerce',
      count: edited.length,
      since: edited[edited.length - 1]!.edited?.at ?? undefined,
      message: `Edited in BigCommerce after they were invoiced in Zoho, which was left as it is: ${list}. Adjust the Zoho invoice if needed.`,
    });
  }

  const rank = { error: 0, warning: 1 };
  return alerts.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

async function budgetAlerts(storeHash: string, now: Date): Promise<Alert[]> {
  const { platforms } = await readUsage(storeHash, now);
  const zoho = platforms.zoho;
  if (zoho.budgetExhaustedUntil) {
    return [
      {
        kind: 'zoho_budget_exhausted',
        severity: 'error',
        platform: 'zoho',
        message: `Zoho Inventory's daily API limit is reached: syncing waits until ${zoho.budgetExhaustedUntil.toISOString().slice(11, 16)} UTC, then catches up.`,
      },
    ];
  }
  if (zoho.dailyBudget && zoho.today.calls >= BUDGET_LOW_SHARE * zoho.dailyBudget) {
    const share = Math.round((100 * zoho.today.calls) / zoho.dailyBudget);
    return [
      {
        kind: 'zoho_budget_low',
        severity: 'warning',
        platform: 'zoho',
        message: `${share} % of today's Zoho Inventory API calls are spent (${zoho.today.calls} of ${zoho.dailyBudget}): scheduled catalog work waits for tomorrow so that orders keep going.`,
      },
    ];
  }
  return [];
}

/**
 * Real-time stock depends on Zoho's workflow webhooks. Silence for a day, counted from the last
 * receipt (or from when Zoho was connected or the settings last changed, whichever is later),
 * means the merchant's workflow rules are missing or failing.
 */
function zohoWebhooksSilent(stored: StoredSettings, lastReceivedAt: Date | undefined, connectedAt: Date | undefined, now: Date): Alert | undefined {
  const { settings, savedAt } = stored;
  if (!settings.stock.enabled || settings.stock.method === 'scheduled') return undefined;
  const quietSince = Math.max(lastReceivedAt?.getTime() ?? 0, connectedAt?.getTime() ?? 0, savedAt?.getTime() ?? 0);
  if (now.getTime() - quietSince < WEBHOOK_SILENCE_MS) return undefined;
  return {
    kind: 'webhooks_silent',
    severity: 'warning',
    platform: 'zoho',
    since: lastReceivedAt,
    message: lastReceivedAt
      ? 'No webhook from Zoho Inventory for over a day: real-time stock relies on them. Check the workflow rules in Zoho Inventory; scheduled runs still catch up.'
      : 'No webhook from Zoho Inventory has arrived yet: real-time stock needs workflow rules in Zoho Inventory that call the app; until then scheduled runs catch up.',
  };
}

/**
 * Zoho deliveries refused because their body was not a JSON object (a workflow rule's webhook
 * without the app's template): Zoho's log shows them as failed, and this says how to fix them.
 */
async function zohoWebhooksUnreadable(storeHash: string, now: Date): Promise<Alert | undefined> {
  const recent = await WebhookReceipt.find(
    unreadableReceipts.filter(storeHash, 'zoho', new Date(now.getTime() - UNREADABLE_WEBHOOK_WINDOW_MS)),
    { receivedAt: 1, payload: 1 },
  )
    .sort(unreadableReceipts.sort)
    .lean();
  if (recent.length === 0) return undefined;
  const last = recent[recent.length - 1]!;
  const began = typeof last.payload === 'string' && last.payload.trim() ? ` The last one began: "${last.payload.trim().slice(0, 60)}".` : ' The last one was empty.';
  const template = JSON.stringify(webhookBodyTemplates().item);
  return {
    kind: 'zoho_webhook_unreadable',
    severity: 'warning',
    platform: 'zoho',
    count: recent.length,
    since: recent[0]!.receivedAt,
    message:
      `Zoho Inventory sent ${recent.length === 1 ? 'a webhook' : `${recent.length} webhooks`} the app cannot read (the body is not a JSON object), so Zoho logs ${recent.length === 1 ? 'it' : 'them'} as failed.${began} ` +
      `In Zoho Inventory (Settings → Automation → Workflow Rules), give each rule's webhook the raw JSON body the app shows for its module, for items: ${template}.`,
  };
}

async function ordersNeedingAttention(storeHash: string): Promise<{ held: number; failed: number; total: number }> {
  const groups = await OrderSync.aggregate<{ _id: string; count: number }>([
    { $match: ordersByStatus.filter(storeHash, ['held', 'failed']) },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const held = groups.find((g) => g._id === 'held')?.count ?? 0;
  const failed = groups.find((g) => g._id === 'failed')?.count ?? 0;
  return { held, failed, total: held + failed };
}

/** `GET /api/alerts` → `{ alerts }`, worst first. */
export function alertsRoutes(): Router {
  const router = Router();
  router.get('/alerts', async (req, res) => {
    res.json({ alerts: await readAlerts(sessionOf(req).storeHash) });
  });
  return router;
}
