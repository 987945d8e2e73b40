import { chunk } from '../../bigcommerce/batches.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { Link, linkId } from '../../db/models/index.js';
import type { Priority } from '../priority.js';
import type { PriceTarget } from './types.js';

/**
 * Which BigCommerce variant each Zoho item's price goes to. BigCommerce prices lists per
 * variant: an item of a group has its variant link; a standalone item's product has one base
 * variant, whose id the products flow does not keep. It is read once (products by `id:in`, 250
 * a call) and remembered in a link of its own entity, so later runs read nothing.
 */
export const BASE_VARIANT_ENTITY = 'base_variant';

/** The link rows this file reads (entities product, variant and base_variant). */
export interface CatalogLinkRow {
  entity: string;
  zohoId: string;
  bigcommerceId: string;
  bigcommerceParentId?: string;
  sku?: string;
  hidden?: boolean;
}

interface ProductWithVariants {
  id: number;
  base_variant_id?: number | null;
  variants?: { id: number; sku: string }[];
}

const ID_IN_MAX = 250;

export async function resolvePriceTargets(
  storeHash: string,
  bc: BigCommerceClient,
  links: CatalogLinkRow[],
  priority: Priority,
): Promise<Map<string, PriceTarget>> {
  const targets = new Map<string, PriceTarget>();
  const baseLinks = new Map(links.filter((l) => l.entity === BASE_VARIANT_ENTITY).map((l) => [l.zohoId, l]));
  const missing: CatalogLinkRow[] = [];
  // Hidden in BigCommerce (inactive or removed in Zoho): a hidden group hides its variants too.
  const hiddenProducts = new Set(links.filter((l) => l.entity === 'product' && l.hidden).map((l) => l.bigcommerceId));

  for (const link of links) {
    if (link.hidden) continue;
    if (link.entity === 'variant' && !hiddenProducts.has(link.bigcommerceParentId ?? '')) {
      targets.set(link.zohoId, { variantId: Number(link.bigcommerceId), sku: link.sku });
    }
    if (link.entity !== 'product' || link.zohoId.startsWith('group:')) continue;
    const base = baseLinks.get(link.zohoId);
    // A base variant remembered for another product (the product was replaced) is stale.
    if (base && base.bigcommerceParentId === link.bigcommerceId) targets.set(link.zohoId, { variantId: Number(base.bigcommerceId), sku: link.sku });
    else missing.push(link);
  }
  if (missing.length === 0) return targets;

  const found: { zohoId: string; productId: number; variantId: number; sku?: string }[] = [];
  const byProduct = new Map(missing.map((l) => [Number(l.bigcommerceId), l]));
  for (const ids of chunk([...byProduct.keys()], ID_IN_MAX)) {
    const query = { 'id:in': ids, include: 'variants', include_fields: 'base_variant_id' };
    for await (const page of bc.paginateV3<ProductWithVariants>('/catalog/products', { query, limit: ID_IN_MAX, priority })) {
      for (const product of page) {
        const link = byProduct.get(product.id);
        if (!link) continue;
        const variants = product.variants ?? [];
        // base_variant_id is null for products with options: then the variant carrying the item's SKU.
        const variantId =
          product.base_variant_id ??
          variants.find((v) => link.sku && v.sku.toLowerCase() === link.sku.toLowerCase())?.id ??
          (variants.length === 1 ? variants[0]!.id : undefined);
        if (variantId === undefined) continue;
        found.push({ zohoId: link.zohoId, productId: product.id, variantId, sku: link.sku });
        targets.set(link.zohoId, { variantId, sku: link.sku });
      }
    }
  }
  const now = new Date();
  for (const slice of chunk(found, 200)) {
    await Link.bulkWrite(
      slice.map((f) => ({
        updateOne: {
          filter: { _id: linkId(storeHash, BASE_VARIANT_ENTITY, f.zohoId) },
          update: {
            $set: {
              storeHash,
              entity: BASE_VARIANT_ENTITY,
              zohoId: f.zohoId,
              bigcommerceId: String(f.variantId),
              bigcommerceParentId: String(f.productId),
              ...(f.sku ? { sku: f.sku } : {}),
              hidden: false,
              updatedAt: now,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  return targets;
}
