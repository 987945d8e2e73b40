import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import { StockState, Store } from '../db/models/index.js';
import { getSettings } from '../settings/service.js';
import type { Settings } from '../settings/schema.js';
import type { BigCommerceClient } from './client.js';
import { bigcommerceClientFor } from './clientFactory.js';
import { createHook, deleteHook, listHooks, updateHook, type BcHook } from './hooks.js';
import { WEBHOOK_SECRET_HEADER, webhookSecretFor } from './webhookSecret.js';

/**
 * The webhooks the flows need, registered at install and repaired at every load: missing ones
 * created, deactivated or stale ones (old destination, old secret) put right, duplicates and
 * ones no longer wanted removed. Running it twice changes nothing the second time.
 */

/**
 * Orders become Zoho sales orders as they happen (created also fires for incomplete orders);
 * a refund is its own event (a second partial refund leaves the status as it was).
 */
export const ORDER_WEBHOOK_SCOPES = ['store/order/created', 'store/order/updated', 'store/order/statusUpdated', 'store/order/refund/created'] as const;
/**
 * Stock changes in BigCommerce (product- and variant-tracked items), for two-way stock: the plain
 * events and their `…/inventory/order/updated` twins, which an order's stock movement raises. The
 * app does not tell them apart by scope or by `method` (the files contradict themselves on it):
 * any of them only makes the store's flush look, and orders are told from corrections by the
 * orders themselves (server/sync/stock/orderMoves.ts).
 */
export const INVENTORY_WEBHOOK_SCOPES = [
  'store/product/inventory/updated',
  'store/sku/inventory/updated',
  'store/product/inventory/order/updated',
  'store/sku/inventory/order/updated',
] as const;
/** Scopes this module owns: hooks on other scopes are never touched. */
export const MANAGED_WEBHOOK_SCOPES: readonly string[] = [...ORDER_WEBHOOK_SCOPES, ...INVENTORY_WEBHOOK_SCOPES];

export const WEBHOOK_PATH = '/webhooks/bigcommerce';
export const webhookDestination = (config: Pick<Config, 'appUrl'>) => `${config.appUrl}${WEBHOOK_PATH}`;

/** How long install and load wait for the webhook check before leaving it to the job. */
export const LIFECYCLE_WEBHOOKS_BUDGET_MS = 15_000;

/** The job that retries a registration that failed during install or load. */
export const ENSURE_WEBHOOKS_JOB = 'bigcommerce.webhooks.ensure';

export function desiredWebhookScopes(settings: Pick<Settings, 'stock'>): string[] {
  const twoWayStock = settings.stock.enabled && settings.stock.method === 'twoway';
  return [...ORDER_WEBHOOK_SCOPES, ...(twoWayStock ? INVENTORY_WEBHOOK_SCOPES : [])];
}

export interface WebhookPlan {
  create: string[];
  update: { id: number; scope: string }[];
  remove: { id: number; scope: string; reason: 'duplicate' | 'not wanted' }[];
  unchanged: { id: number; scope: string }[];
}

const headerValue = (headers: BcHook['headers'], name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/** Pure: what to change so that exactly one active, current hook exists per wanted scope. */
export function planWebhooks(existing: readonly BcHook[], wanted: readonly string[], target: { destination: string; secret: string }): WebhookPlan {
  const plan: WebhookPlan = { create: [], update: [], remove: [], unchanged: [] };
  const current = (hook: BcHook) => hook.destination === target.destination && headerValue(hook.headers, WEBHOOK_SECRET_HEADER) === target.secret;
  for (const scope of wanted) {
    const hooks = existing.filter((h) => h.scope === scope);
    if (hooks.length === 0) {
      plan.create.push(scope);
      continue;
    }
    // Keep the best one (active and current, else current, else active, else the oldest).
    const rank = (h: BcHook) => (current(h) ? 2 : 0) + (h.is_active ? 1 : 0);
    const keeper = [...hooks].sort((a, b) => rank(b) - rank(a) || a.id - b.id)[0]!;
    if (keeper.is_active && current(keeper)) plan.unchanged.push({ id: keeper.id, scope });
    else plan.update.push({ id: keeper.id, scope });
    for (const extra of hooks) if (extra !== keeper) plan.remove.push({ id: extra.id, scope, reason: 'duplicate' });
  }
  for (const hook of existing) {
    if (MANAGED_WEBHOOK_SCOPES.includes(hook.scope) && !wanted.includes(hook.scope)) {
      plan.remove.push({ id: hook.id, scope: hook.scope, reason: 'not wanted' });
    }
  }
  return plan;
}

/** The state row exists with the ledger begun already: nothing to do. */
function ignoreDuplicateKey(error: unknown): void {
  if ((error as { code?: number }).code !== 11000) throw error;
}

export interface WebhookReport {
  created: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * Brings the store's hooks in line with what its settings need. Throws on API failure (the
 * caller decides whether that may break anything; see ensureWebhooksOrRetryLater).
 */
export async function ensureWebhooks(
  ctx: AppContext,
  storeHash: string,
  options: { client?: BigCommerceClient; scopes?: readonly string[] } = {},
): Promise<WebhookReport> {
  const client = options.client ?? (await bigcommerceClientFor(ctx, storeHash));
  const wanted = options.scopes ?? desiredWebhookScopes(await getSettings(storeHash));
  const secret = await webhookSecretFor(ctx, storeHash);
  const destination = webhookDestination(ctx.config);
  const plan = planWebhooks(await listHooks(client), wanted, { destination, secret });
  const input = { destination, is_active: true, headers: { [WEBHOOK_SECRET_HEADER]: secret } };

  for (const scope of plan.create) await createHook(client, { scope, ...input });
  for (const { id, scope } of plan.update) await updateHook(client, id, { scope, ...input });
  for (const { id } of plan.remove) await deleteHook(client, id);

  await Store.updateOne({ _id: storeHash }, { $set: { webhooksCheckedAt: new Date() }, $unset: { webhooksError: 1 } });
  // Two-way stock's order ledger begins when BigCommerce starts telling the app about stock: orders before are not its movements.
  if ([...plan.create, ...plan.update.map((u) => u.scope)].some((scope) => (INVENTORY_WEBHOOK_SCOPES as readonly string[]).includes(scope))) {
    await StockState.updateOne({ _id: storeHash, ordersLedgerSince: { $exists: false } }, { $set: { ordersLedgerSince: new Date() } }, { upsert: true }).catch(ignoreDuplicateKey);
  }
  const report: WebhookReport = {
    created: plan.create,
    updated: plan.update.map((u) => u.scope),
    removed: plan.remove.map((r) => r.scope),
    unchanged: plan.unchanged.map((u) => u.scope),
  };
  if (report.created.length + report.updated.length + report.removed.length > 0) {
    ctx.logger.info({ storeHash, ...report }, 'webhooks repaired');
  }
  return report;
}

/**
 * Install and load call this: a webhook problem must never stop the merchant from getting in.
 * A failure is logged, recorded on the store (the panel shows it) and retried by a job.
 */
export async function ensureWebhooksOrRetryLater(ctx: AppContext, storeHash: string): Promise<WebhookReport | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // The merchant is waiting: fail fast and leave the patient retries to the job. The bound
    // also covers time spent waiting for the store's quota, which the client does not time out.
    const client = await bigcommerceClientFor(ctx, storeHash, { timeoutMs: 10_000, retry: { maxRetries: 1, maxThrottleRetries: 0 } });
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`webhook registration took longer than ${LIFECYCLE_WEBHOOKS_BUDGET_MS} ms`)), LIFECYCLE_WEBHOOKS_BUDGET_MS);
    });
    return await Promise.race([ensureWebhooks(ctx, storeHash, { client }), deadline]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.logger.warn({ storeHash, err: error }, 'webhook registration failed; will retry in the background');
    await Store.updateOne({ _id: storeHash }, { $set: { webhooksCheckedAt: new Date(), webhooksError: message } }).catch(() => undefined);
    await ctx.jobs.enqueue(ENSURE_WEBHOOKS_JOB, { storeHash }).catch((enqueueError: unknown) => {
      ctx.logger.error({ storeHash, err: enqueueError }, 'could not queue the webhook registration retry');
    });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Handler of ENSURE_WEBHOOKS_JOB (register it with the worker's job definitions). */
export async function runEnsureWebhooksJob(ctx: AppContext, data: { storeHash: string }): Promise<void> {
  const store = await Store.findById(data.storeHash, { status: 1 }).lean();
  if (store?.status !== 'installed') return;
  try {
    await ensureWebhooks(ctx, data.storeHash);
  } catch (error) {
    await Store.updateOne({ _id: data.storeHash }, { $set: { webhooksCheckedAt: new Date(), webhooksError: String((error as Error)?.message ?? error) } });
    throw error;
  }
}
