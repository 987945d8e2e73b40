import type { BigCommerceClient } from '../../bigcommerce/client.js';
import type { ZohoClient } from '../../zoho/client.js';
import type { Priority } from '../priority.js';
import type { BigCommerceSkuOwner, ZohoItem, ZohoItemGroup } from './types.js';

/** Every Zoho item (all statuses: inactive ones are how hiding is found), page by page. */
export async function readZohoCatalog(zoho: ZohoClient, priority: Priority): Promise<{ items: ZohoItem[]; groups: Map<string, ZohoItemGroup>; calls: number }> {
  let calls = 0;
  const items: ZohoItem[] = [];
  for await (const page of zoho.pages<ZohoItem>('/items', 'items', { priority, query: { filter_by: 'Status.All' } })) {
    calls++;
    items.push(...page);
  }
  const groups = new Map<string, ZohoItemGroup>();
  if (items.some((i) => i.group_id)) {
    for await (const page of zoho.pages<ZohoItemGroup>('/itemgroups', 'itemgroups', { priority })) {
      calls++;
      for (const group of page) groups.set(String(group.group_id), group);
    }
  }
  return { items, groups, calls };
}

interface BigCommerceProductRow {
  id: number;
  sku: string;
  variants?: { id: number; sku: string; product_id: number }[];
}

/**
 * Which BigCommerce product (or variant) holds each SKU: read only when some Zoho record has no
 * link yet (the first run, new items), so that existing products are adopted, not duplicated.
 */
export async function readBigCommerceSkus(bc: BigCommerceClient, priority: Priority): Promise<Map<string, BigCommerceSkuOwner>> {
  const owners = new Map<string, BigCommerceSkuOwner>();
  for await (const page of bc.paginateV3<BigCommerceProductRow>('/catalog/products', { query: { include: 'variants', include_fields: 'sku' }, priority })) {
    for (const product of page) {
      if (product.sku) owners.set(product.sku, { productId: product.id, productLevel: true });
      for (const variant of product.variants ?? []) {
        // A product without options has one base variant carrying the product's own SKU.
        if (variant.sku && !owners.has(variant.sku)) owners.set(variant.sku, { productId: product.id, variantId: variant.id, productLevel: false });
      }
    }
  }
  return owners;
}
