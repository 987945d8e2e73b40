import { describe, expect, it } from 'vitest';
import type { BcOrder, BcOrderProduct, BcOrderShippingAddress } from '../../server/bigcommerce/orders.js';
import { defaultSettings } from '../../server/settings/schema.js';
import {
  contactDetails,
  contactDetailsHash,
  invoiceBody,
  isPaid,
  newContactBody,
  paymentBody,
  paymentMode,
  planLines,
  salesOrderBody,
  zohoDate,
} from '../../server/sync/orders/mapping.js';
import { lineMapOf } from '../../server/sync/orders/process.js';
import type { OrderSnapshot, ZohoItemRef } from '../../server/sync/orders/types.js';

const settings = defaultSettings().orders;

function order(overrides: Partial<BcOrder> = {}): BcOrder {
  return {
    id: 120,
    status_id: 11,
    status: 'Awaiting Fulfillment',
    customer_id: 7,
    date_created: 'Tue, 05 Mar 2024 23:30:00 +0000',
    date_modified: 'Tue, 05 Mar 2024 23:31:00 +0000',
    currency_code: 'USD',
    subtotal_ex_tax: '50.0000',
    subtotal_inc_tax: '55.0000',
    total_ex_tax: '55.0000',
    total_inc_tax: '60.5000',
    total_tax: '5.5000',
    shipping_cost_ex_tax: '10.0000',
    shipping_cost_inc_tax: '11.0000',
    handling_cost_ex_tax: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    discount_amount: '0.0000',
    coupon_discount: '5.0000',
    payment_status: 'captured',
    payment_method: 'Stripe',
    store_credit_amount: '0.0000',
    gift_certificate_amount: '0.0000',
    billing_address: { first_name: 'Ada', last_name: 'Lovelace', company: 'Engines Ltd', email: 'Ada@Example.com', phone: '555-0100', street_1: '1 Analytical Way', city: 'London', zip: 'N1', country: 'United Kingdom' },
    ...overrides,
  };
}

function product(id: number, sku: string, price: string, quantity: number, overrides: Partial<BcOrderProduct> = {}): BcOrderProduct {
  return { id, order_id: 120, product_id: id * 10, variant_id: id * 100, order_address_id: 9, name: `Product ${sku}`, sku, quantity, quantity_shipped: 0, price_ex_tax: price, price_inc_tax: price, applied_discounts: [], ...overrides };
}

const address: BcOrderShippingAddress = { id: 9, order_id: 120, shipping_method: 'Flat Rate', first_name: 'Ada', last_name: 'Lovelace', street_1: '2 Difference Rd', city: 'Bath', zip: 'BA1', country: 'United Kingdom', phone: '555-0199' };

const items = new Map<string, ZohoItemRef>([
  ['MUG', { item_id: 'z-mug', sku: 'MUG' }],
  ['TEE-RED-M', { item_id: 'z-tee-red-m', sku: 'TEE-RED-M' }],
]);

const sum = (lines: { rate: number; quantity: number; discount?: number }[]) => lines.reduce((s, l) => s + l.rate * l.quantity - (l.discount ?? 0), 0);

describe('orders mapping: lines', () => {
  it('maps lines by SKU (variants by their own SKU) at the ex-tax unit price, and the coupon as an order-level discount', () => {
    const products = [product(1, 'MUG', '10.0000', 2), product(2, 'TEE-RED-M', '30.0000', 1)];
    const plan = planLines(products, order(), items, settings);
    expect(plan.unmapped).toEqual([]);
    expect(plan.lines.map((l) => l.zoho)).toEqual([
      { item_id: 'z-mug', name: 'Product MUG', rate: 10, quantity: 2 },
      { item_id: 'z-tee-red-m', name: 'Product TEE-RED-M', rate: 30, quantity: 1 },
    ]);
    expect(plan.lines.map((l) => [l.orderProductId, l.orderAddressId])).toEqual([[1, 9], [2, 9]]);
    expect(plan).toMatchObject({ discountType: 'entity_level', discount: 5 });
  });

  it('puts discounts on the lines when the lines’ own discounts account for the whole order discount', () => {
    const products = [
      product(1, 'MUG', '10.0000', 2, { applied_discounts: [{ id: 'c1', amount: '2.0000' }] }),
      product(2, 'TEE-RED-M', '30.0000', 1, { applied_discounts: [{ id: 'c1', amount: 3 }] }),
    ];
    const plan = planLines(products, order(), items, settings);
    expect(plan).toMatchObject({ discountType: 'item_level', discount: 0 });
    expect(plan.lines.map((l) => l.zoho.discount)).toEqual([2, 3]);
  });

  it('names unmapped SKUs (hold), or leaves them out, or bills them as the fallback item, by setting', () => {
    const products = [product(1, 'MUG', '10.0000', 1), product(2, 'NOPE', '5.0000', 1)];
    const held = planLines(products, order(), items, settings);
    expect(held.unmapped).toEqual([{ orderProductId: 2, sku: 'NOPE', name: 'Product NOPE' }]);

    const skipped = planLines(products, order(), items, { ...settings, unmappedSku: 'skip_line' });
    expect(skipped.unmapped).toEqual([]);
    expect(skipped.skipped.map((l) => l.sku)).toEqual(['NOPE']);
    expect(skipped.lines).toHaveLength(1);

    const fallback = planLines(products, order(), items, { ...settings, unmappedSku: 'fallback_item', fallbackItemId: '999' });
    expect(fallback.lines[1]!.zoho).toEqual({ item_id: '999', name: 'Product NOPE', description: 'SKU NOPE', rate: 5, quantity: 1 });

    // Fallback asked for but no item chosen: still held.
    expect(planLines(products, order(), items, { ...settings, unmappedSku: 'fallback_item', fallbackItemId: null }).unmapped).toHaveLength(1);
  });
});

describe('orders mapping: sales order, invoice and payment', () => {
  const snapshot: OrderSnapshot = { order: order(), products: [product(1, 'MUG', '10.0000', 2), product(2, 'TEE-RED-M', '30.0000', 1)], addresses: [address], coupons: [{ id: 1, code: 'SAVE5', amount: '5.0000' }] };
  const plan = planLines(snapshot.products, snapshot.order, items, settings);

  it('numbers the sales order from the order id and references the order; totals add up to BigCommerce’s (Zoho computes tax)', () => {
    const body = salesOrderBody(snapshot, plan, 'c-1', settings, 'UTC');
    expect(body).toMatchObject({ customer_id: 'c-1', salesorder_number: 'BC-120', reference_number: '120', date: '2024-03-05', shipping_charge: 10, discount: 5, discount_type: 'entity_level', delivery_method: 'Flat Rate' });
    expect(body.notes).toContain('Coupon: SAVE5');
    expect(body.adjustment).toBeUndefined();
    const lines = body.line_items as { rate: number; quantity: number }[];
    expect(sum(lines) - (body.discount as number) + (body.shipping_charge as number)).toBeCloseTo(55, 2); // total_ex_tax
  });

  it('carries BigCommerce’s tax as an adjustment when the merchant keeps BigCommerce’s amounts', () => {
    const body = salesOrderBody(snapshot, plan, 'c-1', { ...settings, tax: 'bigcommerce' }, 'UTC');
    expect(body).toMatchObject({ adjustment: 5.5, adjustment_description: 'Tax (BigCommerce)' });
    const lines = body.line_items as { rate: number; quantity: number }[];
    expect(sum(lines) - (body.discount as number) + (body.shipping_charge as number) + (body.adjustment as number)).toBeCloseTo(60.5, 2); // total_inc_tax
  });

  it('links invoice lines to the sales order’s lines and applies the contact’s payment terms', () => {
    const so = { line_items: [{ line_item_id: 'sol-2', item_id: 'z-tee-red-m', item_order: 2, quantity: 1 }, { line_item_id: 'sol-1', item_id: 'z-mug', item_order: 1, quantity: 2 }] };
    const map = lineMapOf(plan.lines, so);
    expect(map.map((l) => [l.zohoLineItemId, l.orderProductId])).toEqual([['sol-1', 1], ['sol-2', 2]]);
    const body = invoiceBody(snapshot, plan, 'c-1', { paymentTerms: 30, paymentTermsLabel: 'Net 30' }, settings, 'UTC', new Map(map.map((l) => [l.orderProductId, l.zohoLineItemId])));
    expect(body).toMatchObject({ customer_id: 'c-1', reference_number: '120', payment_terms: 30, payment_terms_label: 'Net 30' });
    expect((body.line_items as { salesorder_item_id?: string }[]).map((l) => l.salesorder_item_id)).toEqual(['sol-1', 'sol-2']);
  });

  it('records what BigCommerce took as the payment, applied up to the invoice total, with a Zoho payment mode', () => {
    const body = paymentBody(order({ store_credit_amount: '0.5000' }), 'c-1', 'inv-1', 55, 'UTC');
    expect(body).toMatchObject({ customer_id: 'c-1', payment_mode: 'creditcard', amount: 60, reference_number: '120', invoices: [{ invoice_id: 'inv-1', amount_applied: 55 }] });
    expect(paymentMode('Cash on Delivery')).toBe('cash');
    expect(paymentMode('Bank Deposit')).toBe('banktransfer');
    expect(paymentMode('Manual')).toBe('others');
  });

  it('dates the sales order, invoice and payment by the organization’s day, not UTC’s', () => {
    // 23:30 in Los Angeles on 31 March is 06:30 UTC on 1 April: March's books.
    const late = { ...snapshot, order: order({ date_created: 'Wed, 01 Apr 2026 06:30:00 +0000' }) };
    expect(salesOrderBody(late, plan, 'c-1', settings, 'America/Los_Angeles').date).toBe('2026-03-31');
    expect(invoiceBody(late, plan, 'c-1', {}, settings, 'America/Los_Angeles').date).toBe('2026-03-31');
    expect(paymentBody(late.order, 'c-1', 'inv-1', 55, 'America/Los_Angeles').date).toBe('2026-03-31');
    expect(salesOrderBody(late, plan, 'c-1', settings, 'UTC').date).toBe('2026-04-01');
  });

  it('calls an order paid only when BigCommerce took the money', () => {
    expect(isPaid(order())).toBe(true);
    expect(isPaid(order({ payment_status: 'authorized' }))).toBe(false);
    expect(isPaid(order({ status_id: 7 }))).toBe(false);
  });
});

describe('orders mapping: contact', () => {
  it('takes the customer from the billing address (e-mail lower-cased) and the ship-to from the first shipping address', () => {
    const details = contactDetails({ order: order(), addresses: [address] })!;
    expect(details).toMatchObject({ email: 'ada@example.com', contactName: 'Ada Lovelace', company: 'Engines Ltd', phone: '555-0100' });
    expect(details.shipping).toMatchObject({ attention: 'Ada Lovelace', address: '2 Difference Rd', city: 'Bath', phone: '555-0199' });
    expect(newContactBody(details)).toMatchObject({ contact_name: 'Ada Lovelace', contact_type: 'customer', contact_persons: [{ email: 'ada@example.com', is_primary_contact: true }] });
    expect(contactDetails({ order: order({ billing_address: { first_name: 'X' } }), addresses: [] })).toBeUndefined();
  });

  it('hashes what is written to a contact, so an unchanged customer costs no update', () => {
    const a = contactDetails({ order: order(), addresses: [address] })!;
    const b = contactDetails({ order: order(), addresses: [{ ...address, city: 'Bristol' }] })!;
    expect(contactDetailsHash(a)).toBe(contactDetailsHash(contactDetails({ order: order(), addresses: [address] })!));
    expect(contactDetailsHash(a)).not.toBe(contactDetailsHash(b));
  });

  it('reads BigCommerce’s RFC 2822 dates as days of the organization’s zone', () => {
    expect(zohoDate('Tue, 05 Mar 2024 23:30:00 -0500', 'UTC')).toBe('2024-03-06');
    expect(zohoDate('Tue, 05 Mar 2024 23:30:00 -0500', 'America/New_York')).toBe('2024-03-05');
  });

});

describe('amountDifferences', () => {
  it('names each amount that changed, and nothing when none did', async () => {
    const { amountDifferences } = await import('../../server/sync/orders/mapping.js');
    const before = { subtotal: 40, shipping: 5, discount: 0, tax: 0, total: 45 };
    expect(amountDifferences(before, { ...before })).toEqual([]);
    expect(amountDifferences(before, { ...before, discount: 5, total: 40 })).toEqual(['discount 0.00 → 5.00', 'total 45.00 → 40.00']);
    expect(amountDifferences(undefined, before)).toEqual([]);
  });
});
