import { describe, expect, it } from 'vitest';
import { bigcommerceRefOf } from '../../server/sync/stock/events.js';
import { isStockModule, itemIdsOfAnswer } from '../../server/sync/stock/records.js';

describe('which items a Zoho record moved', () => {
  it('reads the item ids of its lines, under whatever key Zoho puts the record', () => {
    expect(itemIdsOfAnswer({ code: 0, message: 'success', inventory_adjustment: { line_items: [{ item_id: '11' }, { item_id: 12 }, { item_id: '11' }] } })).toEqual(['11', '12']);
    expect(itemIdsOfAnswer({ code: 0, salesorder: { salesorder_id: '5', line_items: [{ item_id: '7', quantity: 2 }] } })).toEqual(['7']);
  });

  it('names none when the answer has no lines (the caller then reads every item)', () => {
    expect(itemIdsOfAnswer({ code: 0, message: 'success', shipment_order: { shipment_id: '1' } })).toBeUndefined();
  });

  it('follows the modules that move stock, and not the others', () => {
    for (const module of ['item', 'inventory_adjustment', 'salesorder', 'invoice', 'purchasereceive', 'package', 'shipmentorder']) expect(isStockModule(module)).toBe(true);
    for (const module of ['itemgroup', 'contact', 'pricebook']) expect(isStockModule(module)).toBe(false);
  });
});

describe('what a BigCommerce inventory event is about', () => {
  it('a variant-tracked SKU by its variant, a product-tracked product by its product', () => {
    expect(bigcommerceRefOf({ type: 'sku', id: 461, inventory: { product_id: 206, method: 'absolute', value: 5, variant_id: 509 } })).toEqual({ kind: 'variant', id: 509 });
    expect(bigcommerceRefOf({ type: 'product', id: 167, inventory: { product_id: 167, method: 'absolute', value: 10 } })).toEqual({ kind: 'product', id: 167 });
    expect(bigcommerceRefOf({ type: 'product', id: 167 })).toEqual({ kind: 'product', id: 167 });
    expect(bigcommerceRefOf({ type: 'sku' })).toBeUndefined();
  });
});
