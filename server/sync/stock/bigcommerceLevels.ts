import type { BigCommerceClient } from '../../bigcommerce/client.js';
import type { Priority } from '../priority.js';
import type { BcInventoryItem } from './types.js';

/** A BigCommerce product (tracked by product) or variant (tracked by variant). */
export interface BcRef {
  kind: 'product' | 'variant';
  id: number;
}

export const refKey = (ref: BcRef) => `${ref.kind}:${ref.id}`;

/** Ids per `…:in` filter: keeps the query string short. */
const IDS_PER_CALL = 50;

/**
 * What BigCommerce holds now, per item and location (`GET /v3/inventory/items`, on hand):
 * an inventory webhook's own value is a total over locations and may arrive late or twice,
 * so the two-way flow reads the levels instead.
 */
export async function readBigCommerceLevels(bc: BigCommerceClient, refs: readonly BcRef[], priority: Priority): Promise<Map<string, Map<number, number>>> {
  const levels = new Map<string, Map<number, number>>();
  for (const kind of ['product', 'variant'] as const) {
    const ids = [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      const slice = ids.slice(i, i + IDS_PER_CALL);
      const filter = kind === 'product' ? 'product_id:in' : 'variant_id:in';
      for await (const page of bc.paginateV3<BcInventoryItem>('/inventory/items', { query: { [filter]: slice.join(',') }, priority })) {
        for (const item of page) {
          const id = kind === 'product' ? item.identity.product_id : item.identity.variant_id;
          if (id === null || id === undefined || !slice.includes(id)) continue;
          levels.set(refKey({ kind, id }), new Map(item.locations.map((l) => [l.location_id, l.total_inventory_onhand ?? l.available_to_sell ?? 0])));
        }
      }
    }
  }
  return levels;
}
