import { describe, expect, it } from 'vitest';
import {
  BATCH_LIMITS,
  chunk,
  refusedRecords,
  resultsFromBatchResponse,
  resultsFromPriceRecordErrors,
  type PriceListRecord,
} from '../../server/bigcommerce/batches.js';

describe('chunk', () => {
  it('cuts a list into batches of at most the endpoint maximum, keeping order', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const batches = chunk(items, BATCH_LIMITS.products);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual(items);
    expect(chunk([], 10)).toEqual([]);
    expect(() => chunk(items, 0)).toThrow();
  });

  it('knows BigCommerce’s maxima', () => {
    expect(BATCH_LIMITS).toEqual({ products: 10, variants: 50, inventoryItems: 2000, priceListRecords: 1000 });
  });
});

describe('207 per-record results', () => {
  const records = [{ id: 11 }, { id: 12 }, { id: 13 }];
  const indices = [20, 21, 22];

  it('marks every record written on 200', () => {
    expect(resultsFromBatchResponse(records, indices, 200, { data: [] })).toEqual([
      { ok: true, index: 20, id: 11 },
      { ok: true, index: 21, id: 12 },
      { ok: true, index: 22, id: 13 },
    ]);
  });

  it('on 207, fails the records missing from data with their own error when one names them', () => {
    const body = {
      data: [{ id: 11 }, { id: 13 }],
      errors: { status: 422, title: 'Some products could not be updated', errors: { '12': 'Product 12 was not found' } },
      meta: {},
    };
    expect(resultsFromBatchResponse(records, indices, 207, body)).toEqual([
      { ok: true, index: 20, id: 11 },
      { ok: false, index: 21, id: 12, error: '12: Product 12 was not found' },
      { ok: true, index: 22, id: 13 },
    ]);
  });

  it('on 207, a record returned but named by an error was only partly written', () => {
    const body = { data: [{ id: 11 }, { id: 12 }, { id: 13 }], errors: { title: 'partial', errors: { '1.inventory_level': 'would be negative' } } };
    const results = resultsFromBatchResponse(records, indices, 207, body);
    expect(results[1]).toEqual({ ok: false, index: 21, id: 12, error: 'partly written: 1.inventory_level: would be negative' });
    expect(results[0]!.ok && results[2]!.ok).toBe(true);
  });

  it('on 207 without details, a missing record fails with the response’s title', () => {
    const results = resultsFromBatchResponse(records, indices, 207, { data: [{ id: 12 }], errors: { title: 'Nope' } });
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    expect(results[0]!.error).toBe('Nope');
  });
});

describe('refused batches', () => {
  it('finds the refused records in batch_errors by instance', () => {
    const body = {
      batch_errors: [
        { status: 404, title: 'Variant 9 was not found', instance: '[1]', errors: { id: 'not found' } },
        { status: 422, title: 'Bad price', instance: '[3]', errors: {} },
      ],
    };
    const named = refusedRecords(4, body);
    expect([...named.keys()]).toEqual([1, 3]);
    expect(named.get(1)).toBe('Variant 9 was not found (id: not found)');
  });

  it('finds them in errors keyed "<index>.<field>"', () => {
    const named = refusedRecords(3, { errors: { '2.name': 'error.minLength', '2.price': 'error.min', body: 'x' } });
    expect([...named]).toEqual([[2, 'name: error.minLength; price: error.min']]);
  });

  it('names none when the refusal does not say', () => {
    expect(refusedRecords(3, { title: 'x' }).size).toBe(0);
    expect(refusedRecords(3, { errors: { '7.name': 'out of range' } }).size).toBe(0);
  });
});

describe('price-record 422', () => {
  const batch: PriceListRecord[] = [
    { variant_id: 1, currency: 'usd', price: 10 },
    { variant_id: 2, currency: 'usd', price: -1 },
    { sku: 'SKU-3', currency: 'eur', price: 5 },
  ];

  it('fails the records named in batch_errors and keeps the others written', () => {
    const body = {
      batch_errors: [
        { data: { price_list_id: 4, variant_id: 2, currency: 'USD' }, field_errors: { price: 'must be positive' } },
        { data: { sku: 'SKU-3', currency: 'eur' }, field_errors: {} },
      ],
    };
    expect(resultsFromPriceRecordErrors(batch, 100, body)).toEqual([
      { ok: true, index: 100, id: 1 },
      { ok: false, index: 101, id: 2, error: 'refused (price: must be positive)' },
      { ok: false, index: 102, error: 'refused' },
    ]);
  });

  it('gives up on a 422 that names nothing', () => {
    expect(resultsFromPriceRecordErrors(batch, 0, { title: 'invalid' })).toBeUndefined();
  });
});
