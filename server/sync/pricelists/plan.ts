import { createHash } from 'node:crypto';
import type { Settings } from '../../settings/schema.js';
import { normalizeRoundingType, percentagePrice } from './rounding.js';
import type { BcBulkTier, BcPriceListRow, PriceListLinkRow, PriceTarget, ZohoItemLabel, ZohoPricebook, ZohoPricebookItem } from './types.js';

/**
 * The price lists plan: a pure function from Zoho's sales price books, the item rates, which
 * BigCommerce variant each Zoho item became (product links), this flow's links and the
 * BigCommerce price lists as they are now, to what a run must do per list. No I/O.
 *
 * A price list link's hash has three parts, `<meta>.<records>.<assignments>`, so that a
 * changed name or status costs one call, not a comparison of every record. The records part is
 * one hash over all of a list's records rather than a link per record: on the embedded database
 * every query reads a whole collection, and tens of thousands of record links would slow every
 * flow's link reads, while re-comparing a changed list costs a few pages of reads.
 */
export interface DesiredRecord {
  zohoItemId: string;
  variant_id: number;
  sku?: string;
  price: number;
  bulk_pricing_tiers: BcBulkTier[];
}

export interface DesiredAssignment {
  customer_group_id?: number;
  channel_id?: number;
}

/** What one BigCommerce price list should be. */
export interface DesiredList {
  zohoId: string;
  name: string;
  active: boolean;
  currency: string;
  records: DesiredRecord[];
  assignments: DesiredAssignment[];
  hash: HashParts;
}

export interface HashParts {
  meta: string;
  records: string;
  assignments: string;
}

export type PriceListOperation =
  | { kind: 'create'; list: DesiredList }
  | {
      kind: 'sync';
      list: DesiredList;
      priceListId: number;
      /** Found by name (no link yet): first run, or a run killed before it saved the link. */
      adopted: boolean;
      /** Whether BigCommerce has the list active now. */
      wasActive: boolean;
      writeMeta: boolean;
      compareRecords: boolean;
      syncAssignments: boolean;
    }
  | { kind: 'deactivate'; zohoId: string; priceListId: number; name: string }
  | { kind: 'unchanged'; zohoId: string; name: string; records: number }
  | { kind: 'skip' | 'conflict'; zohoId: string; name: string; reason: string };

/** A price book item that cannot become a BigCommerce price record. */
export interface RecordSkip {
  pricebookId: string;
  pricebookName: string;
  zohoItemId: string;
  sku?: string;
  name?: string;
  reason: string;
}

export interface PriceListPlan {
  operations: PriceListOperation[];
  skippedRecords: RecordSkip[];
}

export interface PriceListPlanInput {
  /** Every Zoho price book (a complete read: a linked book that is absent was removed). */
  books: ZohoPricebook[];
  /** Sales rate of each active Zoho item (percentage books price from it). */
  rates: Map<string, number>;
  /** SKU and name of the Zoho items, where the run read them (with the rates): they name skipped records. */
  labels?: Map<string, ZohoItemLabel>;
  /** Zoho item id → the BigCommerce variant its price goes to. */
  targets: Map<string, PriceTarget>;
  links: PriceListLinkRow[];
  /** Every BigCommerce price list as read this run. */
  bigcommerceLists: BcPriceListRow[];
  assignments: Settings['pricelists']['assignments'];
  /** Currency of books that carry none (the store's). */
  defaultCurrency: string;
  /** Reconciliation: compare every list with BigCommerce whatever the hashes say. */
  compareAll: boolean;
}

const NOT_IN_BIGCOMMERCE = 'item is not in BigCommerce (not synced yet, inactive, a service, or in conflict)';

const shortHash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export const joinHash = (parts: HashParts) => `${parts.meta}.${parts.records}.${parts.assignments}`;

export function splitHash(hash: string | undefined): HashParts {
  const [meta = '', records = '', assignments = ''] = (hash ?? '').split('.');
  return { meta, records, assignments };
}

const number = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

const isSales = (book: ZohoPricebook) => (book.sales_or_purchase_type ?? 'sales') !== 'purchases';

/** A per-item price: the unit rate, or for volume pricing the first bracket's rate and the others as tiers. */
function itemPrice(item: ZohoPricebookItem): { price: number; tiers: BcBulkTier[] } | undefined {
  const brackets = (item.price_brackets ?? [])
    .map((b) => ({ min: number(b.start_quantity) ?? 1, max: number(b.end_quantity), rate: number(b.pricebook_rate) }))
    .filter((b): b is { min: number; max: number | undefined; rate: number } => b.rate !== undefined)
    .sort((a, b) => a.min - b.min);
  if (brackets.length) {
    const [first, ...rest] = brackets;
    return {
      price: first!.rate,
      tiers: rest.map((b) => ({ quantity_min: b.min, quantity_max: b.max && b.max > 0 ? b.max : null, type: 'fixed' as const, amount: b.rate })),
    };
  }
  const rate = number(item.pricebook_rate);
  return rate === undefined || rate < 0 ? undefined : { price: rate, tiers: [] };
}

function desiredRecords(book: ZohoPricebook, input: PriceListPlanInput, skips: RecordSkip[]): DesiredRecord[] | { reason: string } {
  const byVariant = new Map<number, DesiredRecord>();
  const skip = (item: ZohoPricebookItem, reason: string) => {
    const label = input.labels?.get(item.item_id);
    skips.push({ pricebookId: book.pricebook_id, pricebookName: book.name, zohoItemId: item.item_id, sku: label?.sku || undefined, name: label?.name, reason });
  };

  if (book.pricebook_type === 'fixed_percentage') {
    const rounding = normalizeRoundingType(book.rounding_type);
    if (!rounding) return { reason: `unknown rounding type "${book.rounding_type}"` };
    const percentage = number(book.percentage);
    if (percentage === undefined || percentage < 0) return { reason: 'the percentage is missing' };
    const decimalPlaces = number(book.decimal_place) ?? 2;
    for (const [itemId, rate] of input.rates) {
      const target = input.targets.get(itemId);
      if (!target || byVariant.has(target.variantId)) continue; // items not in BigCommerce have nothing to price
      const price = percentagePrice(rate, { percentage, isIncrease: book.is_increase === true, rounding, decimalPlaces });
      byVariant.set(target.variantId, { zohoItemId: itemId, variant_id: target.variantId, sku: target.sku, price, bulk_pricing_tiers: [] });
    }
  } else if ((book.pricebook_type ?? 'per_item') === 'per_item') {
    for (const item of book.pricebook_items ?? []) {
      const target = input.targets.get(item.item_id);
      if (!target) {
        skip(item, NOT_IN_BIGCOMMERCE);
        continue;
      }
      const price = itemPrice(item);
      if (!price) {
        skip(item, 'no price in the Zoho price list');
        continue;
      }
      if (byVariant.has(target.variantId)) continue;
      byVariant.set(target.variantId, { zohoItemId: item.item_id, variant_id: target.variantId, sku: target.sku, price: price.price, bulk_pricing_tiers: price.tiers });
    }
  } else {
    return { reason: `unknown price list type "${book.pricebook_type}"` };
  }
  return [...byVariant.values()].sort((a, b) => a.variant_id - b.variant_id);
}

function desiredAssignments(name: string, settings: Settings['pricelists']['assignments']): DesiredAssignment[] {
  const wanted = name.trim().toLowerCase();
  const seen = new Set<string>();
  const result: DesiredAssignment[] = [];
  for (const a of settings) {
    if (a.pricelistName.trim().toLowerCase() !== wanted) continue;
    if (a.customerGroupId === undefined && a.channelId === undefined) continue;
    const key = `${a.customerGroupId ?? ''}|${a.channelId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ ...(a.customerGroupId !== undefined ? { customer_group_id: a.customerGroupId } : {}), ...(a.channelId !== undefined ? { channel_id: a.channelId } : {}) });
  }
  return result.sort((x, y) => (x.customer_group_id ?? 0) - (y.customer_group_id ?? 0) || (x.channel_id ?? 0) - (y.channel_id ?? 0));
}

export function planPriceLists(input: PriceListPlanInput): PriceListPlan {
  const operations: PriceListOperation[] = [];
  const skippedRecords: RecordSkip[] = [];
  const links = new Map(input.links.map((l) => [l.zohoId, l]));
  const bcById = new Map(input.bigcommerceLists.map((l) => [l.id, l]));
  const bcByName = new Map(input.bigcommerceLists.map((l) => [l.name.trim().toLowerCase(), l]));
  const books = input.books.filter(isSales);
  const present = new Set(books.map((b) => b.pricebook_id));
  // A BigCommerce list linked to a book that still exists belongs to that book.
  const owner = new Map<number, string>();
  for (const link of input.links) {
    const id = Number(link.bigcommerceId);
    if (present.has(link.zohoId) && bcById.has(id)) owner.set(id, link.zohoId);
  }
  const claimed = new Set<number>();
  const names = new Set<string>();

  for (const book of books) {
    const name = book.name.trim();
    const key = name.toLowerCase();
    if (names.has(key)) {
      operations.push({ kind: 'conflict', zohoId: book.pricebook_id, name, reason: `another Zoho price list is also named "${name}"` });
      continue;
    }
    names.add(key);
    const records = desiredRecords(book, input, skippedRecords);
    if (!Array.isArray(records)) {
      operations.push({ kind: 'skip', zohoId: book.pricebook_id, name, reason: records.reason });
      continue;
    }
    const active = (book.status ?? 'active') !== 'inactive';
    const currency = (book.currency_code || input.defaultCurrency).toLowerCase();
    const assignments = desiredAssignments(name, input.assignments);
    const hash: HashParts = {
      meta: shortHash({ name, active }),
      records: shortHash({ currency, records: records.map((r) => [r.variant_id, r.price, r.bulk_pricing_tiers]) }),
      assignments: shortHash(assignments),
    };
    const list: DesiredList = { zohoId: book.pricebook_id, name, active, currency, records, assignments, hash };

    const link = links.get(book.pricebook_id);
    const linked = link ? bcById.get(Number(link.bigcommerceId)) : undefined;
    if (linked) {
      claimed.add(linked.id);
      const previous = splitHash(link!.hash);
      const writeMeta = linked.name !== name || linked.active !== active;
      const compareRecords = input.compareAll || previous.records !== hash.records;
      const syncAssignments = previous.assignments !== hash.assignments || (input.compareAll && assignments.length > 0);
      if (!writeMeta && !compareRecords && !syncAssignments && previous.meta === hash.meta) {
        operations.push({ kind: 'unchanged', zohoId: book.pricebook_id, name, records: records.length });
      } else {
        operations.push({ kind: 'sync', list, priceListId: linked.id, adopted: false, wasActive: linked.active, writeMeta, compareRecords, syncAssignments });
      }
      continue;
    }

    // No link, or its BigCommerce list is gone: adopt a list of the same name, else create one.
    const sameName = bcByName.get(key);
    const holder = sameName ? owner.get(sameName.id) : undefined;
    if (sameName && holder && holder !== book.pricebook_id) {
      operations.push({ kind: 'conflict', zohoId: book.pricebook_id, name, reason: `the BigCommerce price list "${sameName.name}" is synced from another Zoho price list` });
    } else if (sameName) {
      claimed.add(sameName.id);
      operations.push({
        kind: 'sync',
        list,
        priceListId: sameName.id,
        adopted: true,
        wasActive: sameName.active,
        writeMeta: sameName.name !== name || sameName.active !== active,
        compareRecords: true,
        syncAssignments: assignments.length > 0,
      });
    } else {
      operations.push({ kind: 'create', list });
    }
  }

  // Linked books gone from Zoho: their lists are deactivated, never deleted.
  for (const link of input.links) {
    if (present.has(link.zohoId)) continue;
    const list = bcById.get(Number(link.bigcommerceId));
    if (!list || !list.active || claimed.has(list.id)) continue;
    operations.push({ kind: 'deactivate', zohoId: link.zohoId, priceListId: list.id, name: list.name });
  }
  return { operations, skippedRecords };
}

/** What to write so BigCommerce's records equal the desired ones (same currency only). */
export function diffRecords(
  desired: readonly DesiredRecord[],
  current: readonly { variant_id: number; price: number; bulk_pricing_tiers?: BcBulkTier[] }[],
): { create: DesiredRecord[]; update: DesiredRecord[]; unchanged: DesiredRecord[]; remove: number[] } {
  const now = new Map(current.map((r) => [r.variant_id, r]));
  const wanted = new Set(desired.map((r) => r.variant_id));
  const result = { create: [] as DesiredRecord[], update: [] as DesiredRecord[], unchanged: [] as DesiredRecord[], remove: [] as number[] };
  for (const record of desired) {
    const existing = now.get(record.variant_id);
    if (!existing) result.create.push(record);
    else if (existing.price !== record.price || !sameTiers(existing.bulk_pricing_tiers ?? [], record.bulk_pricing_tiers)) result.update.push(record);
    else result.unchanged.push(record);
  }
  for (const r of current) if (!wanted.has(r.variant_id)) result.remove.push(r.variant_id);
  return result;
}

const tierKey = (t: BcBulkTier) => `${t.quantity_min}|${t.quantity_max ?? ''}|${t.type}|${t.amount}`;

function sameTiers(a: readonly BcBulkTier[], b: readonly BcBulkTier[]): boolean {
  if (a.length !== b.length) return false;
  const left = a.map(tierKey).sort();
  const right = b.map(tierKey).sort();
  return left.every((k, i) => k === right[i]);
}
