import { describe, expect, it } from 'vitest';
import type { BcOrderProduct } from '../../server/bigcommerce/orders.js';
import { creditNoteBody, creditNoteNumber, creditNoteRefundBody, creditNoteTotal, planCreditNote } from '../../server/sync/orders/refunds.js';

const product = (id: number, sku: string, price: number, quantity: number, refunded = 0, refundAmount = 0): BcOrderProduct => ({
  id,
  order_id: 101,
  product_id: 0,
  variant_id: 0,
  order_address_id: 1,
  name: `Item ${sku}`,
  sku,
  quantity,
  quantity_shipped: 0,
  price_ex_tax: price.toFixed(4),
  price_inc_tax: price.toFixed(4),
  quantity_refunded: refunded,
  refund_amount: refundAmount.toFixed(4),
});

const items = new Map([
  ['MUG', { item_id: 'z-mug', sku: 'MUG' }],
  ['TEE', { item_id: 'z-tee', sku: 'TEE' }],
]);
const nothingCredited = { amount: 0, lines: [] };

describe('credit notes for BigCommerce refunds', () => {
  it('credits the refunded units of each product as its Zoho item, at the money refunded for them', () => {
    const plan = planCreditNote({ refunded_amount: '20.0000' }, [product(1, 'MUG', 10, 3, 2, 20), product(2, 'TEE', 30, 1)], nothingCredited, items)!;
    expect(plan.lines).toEqual([{ item_id: 'z-mug', name: 'Item MUG', description: 'SKU MUG', rate: 10, quantity: 2 }]);
    expect(plan).toMatchObject({ amount: 20, covers: [{ orderProductId: 1, quantity: 2, amount: 20 }] });
    expect(creditNoteTotal(plan)).toBe(20);
  });

  it('puts money not tied to a product (shipping, tax) on one line of its own, and a product with no Zoho item on a line without one', () => {
    const plan = planCreditNote({ refunded_amount: '45.0000' }, [product(1, 'LAMP', 40, 1, 1, 40)], nothingCredited, items)!;
    expect(plan.lines).toEqual([
      { name: 'Item LAMP', description: 'SKU LAMP', rate: 40, quantity: 1 },
      expect.objectContaining({ name: 'Other refunded amount', rate: 5, quantity: 1 }),
    ]);
    expect(creditNoteTotal(plan)).toBe(45);
  });

  it('credits only what was refunded since the last credit note, and nothing when nothing new was', () => {
    const products = [product(1, 'MUG', 10, 3, 3, 30)];
    const before = { amount: 20, lines: [{ orderProductId: 1, quantity: 2, amount: 20 }] };
    const plan = planCreditNote({ refunded_amount: '30.0000' }, products, before, items)!;
    expect(plan.lines).toEqual([expect.objectContaining({ item_id: 'z-mug', rate: 10, quantity: 1 })]);
    expect(plan.amount).toBe(10);
    expect(planCreditNote({ refunded_amount: '30.0000' }, products, { amount: 30, lines: [{ orderProductId: 1, quantity: 3, amount: 30 }] }, items)).toBeUndefined();
  });

  it('never says more than the money refunded: units refunded for less than their price are one line naming them', () => {
    // Three mugs given back for 10 in all (BigCommerce's line says no money; the order says 10).
    const plan = planCreditNote({ refunded_amount: '10.0000' }, [product(1, 'MUG', 10, 3, 3, 0)], nothingCredited, items)!;
    expect(plan.lines).toEqual([expect.objectContaining({ name: 'Refund', rate: 10, quantity: 1, description: expect.stringContaining('3 × Item MUG') })]);
    expect(creditNoteTotal(plan)).toBe(10);
  });

  it('keeps whole cents per unit; the cent left over goes on the other line, so the total is exact', () => {
    const plan = planCreditNote({ refunded_amount: '10.0000' }, [product(1, 'MUG', 5, 3, 3, 10)], nothingCredited, items)!;
    expect(plan.lines[0]).toMatchObject({ rate: 3.33, quantity: 3 });
    expect(creditNoteTotal(plan)).toBe(10);
  });

  it('numbers credit notes from the sales-order prefix and the order id, and carries the order as reference', () => {
    expect(creditNoteNumber('BC-', 101, 2)).toBe('CN-BC-101-2');
    const body = creditNoteBody(101, 'c-1', 'CN-BC-101-1', { lines: [{ name: 'x', rate: 1, quantity: 1 }] }, new Date('2026-11-27T10:00:00Z'), 'UTC');
    expect(body).toMatchObject({ customer_id: 'c-1', creditnote_number: 'CN-BC-101-1', reference_number: '101', date: '2026-11-27', is_inclusive_tax: true });
    expect(creditNoteRefundBody({ id: 101, payment_method: 'Credit Card' }, 12.5, new Date('2026-11-27T10:00:00Z'), 'UTC')).toMatchObject({
      refund_mode: 'creditcard',
      amount: 12.5,
      reference_number: '101',
    });
  });

  it('dates the credit note and its refund by the organization’s day', () => {
    // 1 December 03:00 UTC is still 30 November in Chicago: November's books.
    const at = new Date('2026-12-01T03:00:00Z');
    expect(creditNoteBody(101, 'c-1', 'CN-BC-101-1', { lines: [] }, at, 'America/Chicago').date).toBe('2026-11-30');
    expect(creditNoteRefundBody({ id: 101 }, 1, at, 'America/Chicago').date).toBe('2026-11-30');
    expect(creditNoteBody(101, 'c-1', 'CN-BC-101-1', { lines: [] }, at, 'UTC').date).toBe('2026-12-01');
  });
});
