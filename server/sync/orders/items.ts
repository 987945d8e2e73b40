import { Link } from '../../db/models/index.js';
import type { ZohoItemRef } from './types.js';
import type { OrderZohoCalls } from './zohoCalls.js';

/**
 * The Zoho item of each SKU an order names. The products flow's links know most of them
 * without a call (a link's SKU is the item's, written by that flow); the rest are asked of
 * Zoho one SKU at a time (`GET /items?sku=`), which is also how an item created in Zoho after
 * an order was held is found on retry. What Zoho answered is remembered for a few minutes in
 * this process (a busy store sells the same SKUs all day); only hits are remembered, so a
 * SKU created in Zoho is found at the next order.
 */
const REMEMBER_MS = 10 * 60_000;
const REMEMBER_MAX = 5_000;
const remembered = new Map<string, { item: ZohoItemRef; until: number }>();

/** Forgets what was remembered of a store's items (Zoho refused one: it may be gone or inactive). */
export function forgetItems(storeHash: string): void {
  for (const key of remembered.keys()) if (key.startsWith(`${storeHash}\n`)) remembered.delete(key);
}

export async function resolveItemsBySku(storeHash: string, skus: readonly string[], zoho: OrderZohoCalls): Promise<Map<string, ZohoItemRef>> {
  const wanted = [...new Set(skus.filter(Boolean))];
  const found = new Map<string, ZohoItemRef>();
  if (wanted.length === 0) return found;

  const links = await Link.find(
    { storeHash, entity: { $in: ['product', 'variant'] }, sku: { $in: wanted }, hidden: { $ne: true } },
    { zohoId: 1, sku: 1 },
  ).lean();
  for (const link of links) {
    // An item group's product link stands for the group, not for one sellable item.
    if (!link.sku || link.zohoId.startsWith('group:') || found.has(link.sku)) continue;
    found.set(link.sku, { item_id: link.zohoId, sku: link.sku });
  }

  const now = Date.now();
  for (const sku of wanted) {
    if (found.has(sku)) continue;
    const key = `${storeHash}\n${sku}`;
    const memo = remembered.get(key);
    if (memo && memo.until > now) {
      found.set(sku, memo.item);
      continue;
    }
    const [item] = await zoho.findItemsBySku(sku);
    if (!item) continue;
    const ref = { item_id: item.item_id, sku, ...(item.name ? { name: item.name } : {}) };
    found.set(sku, ref);
    if (remembered.size >= REMEMBER_MAX) remembered.delete(remembered.keys().next().value!);
    remembered.set(key, { item: ref, until: now + REMEMBER_MS });
  }
  return found;
}
