import { describe, expect, it } from 'vitest';
import type { Schema } from 'mongoose';
import { HOT_QUERIES, type HotQuery } from '../../server/db/hotQueries.js';
import { OrderSync } from '../../server/db/models/index.js';

/**
 * Every hot query is served by an index declared on its schema (or `_id`), by the ESR rule: the
 * index starts with the query's equality fields (any order), then its sort fields (in order, all
 * in the sort's direction or all reversed), then its range fields. Fields a query names as
 * residual may be left out. A `$or` is served branch by branch (the top-level fields pushed into
 * each); its union is sorted in memory. The code builds these filters from the registry itself.
 */
type Keys = [string, number][];
interface Shape {
  equality: Set<string>;
  range: Set<string>;
}

const RANGE_OPERATORS = new Set(['$lt', '$lte', '$gt', '$gte', '$ne', '$nin', '$exists', '$regex', '$not']);

function shapeOf(filter: Record<string, unknown>): { top: Shape; or?: Shape[] } {
  const top: Shape = { equality: new Set(), range: new Set() };
  let or: Shape[] | undefined;
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$or') {
      or = (value as Record<string, unknown>[]).map((branch) => shapeOf(branch).top);
      continue;
    }
    if (field.startsWith('$')) throw new Error(`operator ${field} at the top of a hot query: teach this test about it`);
    const operators = value && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value) ? Object.keys(value) : [];
    const isRange = value instanceof RegExp || operators.some((op) => RANGE_OPERATORS.has(op));
    (isRange ? top.range : top.equality).add(field);
  }
  return { top, or };
}

function declaredIndexes(schema: Schema): Keys[] {
  return [[['_id', 1]], ...schema.indexes().map(([keys]) => Object.entries(keys as Record<string, number>))];
}

/** Whether `index` serves equality fields, then `sort`, then range fields, leaving out only residual ones. */
function serves(index: Keys, shape: Shape, sort: Keys, residual: Set<string>): boolean {
  const fields = index.map(([field]) => field);
  let i = 0;
  // Sorting on a field the query fixes is free; a range on the sort field is served by the sort.
  sort = sort.filter(([field]) => !shape.equality.has(field));
  const needed = (set: Set<string>) => [...set].filter((f) => !residual.has(f) && !sort.some(([s]) => s === f));
  // Equality: a run of the index's first fields holding every needed equality field (residual ones may sit in it).
  const equality = needed(shape.equality);
  while (i < fields.length && shape.equality.has(fields[i]!)) i++;
  if (!equality.every((f) => fields.slice(0, i).includes(f))) return false;
  // Sort: next, in order, one direction throughout.
  if (sort.length) {
    const sign = index[i]?.[1] === sort[0]![1] ? 1 : -1;
    for (const [field, direction] of sort) {
      if (index[i]?.[0] !== field || index[i]![1] !== direction * sign) return false;
      i++;
    }
  }
  // Range: then every needed range field.
  const range = needed(shape.range);
  const rest = fields.slice(i, i + range.length);
  return range.every((f) => rest.includes(f));
}

function servingIndex(query: HotQuery<never[]>, args: never[], extraResidual: Record<string, string> = {}): string | undefined {
  const { top, or } = shapeOf(query.filter(...args) as Record<string, unknown>);
  const residual = new Set([...Object.keys(query.residual ?? {}), ...Object.keys(extraResidual)]);
  const sort: Keys = Object.entries(query.sort ?? {});
  const indexes = declaredIndexes(query.model.schema);
  const find = (shape: Shape, sortBy: Keys) => indexes.find((index) => serves(index, shape, sortBy, residual));
  const name = (index: Keys | undefined) => index && JSON.stringify(Object.fromEntries(index));
  if (!or) return name(find(top, sort));
  const branches = or.map((branch) =>
    find({ equality: new Set([...top.equality, ...branch.equality]), range: new Set([...top.range, ...branch.range]) }, []),
  );
  return branches.every(Boolean) ? branches.map(name).join(' | ') : undefined;
}

describe('hot queries are served by declared indexes', () => {
  for (const query of HOT_QUERIES) {
    for (const example of query.examples) {
      it(`${query.name} ${JSON.stringify(example.args)}`, () => {
        expect(servingIndex(query, example.args, example.residual), `no index on ${query.model.modelName} serves ${JSON.stringify(query.filter(...example.args))}`).toBeDefined();
      });
    }
  }

  it('would fail without the declared indexes: only queries by _id pass on _id alone', () => {
    const bare = HOT_QUERIES.map((q) => ({ ...q, model: { modelName: q.model.modelName, schema: { indexes: () => [] } as unknown as Schema } }));
    const passing = bare.filter((q) => q.examples.some((e) => servingIndex(q, e.args, e.residual)));
    expect(passing.map((q) => q.name)).toEqual([]);
  });

  it('applies the ESR rule: equality, then sort, then range', () => {
    const q = (sort?: Record<string, 1 | -1>) =>
      ({ name: 't', model: OrderSync, filter: () => ({ storeHash: 's', at: { $gte: 1 } }), sort, examples: [] }) as unknown as HotQuery<never[]>;
    const check = (keys: Keys, sort?: Record<string, 1 | -1>) => {
      const query = q(sort);
      const { top } = shapeOf(query.filter() as Record<string, unknown>);
      return serves(keys, top, Object.entries(sort ?? {}), new Set());
    };
    expect(check([['storeHash', 1], ['at', 1]])).toBe(true);
    expect(check([['at', 1], ['storeHash', 1]])).toBe(false);
    expect(check([['storeHash', 1]])).toBe(false);
    expect(check([['storeHash', 1], ['at', -1]], { at: 1 })).toBe(true);
    expect(check([['storeHash', 1], ['other', 1], ['at', 1]], { other: 1 })).toBe(true);
    expect(check([['storeHash', 1], ['other', 1], ['at', 1]], { other: 1, x: -1 })).toBe(false);
  });
});
