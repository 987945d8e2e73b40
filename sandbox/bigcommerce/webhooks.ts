import { createHash } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { WebhookDeliverer } from '../common/webhookDelivery.js';
import { epochSeconds } from './dates.js';
import type { SimEventPayload } from './model.js';
import type { SimStore } from './state.js';

/** Every scope a hook may subscribe to (wildcards included), as the platform lists them. */
export const WEBHOOK_SCOPES: ReadonlySet<string> = new Set(
  [
    'store/app/uninstalled',
    'store/information/updated',
    ...['*', 'created', 'updated', 'deleted', 'abandoned', 'converted', 'couponApplied'].map((e) => `store/cart/${e}`),
    ...['*', 'created', 'updated', 'deleted'].map((e) => `store/cart/lineItem/${e}`),
    ...['*', 'created', 'updated', 'deleted'].map((e) => `store/category/${e}`),
    ...['*', 'created', 'updated'].map((e) => `store/channel/${e}`),
    ...['*', 'created', 'updated', 'deleted', 'address/created', 'address/updated', 'address/deleted', 'payment/instrument/default/updated'].map(
      (e) => `store/customer/${e}`,
    ),
    ...['*', 'created', 'updated', 'archived', 'statusUpdated', 'message/created', 'refund/created'].map((e) => `store/order/${e}`),
    ...['*', 'created', 'updated', 'deleted', 'inventory/updated', 'inventory/order/updated'].map((e) => `store/product/${e}`),
    ...['*', 'created', 'updated', 'deleted'].map((e) => `store/shipment/${e}`),
    ...['*', 'created', 'updated', 'deleted', 'inventory/updated', 'inventory/order/updated'].map((e) => `store/sku/${e}`),
    ...['*', 'created', 'updated', 'deleted'].map((e) => `store/subscriber/${e}`),
  ],
);

/** `store/order/*` covers every order event, `store/product/*` the product inventory ones too. */
export function scopeMatches(hookScope: string, eventScope: string): boolean {
  if (hookScope === eventScope) return true;
  if (!hookScope.endsWith('/*')) return false;
  return eventScope.startsWith(hookScope.slice(0, -1));
}

/** BigCommerce's `hash`: a SHA-1 of the event's data, so the same data always hashes the same. */
export function eventHash(data: unknown): string {
  return createHash('sha1').update(JSON.stringify(data)).digest('hex');
}

/**
 * Builds the events a store raises and hands one delivery per matching active hook to the
 * shared deliverer (which retries, duplicates and reorders as configured).
 */
export class WebhookEmitter {
  constructor(
    private readonly clock: Clock,
    readonly deliverer: WebhookDeliverer,
  ) {}

  /** Raises an event now, or `delayMs` later (still waited for by the deliverer's `settle()`). */
  emit(store: SimStore, scope: string, data: SimEventPayload['data'], options: { delayMs?: number } = {}): SimEventPayload {
    const payload: SimEventPayload = {
      scope,
      store_id: String(store.storeId),
      data,
      hash: eventHash(data),
      created_at: epochSeconds(this.clock.now()),
      producer: `stores/${store.hash}`,
    };
    const raise = () => {
      store.events.push(payload);
      for (const hook of store.hooks.values()) {
        if (!hook.is_active || !scopeMatches(hook.scope, scope)) continue;
        this.deliverer.send(hook.destination, { ...(hook.headers ?? {}) }, payload);
      }
    };
    if (options.delayMs && options.delayMs > 0) this.deliverer.later(options.delayMs, raise);
    else raise();
    return payload;
  }
}
