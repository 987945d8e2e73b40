import { describe, expect, it } from 'vitest';
import { bcTrackingNumber, planShipment, trackingUpdate, type BcOrderLine, type ShipmentPlanInput } from '../../server/sync/fulfilment/plan.js';
import type { OrderLinks } from '../../server/sync/fulfilment/types.js';

/** A BigCommerce order 100 with a mug (3) and a cap (2) on address 7, and a gift (1) on address 8. */
const order: OrderLinks = {
  orderId: 100,
  salesorderId: 'so1',
  orderAddressId: 7,
  lineMap: [
    { zohoLineItemId: 'zl-mug', orderProductId: 11, orderAddressId: 7, sku: 'MUG', quantity: 3 },
    { zohoLineItemId: 'zl-cap', orderProductId: 12, orderAddressId: 7, sku: 'CAP', quantity: 2 },
    { zohoLineItemId: 'zl-gift', orderProductId: 13, orderAddressId: 8, sku: 'GIFT', quantity: 1 },
  ],
};
const products = (shipped: Partial<Record<number, number>> = {}): BcOrderLine[] => [
  { orderProductId: 11, orderAddressId: 7, quantity: 3, quantityShipped: shipped[11] ?? 0, name: 'Mug' },
  { orderProductId: 12, orderAddressId: 7, quantity: 2, quantityShipped: shipped[12] ?? 0, name: 'Cap' },
  { orderProductId: 13, orderAddressId: 8, quantity: 1, quantityShipped: shipped[13] ?? 0, name: 'Gift' },
];
const plan = (input: Partial<ShipmentPlanInput>) => planShipment({ lines: [], order, products: products(), written: [], ...input });

describe('planShipment: Zoho shipment lines → BigCommerce shipment items', () => {
  it('maps every line through the line map, one shipment per shipping address', () => {
    const result = plan({
      lines: [
        { soLineItemId: 'zl-cap', quantity: 2 },
        { soLineItemId: 'zl-mug', quantity: 3 },
        { soLineItemId: 'zl-gift', quantity: 1 },
      ],
    });
    expect(result).toEqual({
      kind: 'create',
      notes: [],
      groups: [
        { orderAddressId: 7, items: [{ order_product_id: 11, quantity: 3 }, { order_product_id: 12, quantity: 2 }] },
        { orderAddressId: 8, items: [{ order_product_id: 13, quantity: 1 }] },
      ],
    });
  });

  it('ships part of a line, and adds up a line packed in several packages', () => {
    expect(plan({ lines: [{ soLineItemId: 'zl-mug', quantity: 1 }] })).toMatchObject({ kind: 'create', groups: [{ orderAddressId: 7, items: [{ order_product_id: 11, quantity: 1 }] }] });
    expect(
      plan({
        lines: [
          { soLineItemId: 'zl-mug', quantity: 1 },
          { soLineItemId: 'zl-mug', quantity: 1 },
        ],
      }),
    ).toMatchObject({ groups: [{ items: [{ order_product_id: 11, quantity: 2 }] }] });
  });

  it('never asks BigCommerce for more than it has left to ship, and says so', () => {
    const result = plan({ lines: [{ soLineItemId: 'zl-mug', quantity: 3 }], products: products({ 11: 2 }) });
    expect(result).toMatchObject({ kind: 'create', groups: [{ items: [{ order_product_id: 11, quantity: 1 }] }] });
    expect(result.kind === 'create' && result.notes.join(' ')).toContain('already shipped 2 of 3');
  });

  it('adds nothing when BigCommerce already shows it all shipped', () => {
    const result = plan({ lines: [{ soLineItemId: 'zl-cap', quantity: 2 }], products: products({ 12: 2 }) });
    expect(result).toMatchObject({ kind: 'nothing', status: 'synced' });
    expect(result.kind === 'nothing' && result.reason).toContain('already shows these items as shipped');
  });

  it('leaves out what was already written for this shipment (an attempt resumed after a crash)', () => {
    const lines = [
      { soLineItemId: 'zl-mug', quantity: 3 },
      { soLineItemId: 'zl-gift', quantity: 1 },
    ];
    // The mug's shipment was posted (BigCommerce counts it shipped) before the worker died.
    const resumed = plan({ lines, products: products({ 11: 3 }), written: [{ orderProductId: 11, quantity: 3 }] });
    expect(resumed).toEqual({ kind: 'create', notes: [], groups: [{ orderAddressId: 8, items: [{ order_product_id: 13, quantity: 1 }] }] });
    const all = plan({ lines, products: products({ 11: 3, 13: 1 }), written: [{ orderProductId: 11, quantity: 3 }, { orderProductId: 13, quantity: 1 }] });
    expect(all).toEqual({ kind: 'nothing', status: 'synced', reason: 'Already in BigCommerce.' });
  });

  it('names lines the order does not have, and fails when no line maps', () => {
    const some = plan({ lines: [{ soLineItemId: 'zl-mug', quantity: 1 }, { soLineItemId: 'zl-other', quantity: 4 }] });
    expect(some).toMatchObject({ kind: 'create', groups: [{ items: [{ order_product_id: 11, quantity: 1 }] }] });
    expect(some.kind === 'create' && some.notes).toEqual(['Zoho line zl-other is not a line of BigCommerce order 100; left out.']);
    expect(plan({ lines: [{ soLineItemId: 'zl-other', quantity: 4 }] })).toMatchObject({ kind: 'nothing', status: 'failed' });
  });

  it('ships whole units only', () => {
    const result = plan({ lines: [{ soLineItemId: 'zl-mug', quantity: 2.5 }] });
    expect(result).toMatchObject({ kind: 'create', groups: [{ items: [{ order_product_id: 11, quantity: 2 }] }] });
    expect(result.kind === 'create' && result.notes[0]).toContain('rounded down to 2');
  });

  it('falls back to the order’s address when BigCommerce gives a line none', () => {
    const result = plan({ lines: [{ soLineItemId: 'zl-mug', quantity: 1 }], products: products().map((p) => ({ ...p, orderAddressId: 0 })) });
    expect(result).toMatchObject({ groups: [{ orderAddressId: 7 }] });
  });
});

describe('trackingUpdate', () => {
  const now = { trackingNumber: '1Z999', shippingProvider: 'ups', trackingCarrier: 'ups' };
  it('is nothing when BigCommerce has these values, the new values otherwise', () => {
    expect(trackingUpdate(now, now)).toBeUndefined();
    expect(trackingUpdate({ ...now, trackingNumber: '1Z000' }, now)).toEqual(now);
    expect(trackingUpdate({ ...now, trackingCarrier: '' }, now)).toEqual(now);
    expect(trackingUpdate(undefined, { trackingNumber: '', shippingProvider: '', trackingCarrier: '' })).toBeUndefined();
  });

  it('keeps tracking numbers within BigCommerce’s 50 characters', () => {
    expect(bcTrackingNumber('  ABC  ')).toBe('ABC');
    expect(bcTrackingNumber('x'.repeat(60))).toHaveLength(50);
    expect(bcTrackingNumber(undefined)).toBe('');
  });
});
