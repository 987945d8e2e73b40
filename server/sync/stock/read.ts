import { Link, linkId } from '../../db/models/index.js';
import type { ZohoClient } from '../../zoho/client.js';
import type { Priority } from '../priority.js';
import { stockRealtime } from './options.js';
import type { LocationMapping } from './quantities.js';
import type { StockTarget, ZohoStockItem } from './types.js';

/** Reading stock: Zoho items in pages or by id, and the BigCommerce targets their links name. */

export interface ZohoStockRead {
  items: ZohoStockItem[];
  calls: number;
}

/** Every active item with its stock, 200 per page (the list carries `locations` too). */
export async function readAllZohoStock(zoho: ZohoClient, priority: Priority): Promise<ZohoStockRead> {
  const items: ZohoStockItem[] = [];
  let calls = 0;
  for await (const page of zoho.pages<ZohoStockItem>('/items', 'items', { priority, query: { filter_by: 'Status.Active' } })) {
    calls++;
    items.push(...page);
  }
  return { items, calls };
}

/** Items by id through `GET /itemdetails`, many per call: one call per webhook could not keep up with a busy store. */
export async function readZohoItemDetails(zoho: ZohoClient, ids: readonly string[], priority: Priority): Promise<ZohoStockRead> {
  const unique = [...new Set(ids)];
  const items: ZohoStockItem[] = [];
  let calls = 0;
  for (let i = 0; i < unique.length; i += stockRealtime.itemDetailsBatch) {
    const batch = unique.slice(i, i + stockRealtime.itemDetailsBatch);
    const answer = await zoho.get<{ items?: ZohoStockItem[] }>('/itemdetails', { priority, query: { item_ids: batch.join(',') } });
    calls++;
    items.push(...(answer.items ?? []));
  }
  return { items, calls };
}

/** A location mapping needs per-location figures: items whose answer lacks them are read again in detail. */
export async function withLocations(zoho: ZohoClient, read: ZohoStockRead, mapping: LocationMapping, priority: Priority): Promise<ZohoStockRead> {
  if (mapping.length === 0) return read;
  const missing = read.items.filter((i) => !i.locations).map((i) => i.item_id);
  if (missing.length === 0) return read;
  const details = await readZohoItemDetails(zoho, missing, priority);
  const byId = new Map(details.items.map((i) => [i.item_id, i]));
  return { items: read.items.map((i) => byId.get(i.item_id) ?? i), calls: read.calls + details.calls };
}

interface LinkRow {
  entity: string;
  zohoId: string;
  bigcommerceId: string;
  sku?: string;
  hidden?: boolean;
}

function targetOf(link: LinkRow): StockTarget | undefined {
  // An item group's own link names the product; its items' stock goes to their variants.
  if (link.hidden || link.zohoId.startsWith('group:')) return undefined;
  const id = Number(link.bigcommerceId);
  if (!Number.isInteger(id) || id <= 0) return undefined;
  return { kind: link.entity === 'variant' ? 'variant' : 'product', id, ...(link.sku ? { sku: link.sku } : {}) };
}

/** Zoho item id → BigCommerce target, for the whole store or for some items. */
export async function loadTargets(storeHash: string, zohoItemIds?: readonly string[]): Promise<Map<string, StockTarget>> {
  const filter = zohoItemIds
    ? { _id: { $in: zohoItemIds.flatMap((id) => [linkId(storeHash, 'product', id), linkId(storeHash, 'variant', id)]) } }
    : { storeHash, entity: { $in: ['product', 'variant'] } };
  const links = (await Link.find(filter, { entity: 1, zohoId: 1, bigcommerceId: 1, sku: 1, hidden: 1 }).lean()) as unknown as LinkRow[];
  const targets = new Map<string, StockTarget>();
  for (const link of links) {
    const target = targetOf(link);
    if (target) targets.set(link.zohoId, target);
  }
  return targets;
}

/** BigCommerce product or variant → Zoho item id (two-way events and order lines name BigCommerce ids). */
export async function loadItemsByBigCommerceId(storeHash: string, refs: { kind: 'product' | 'variant'; id: number }[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const links = (await Link.find(
    { storeHash, entity: { $in: ['product', 'variant'] }, bigcommerceId: { $in: [...new Set(refs.map((r) => String(r.id)))] } },
    { entity: 1, zohoId: 1, bigcommerceId: 1, hidden: 1 },
  ).lean()) as unknown as LinkRow[];
  const byRef = new Map<string, string>();
  for (const link of links) {
    const target = targetOf(link);
    if (target) byRef.set(`${target.kind}:${target.id}`, link.zohoId);
  }
  return byRef;
}
