import { describe, expect, it } from 'vitest';
import { diffRecords, joinHash, planPriceLists, splitHash, type PriceListOperation, type PriceListPlanInput } from '../../server/sync/pricelists/plan.js';
import type { BcPriceListRow, PriceListLinkRow, ZohoPricebook } from '../../server/sync/pricelists/types.js';

const wholesale: ZohoPricebook = {
  pricebook_id: 'pb1',
  name: 'Wholesale',
  status: 'active',
  pricebook_type: 'per_item',
  sales_or_purchase_type: 'sales',
  currency_code: 'USD',
  pricebook_items: [
    { item_id: 'mug', pricebook_rate: 10 },
    { item_id: 'tee-s', pricebook_rate: '16' },
    { item_id: 'shipping', pricebook_rate: 8 },
  ],
};
const vip: ZohoPricebook = {
  pricebook_id: 'pb2',
  name: 'VIP 10% off',
  status: 'active',
  pricebook_type: 'fixed_percentage',
  sales_or_purchase_type: 'sales',
  percentage: 10,
  is_increase: false,
  rounding_type: 'round_to_dollar_minus_01',
  currency_code: 'USD',
  pricebook_items: [],
};

function input(overrides: Partial<PriceListPlanInput> = {}): PriceListPlanInput {
  return {
    books: [wholesale, vip],
    rates: new Map([
      ['mug', 12.5],
      ['tee-s', 20],
      ['shipping', 10],
    ]),
    // Read with the rates: a book's items carry no SKU or name of their own.
    labels: new Map([['shipping', { sku: 'SHIPPING', name: 'Shipping' }]]),
    // The service item has no BigCommerce variant.
    targets: new Map([
      ['mug', { variantId: 501, sku: 'MUG' }],
      ['tee-s', { variantId: 502, sku: 'TEE-S' }],
    ]),
    links: [],
    bigcommerceLists: [],
    assignments: [],
    defaultCurrency: 'usd',
    compareAll: false,
    ...overrides,
  };
}

const ofKind = <K extends PriceListOperation['kind']>(ops: PriceListOperation[], kind: K) => ops.filter((o): o is Extract<PriceListOperation, { kind: K }> => o.kind === kind);

/** Links and BigCommerce lists as a first run would have left them. */
function afterFirstRun(base = input()): { links: PriceListLinkRow[]; lists: BcPriceListRow[] } {
  const creates = ofKind(planPriceLists(base).operations, 'create');
  return {
    links: creates.map((c, i) => ({ zohoId: c.list.zohoId, bigcommerceId: String(i + 1), hash: joinHash(c.list.hash), hidden: !c.list.active })),
    lists: creates.map((c, i) => ({ id: i + 1, name: c.list.name, active: c.list.active })),
  };
}

describe('planPriceLists', () => {
  it('creates a list per sales book: per-item records by variant, percentage records from the rates, rounded', () => {
    const { operations, skippedRecords } = planPriceLists(input());
    const creates = ofKind(operations, 'create');
    expect(creates.map((c) => [c.list.name, c.list.active, c.list.currency])).toEqual([
      ['Wholesale', true, 'usd'],
      ['VIP 10% off', true, 'usd'],
    ]);
    expect(creates[0]!.list.records.map((r) => [r.variant_id, r.price])).toEqual([
      [501, 10],
      [502, 16],
    ]);
    expect(creates[1]!.list.records.map((r) => [r.variant_id, r.price])).toEqual([
      [501, 10.99],
      [502, 17.99],
    ]);
    // Only the per-item book names the service item: one skip, with the reason.
    expect(skippedRecords).toEqual([{ pricebookId: 'pb1', pricebookName: 'Wholesale', zohoItemId: 'shipping', sku: 'SHIPPING', name: 'Shipping', reason: expect.stringMatching(/not in BigCommerce/) }]);
  });

  it('creates an inactive book’s list inactive, ignores purchase books, and skips a book it cannot price', () => {
    const old = { ...wholesale, pricebook_id: 'pb3', name: 'Old prices', status: 'inactive' };
    const purchase = { ...wholesale, pricebook_id: 'pb4', name: 'Supplier costs', sales_or_purchase_type: 'purchases' };
    const odd = { ...vip, pricebook_id: 'pb5', name: 'Odd', rounding_type: 'round_to_ten' };
    const { operations } = planPriceLists(input({ books: [old, purchase, odd] }));
    expect(ofKind(operations, 'create').map((c) => [c.list.name, c.list.active])).toEqual([['Old prices', false]]);
    expect(ofKind(operations, 'skip')).toEqual([{ kind: 'skip', zohoId: 'pb5', name: 'Odd', reason: 'unknown rounding type "round_to_ten"' }]);
    expect(operations).toHaveLength(2);
  });

  it('turns volume brackets into the base price and fixed-price tiers', () => {
    const volume: ZohoPricebook = {
      ...wholesale,
      pricing_scheme: 'volume',
      pricebook_items: [
        {
          item_id: 'mug',
          price_brackets: [
            { start_quantity: 10, end_quantity: 49, pricebook_rate: 9 },
            { start_quantity: 1, end_quantity: 9, pricebook_rate: 11 },
            { start_quantity: 50, end_quantity: '', pricebook_rate: 8 },
          ],
        },
      ],
    };
    const [create] = ofKind(planPriceLists(input({ books: [volume] })).operations, 'create');
    expect(create!.list.records).toEqual([
      {
        zohoItemId: 'mug',
        variant_id: 501,
        sku: 'MUG',
        price: 11,
        bulk_pricing_tiers: [
          { quantity_min: 10, quantity_max: 49, type: 'fixed', amount: 9 },
          { quantity_min: 50, quantity_max: null, type: 'fixed', amount: 8 },
        ],
      },
    ]);
  });

  it('leaves a list unchanged when nothing moved, and writes only the part that did', () => {
    const { links, lists } = afterFirstRun();
    expect(planPriceLists(input({ links, bigcommerceLists: lists })).operations.map((o) => o.kind)).toEqual(['unchanged', 'unchanged']);

    // A rate moves only the percentage list's records.
    const rates = new Map(input().rates).set('mug', 15);
    const moved = planPriceLists(input({ links, bigcommerceLists: lists, rates })).operations;
    expect(moved.map((o) => o.kind)).toEqual(['unchanged', 'sync']);
    expect(ofKind(moved, 'sync')[0]).toMatchObject({ priceListId: 2, adopted: false, writeMeta: false, compareRecords: true, syncAssignments: false });

    // A list renamed or deactivated by hand in BigCommerce gets its name and status back, records untouched.
    const edited = lists.map((l) => (l.id === 1 ? { ...l, name: 'Trade', active: false } : l));
    const repaired = ofKind(planPriceLists(input({ links, bigcommerceLists: edited })).operations, 'sync');
    expect(repaired).toMatchObject([{ priceListId: 1, wasActive: false, writeMeta: true, compareRecords: false }]);

    // Reconciliation compares every list's records whatever the hashes say.
    const reconciled = ofKind(planPriceLists(input({ links, bigcommerceLists: lists, compareAll: true })).operations, 'sync');
    expect(reconciled.map((s) => [s.priceListId, s.compareRecords, s.writeMeta])).toEqual([
      [1, true, false],
      [2, true, false],
    ]);
  });

  it('assigns lists named in the settings (any letter case), and only when the assignments changed', () => {
    const { links, lists } = afterFirstRun();
    const assignments = [
      { pricelistName: 'wholesale', customerGroupId: 3 },
      { pricelistName: 'Wholesale', customerGroupId: 3 },
      { pricelistName: 'Wholesale', channelId: 1 },
      { pricelistName: 'Nobody', customerGroupId: 4 },
    ];
    const ops = planPriceLists(input({ links, bigcommerceLists: lists, assignments })).operations;
    const [sync] = ofKind(ops, 'sync');
    expect(sync).toMatchObject({ priceListId: 1, syncAssignments: true, compareRecords: false, writeMeta: false });
    expect(sync!.list.assignments).toEqual([{ channel_id: 1 }, { customer_group_id: 3 }]);
    // Saved with the new hash, the next plan has nothing to do.
    const saved = links.map((l) => (l.zohoId === 'pb1' ? { ...l, hash: joinHash(sync!.list.hash) } : l));
    expect(planPriceLists(input({ links: saved, bigcommerceLists: lists, assignments })).operations.map((o) => o.kind)).toEqual(['unchanged', 'unchanged']);
  });

  it('adopts a BigCommerce list of the same name instead of creating a second, unless another book owns it', () => {
    const lists = [{ id: 7, name: 'WHOLESALE', active: false }];
    const [adopt] = ofKind(planPriceLists(input({ bigcommerceLists: lists })).operations, 'sync');
    expect(adopt).toMatchObject({ priceListId: 7, adopted: true, wasActive: false, writeMeta: true, compareRecords: true });

    // Renamed in Zoho to the name of a list another (present) book syncs to.
    const renamed = { ...vip, name: 'Wholesale' };
    const owned = planPriceLists(
      input({ books: [{ ...wholesale, name: 'Trade' }, renamed], bigcommerceLists: [{ id: 7, name: 'Wholesale', active: true }], links: [{ zohoId: 'pb1', bigcommerceId: '7', hash: '', hidden: false }] }),
    ).operations;
    expect(ofKind(owned, 'conflict')).toMatchObject([{ zohoId: 'pb2', reason: expect.stringMatching(/another Zoho price list/) }]);
  });

  it('makes a new list when the linked one was deleted in BigCommerce', () => {
    const { links, lists } = afterFirstRun();
    const ops = planPriceLists(input({ links, bigcommerceLists: lists.filter((l) => l.id !== 1) })).operations;
    expect(ops.map((o) => o.kind)).toEqual(['create', 'unchanged']);
  });

  it('deactivates the list of a removed book once, never one another book took over', () => {
    const { links, lists } = afterFirstRun();
    const gone = planPriceLists(input({ books: [wholesale], links, bigcommerceLists: lists })).operations;
    expect(ofKind(gone, 'deactivate')).toEqual([{ kind: 'deactivate', zohoId: 'pb2', priceListId: 2, name: 'VIP 10% off' }]);
    // Already inactive: nothing to write.
    const inactive = lists.map((l) => (l.id === 2 ? { ...l, active: false } : l));
    expect(ofKind(planPriceLists(input({ books: [wholesale], links, bigcommerceLists: inactive })).operations, 'deactivate')).toEqual([]);
    // A new book of the same name adopts the list: it is not deactivated under it.
    const successor = { ...vip, pricebook_id: 'pb9' };
    const ops = planPriceLists(input({ books: [wholesale, successor], links, bigcommerceLists: lists })).operations;
    expect(ofKind(ops, 'deactivate')).toEqual([]);
    expect(ofKind(ops, 'sync')).toMatchObject([{ priceListId: 2, adopted: true, list: { zohoId: 'pb9' } }]);
  });
});

describe('diffRecords', () => {
  it('creates the missing, updates the changed (price or tiers), removes the stale', () => {
    const record = (variant_id: number, price: number, tiers: { quantity_min: number; quantity_max: number | null; type: 'fixed'; amount: number }[] = []) => ({
      zohoItemId: `z${variant_id}`,
      variant_id,
      price,
      bulk_pricing_tiers: tiers,
    });
    const tier = { quantity_min: 10, quantity_max: null, type: 'fixed' as const, amount: 9 };
    const diff = diffRecords(
      [record(1, 10), record(2, 12), record(3, 5), record(4, 8, [tier])],
      [
        { variant_id: 2, price: 12, bulk_pricing_tiers: [] },
        { variant_id: 3, price: 6 },
        { variant_id: 4, price: 8, bulk_pricing_tiers: [] },
        { variant_id: 9, price: 1 },
      ],
    );
    expect(diff.create.map((r) => r.variant_id)).toEqual([1]);
    expect(diff.update.map((r) => r.variant_id)).toEqual([3, 4]);
    expect(diff.unchanged.map((r) => r.variant_id)).toEqual([2]);
    expect(diff.remove).toEqual([9]);
  });
});

describe('price list link hashes', () => {
  it('split back into their three parts, and an old or empty hash matches nothing', () => {
    expect(splitHash(joinHash({ meta: 'a', records: 'b', assignments: 'c' }))).toEqual({ meta: 'a', records: 'b', assignments: 'c' });
    expect(splitHash('')).toEqual({ meta: '', records: '', assignments: '' });
  });
});
