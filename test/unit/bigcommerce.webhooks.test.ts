import { describe, expect, it } from 'vitest';
import { bigcommerceDeliverySchema, bigcommerceReceiptId, jobForScope } from '../../server/bigcommerce/webhookDelivery.js';
import {
  INVENTORY_WEBHOOK_SCOPES,
  ORDER_WEBHOOK_SCOPES,
  desiredWebhookScopes,
  planWebhooks,
} from '../../server/bigcommerce/webhooks.js';
import type { BcHook } from '../../server/bigcommerce/hooks.js';
import { WEBHOOK_SECRET_HEADER, hashWebhookSecret, webhookSecretMatches } from '../../server/bigcommerce/webhookSecret.js';
import { defaultSettings } from '../../server/settings/schema.js';

const target = { destination: 'https://app.example.com/webhooks/bigcommerce', secret: 's3cret' };
const hook = (id: number, scope: string, overrides: Partial<BcHook> = {}): BcHook => ({
  id,
  scope,
  destination: target.destination,
  is_active: true,
  headers: { [WEBHOOK_SECRET_HEADER]: target.secret },
  ...overrides,
});

describe('which hooks a store needs', () => {
  it('always the order hooks; the inventory hooks only with two-way stock', () => {
    const settings = defaultSettings();
    expect(desiredWebhookScopes(settings)).toEqual([...ORDER_WEBHOOK_SCOPES]);
    settings.stock.method = 'twoway';
    expect(desiredWebhookScopes(settings)).toEqual([...ORDER_WEBHOOK_SCOPES, ...INVENTORY_WEBHOOK_SCOPES]);
    settings.stock.enabled = false;
    expect(desiredWebhookScopes(settings)).toEqual([...ORDER_WEBHOOK_SCOPES]);
  });
});

describe('planWebhooks', () => {
  const wanted = [...ORDER_WEBHOOK_SCOPES];

  it('creates every missing hook', () => {
    expect(planWebhooks([], wanted, target)).toEqual({ create: wanted, update: [], remove: [], unchanged: [] });
  });

  it('changes nothing when every hook is active and current', () => {
    const existing = wanted.map((scope, i) => hook(i + 1, scope));
    const plan = planWebhooks(existing, wanted, target);
    expect(plan.create).toEqual([]);
    expect(plan.update).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(plan.unchanged.map((u) => u.scope)).toEqual(wanted);
  });

  it('reactivates a deactivated hook and fixes a stale destination or secret', () => {
    const existing = [
      hook(1, 'store/order/created', { is_active: false }),
      hook(2, 'store/order/updated', { destination: 'https://old.example.com/webhooks/bigcommerce' }),
      hook(3, 'store/order/statusUpdated', { headers: { 'x-webhook-secret': 'old' } }),
    ];
    const plan = planWebhooks(existing, wanted, target);
    expect(plan.update).toEqual([
      { id: 1, scope: 'store/order/created' },
      { id: 2, scope: 'store/order/updated' },
      { id: 3, scope: 'store/order/statusUpdated' },
    ]);
    // The one scope it had no hook for is created.
    expect(plan.create).toEqual(['store/order/refund/created']);
  });

  it('matches the secret header whatever its case', () => {
    const existing = [hook(1, 'store/order/created', { headers: { 'x-webhook-secret': target.secret } })];
    expect(planWebhooks(existing, ['store/order/created'], target).unchanged).toHaveLength(1);
  });

  it('keeps the best of duplicate hooks and removes the others', () => {
    const existing = [
      hook(1, 'store/order/created', { is_active: false }),
      hook(2, 'store/order/created'),
      hook(3, 'store/order/created', { destination: 'https://old.example.com/x' }),
    ];
    const plan = planWebhooks(existing, ['store/order/created'], target);
    expect(plan.unchanged).toEqual([{ id: 2, scope: 'store/order/created' }]);
    expect(plan.remove.map((r) => r.id).sort()).toEqual([1, 3]);
  });

  it('removes the inventory hooks once two-way stock is off, and leaves other scopes alone', () => {
    const existing = [hook(1, 'store/sku/inventory/updated'), hook(2, 'store/cart/created')];
    const plan = planWebhooks(existing, ['store/order/created'], target);
    expect(plan.remove).toEqual([{ id: 1, scope: 'store/sku/inventory/updated', reason: 'not wanted' }]);
  });
});

describe('webhook secret', () => {
  it('matches the stored hash, and nothing else', () => {
    const stored = hashWebhookSecret('abc');
    expect(webhookSecretMatches('abc', stored)).toBe(true);
    expect(webhookSecretMatches('abd', stored)).toBe(false);
    expect(webhookSecretMatches('', stored)).toBe(false);
    expect(webhookSecretMatches('abc', undefined)).toBe(false);
    expect(webhookSecretMatches('abc', 'not-a-hash')).toBe(false);
  });
});

describe('delivery', () => {
  const delivery = {
    scope: 'store/order/created',
    store_id: '1025646',
    data: { type: 'order', id: 250 },
    hash: 'dd70c0976e06b67aaf671e73f49dcb79230ebf9d',
    created_at: 1561479335,
    producer: 'stores/abc123',
  };

  it('parses a delivery and keys its receipt on store, scope, hash and created_at', () => {
    const parsed = bigcommerceDeliverySchema.parse(delivery);
    expect(bigcommerceReceiptId(parsed)).toBe('bigcommerce:abc123:store/order/created:dd70c0976e06b67aaf671e73f49dcb79230ebf9d:1561479335');
    // The same data raised later is a new event.
    expect(bigcommerceReceiptId({ ...parsed, created_at: 1561479336 })).not.toBe(bigcommerceReceiptId(parsed));
  });

  it('keeps extra data fields (inventory, status) and accepts a numeric store_id', () => {
    const parsed = bigcommerceDeliverySchema.parse({ ...delivery, store_id: 1025646, data: { type: 'sku', id: 461, inventory: { value: 5 } } });
    expect(parsed.store_id).toBe('1025646');
    expect(parsed.data.inventory).toEqual({ value: 5 });
  });

  it.each([
    ['no hash', { ...delivery, hash: undefined }],
    ['a producer that is not a store', { ...delivery, producer: 'apps/x' }],
    ['created_at as text', { ...delivery, created_at: 'yesterday' }],
    ['data that is not an object', { ...delivery, data: 'x' }],
  ])('refuses a delivery with %s', (_label, body) => {
    expect(bigcommerceDeliverySchema.safeParse(body).success).toBe(false);
  });

  it('routes order and inventory scopes to their jobs and nothing else', () => {
    expect(jobForScope('store/order/statusUpdated')).toBe('bigcommerce.order');
    expect(jobForScope('store/sku/inventory/updated')).toBe('bigcommerce.inventory');
    expect(jobForScope('store/product/inventory/updated')).toBe('bigcommerce.inventory');
    expect(jobForScope('store/cart/created')).toBeUndefined();
  });
});
