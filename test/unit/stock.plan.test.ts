import { describe, expect, it } from 'vitest';
import { planStock, type StockPlanInput } from '../../server/sync/stock/plan.js';
import { levelsByBigCommerceLocation, pickQuantity, sellableLevel, tracksStock } from '../../server/sync/stock/quantities.js';
import { planCorrections, withoutEchoes } from '../../server/sync/stock/twoWay.js';
import { levelKey, type StockTarget, type ZohoStockItem } from '../../server/sync/stock/types.js';

const MAIN = '9001';
const DOWNTOWN = '9002';
const item = (over: Partial<ZohoStockItem> = {}): ZohoStockItem => ({
  item_id: 'i1',
  name: 'Mug',
  sku: 'MUG',
  status: 'active',
  product_type: 'goods',
  item_type: 'inventory',
  stock_on_hand: 50,
  available_stock: 45,
  actual_available_stock: 47,
  locations: [
    { location_id: MAIN, location_stock_on_hand: 40, location_available_stock: 36, location_actual_available_stock: 38 },
    // items.yml types these as strings: both forms count.
    { location_id: DOWNTOWN, location_stock_on_hand: '10', location_available_stock: '9', location_actual_available_stock: '9' },
  ],
  ...over,
});
const mug: StockTarget = { kind: 'product', id: 111, sku: 'MUG' };
const plan = (over: Partial<StockPlanInput> = {}) =>
  planStock({ items: [item()], targets: new Map([['i1', mug]]), known: new Map(), pending: new Map(), settings: { quantity: 'available_for_sale', locations: [] }, ...over });

describe('which Zoho quantity counts', () => {
  it('available for sale is the lower of the accounting and physical available figures; the others are Zoho’s own', () => {
    const figures = { onHand: 50, available: 45, actualAvailable: 47 };
    expect(pickQuantity(figures, 'available_for_sale')).toBe(45);
    expect(pickQuantity({ ...figures, actualAvailable: 30 }, 'available_for_sale')).toBe(30);
    expect(pickQuantity(figures, 'available_stock')).toBe(45);
    expect(pickQuantity(figures, 'stock_on_hand')).toBe(50);
  });

  it('BigCommerce gets whole, non-negative levels', () => {
    expect(sellableLevel(4.7, 0)).toBe(4);
    expect(sellableLevel(-3, 0)).toBe(0);
    expect(sellableLevel(10, 4)).toBe(6);
    expect(sellableLevel(2, 5)).toBe(0);
  });

  it('services and non-inventory items have no stock', () => {
    expect(tracksStock(item())).toBe(true);
    expect(tracksStock(item({ product_type: 'service', item_type: 'sales' }))).toBe(false);
    expect(tracksStock(item({ item_type: 'sales' }))).toBe(false);
    expect(tracksStock(item({ track_inventory: false }))).toBe(false);
  });
});

describe('location mapping', () => {
  it('no mapping: Zoho’s total goes to BigCommerce’s default location', () => {
    const mapped = levelsByBigCommerceLocation(item(), [], 'available_for_sale');
    expect(mapped).toEqual({ ok: true, levels: new Map([[1, 45]]) });
  });

  it('without totals in the answer, the total is the sum of the locations', () => {
    const mapped = levelsByBigCommerceLocation(item({ stock_on_hand: undefined, available_stock: undefined, actual_available_stock: undefined }), [], 'stock_on_hand');
    expect(mapped).toEqual({ ok: true, levels: new Map([[1, 50]]) });
  });

  it('each BigCommerce location gets the sum of the Zoho locations mapped to it; unmapped ones are not sold from', () => {
    const one = levelsByBigCommerceLocation(item(), [{ zohoLocationId: DOWNTOWN, bigcommerceLocationId: 2 }], 'available_for_sale');
    expect(one).toEqual({ ok: true, levels: new Map([[2, 9]]) });
    const both = levelsByBigCommerceLocation(
      item(),
      [
        { zohoLocationId: MAIN, bigcommerceLocationId: 1 },
        { zohoLocationId: DOWNTOWN, bigcommerceLocationId: 1 },
      ],
      'available_for_sale',
    );
    expect(both).toEqual({ ok: true, levels: new Map([[1, 45]]) });
  });

  it('a mapping needs per-location figures; a Zoho location the item lacks holds none of it', () => {
    expect(levelsByBigCommerceLocation(item({ locations: undefined }), [{ zohoLocationId: MAIN, bigcommerceLocationId: 1 }], 'stock_on_hand')).toEqual({ ok: false, reason: 'no_locations' });
    expect(levelsByBigCommerceLocation(item(), [{ zohoLocationId: '404', bigcommerceLocationId: 3 }], 'stock_on_hand')).toEqual({ ok: true, levels: new Map([[3, 0]]) });
  });
});

describe('planStock', () => {
  it('writes a level never written, and nothing when it is what the app last wrote', () => {
    expect(plan().ops).toMatchObject([{ kind: 'set', zohoItemId: 'i1', locationId: 1, target: mug, quantity: 45, zohoQuantity: 45 }]);
    const known = new Map([[levelKey('i1', 1), { quantity: 45, zohoQuantity: 45 }]]);
    expect(plan({ known }).ops).toMatchObject([{ kind: 'unchanged', quantity: 45, refresh: false }]);
    expect(plan({ known }).zohoChanged).toBe(0);
  });

  it('writes a changed level with the previous one, and counts the item as moved in Zoho', () => {
    const known = new Map([[levelKey('i1', 1), { quantity: 40, zohoQuantity: 40 }]]);
    const result = plan({ known });
    expect(result.ops).toMatchObject([{ kind: 'set', quantity: 45, previous: 40 }]);
    expect(result.zohoChanged).toBe(1);
  });

  it('subtracts units of claimed orders Zoho does not have yet, at the default location only', () => {
    const mapping = [
      { zohoLocationId: MAIN, bigcommerceLocationId: 1 },
      { zohoLocationId: DOWNTOWN, bigcommerceLocationId: 2 },
    ];
    const result = plan({ pending: new Map([['i1', 5]]), settings: { quantity: 'available_for_sale', locations: mapping } });
    expect(result.ops).toMatchObject([
      { kind: 'set', locationId: 1, quantity: 31, zohoQuantity: 36 },
      { kind: 'set', locationId: 2, quantity: 9, zohoQuantity: 9 },
    ]);
  });

  it('an order reaching Zoho changes Zoho’s figure but not the level: nothing is written, the figure is remembered', () => {
    // Before: Zoho 45, one claimed order of 5 not in Zoho → 40 written. After: Zoho committed it (40), nothing pending.
    const known = new Map([[levelKey('i1', 1), { quantity: 40, zohoQuantity: 45 }]]);
    const result = plan({ items: [item({ available_stock: 40, actual_available_stock: 40 })], known });
    expect(result.ops).toMatchObject([{ kind: 'unchanged', quantity: 40, zohoQuantity: 40, refresh: true }]);
  });

  it('a changed setting (another quantity, another mapping) is not taken for a change in Zoho', () => {
    const known = new Map([[levelKey('i1', 1), { quantity: 45, zohoQuantity: 45, basis: 'available_for_sale|total' }]]);
    const result = plan({ known, settings: { quantity: 'stock_on_hand', locations: [] } });
    expect(result.ops).toMatchObject([{ kind: 'set', quantity: 50, basis: 'stock_on_hand|total', previous: 45 }]);
    expect(result.zohoChanged).toBe(0);
  });

  it('leaves out items without a product link (counted) and untracked items, and skips a mapping without per-location figures', () => {
    const result = plan({
      items: [item({ item_id: 'lonely' }), item({ item_id: 'svc', product_type: 'service', item_type: 'sales' }), item({ locations: undefined })],
      targets: new Map([
        ['i1', mug],
        ['svc', mug],
      ]),
      settings: { quantity: 'stock_on_hand', locations: [{ zohoLocationId: MAIN, bigcommerceLocationId: 1 }] },
    });
    expect(result.unlinked).toBe(1);
    expect(result.ops).toMatchObject([{ kind: 'skip', zohoItemId: 'i1', reason: expect.stringContaining('per location') }]);
  });

  it('an item read twice is planned once', () => {
    expect(plan({ items: [item(), item()] }).ops).toHaveLength(1);
  });
});

describe('two-way corrections', () => {
  const settings = { quantity: 'available_for_sale' as const, locations: [] as { zohoLocationId: string; bigcommerceLocationId: number }[], enabled: true, method: 'twoway' as const, schedule: { every: '1h' } };
  const targets = new Map([['i1', mug]]);

  it('a level equal to the app’s last write is its own echo', () => {
    const known = new Map([[levelKey('i1', 1), { quantity: 45, zohoQuantity: 45 }]]);
    const refs = [{ kind: 'product' as const, id: 111 }];
    const itemByRef = new Map([['product:111', 'i1']]);
    expect(withoutEchoes(refs, itemByRef, new Map([['product:111', new Map([[1, 45]])]]), known, [1])).toEqual([]);
    expect(withoutEchoes(refs, itemByRef, new Map([['product:111', new Map([[1, 52]])]]), known, [1])).toEqual(refs);
  });

  it('adjusts Zoho by the difference between BigCommerce and what Zoho would have it sell', () => {
    const corrections = planCorrections({ items: [item()], targets, bigcommerce: new Map([['product:111', new Map([[1, 52]])]]), known: new Map(), pending: new Map(), settings });
    expect(corrections).toMatchObject([{ zohoItemId: 'i1', bigcommerce: 52, expected: 45, line: { item_id: 'i1', quantity_adjusted: 7 } }]);
  });

  it('does not count an order twice: units of a claimed order Zoho lacks are part of what BigCommerce should hold', () => {
    // Zoho 45, an order of 3 not yet in Zoho: BigCommerce rightly shows 42. The merchant sets 50 → +8, not +5.
    const pending = new Map([['i1', 3]]);
    const settled = planCorrections({ items: [item()], targets, bigcommerce: new Map([['product:111', new Map([[1, 42]])]]), known: new Map(), pending, settings });
    expect(settled[0]!.line).toBeUndefined();
    const corrected = planCorrections({ items: [item()], targets, bigcommerce: new Map([['product:111', new Map([[1, 50]])]]), known: new Map(), pending, settings });
    expect(corrected[0]!.line).toEqual({ item_id: 'i1', quantity_adjusted: 8 });
  });

  it('sends corrections to the Zoho location mapped to the BigCommerce location, and none for unmapped ones', () => {
    const mapped = { ...settings, locations: [{ zohoLocationId: DOWNTOWN, bigcommerceLocationId: 2 }] };
    const corrections = planCorrections({ items: [item()], targets, bigcommerce: new Map([['product:111', new Map([[1, 99], [2, 12]])]]), known: new Map(), pending: new Map(), settings: mapped });
    expect(corrections).toHaveLength(1);
    expect(corrections[0]).toMatchObject({ locationId: 2, line: { item_id: 'i1', quantity_adjusted: 3, location_id: DOWNTOWN } });
  });

  it('a fractional or oversold Zoho figure that BigCommerce shows as its whole level agrees', () => {
    const fractional = planCorrections({ items: [item({ available_stock: 4.5, actual_available_stock: 4.5 })], targets, bigcommerce: new Map([['product:111', new Map([[1, 4]])]]), known: new Map(), pending: new Map(), settings });
    expect(fractional[0]!.line).toBeUndefined();
    const oversold = planCorrections({ items: [item({ available_stock: -2, actual_available_stock: -2 })], targets, bigcommerce: new Map([['product:111', new Map([[1, 5]])]]), known: new Map(), pending: new Map(), settings });
    expect(oversold[0]!.line).toEqual({ item_id: 'i1', quantity_adjusted: 7 });
  });
});
