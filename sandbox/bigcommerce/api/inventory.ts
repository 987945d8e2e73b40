import { randomUUID } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { isoDate } from '../dates.js';
import { SimApiError, invalidJson, notFound } from '../errors.js';
import { applyAdjustments, levelAt, type StockKind } from '../inventory.js';
import type { SimLocation, SimProduct, SimVariant } from '../model.js';
import { pageRequest, v3Page } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { parseV3 } from '../validation.js';
import { boolParam, filterAll, intListParam, listParam, pathId, storeOf, type Query } from './params.js';

const adjustmentItemSchema = z.looseObject({
  location_id: z.int().min(1),
  quantity: z.int(),
  sku: z.string().min(1).optional(),
  variant_id: z.int().min(1).optional(),
  product_id: z.int().min(1).optional(),
});
const adjustmentSchema = z.looseObject({ reason: z.string().optional(), items: z.array(adjustmentItemSchema).min(1) });

const locationCreateSchema = z.looseObject({
  code: z.string().min(1).optional(),
  label: z.string().min(1),
  description: z.string().optional(),
  type_id: z.enum(['PHYSICAL', 'VIRTUAL']).optional(),
  enabled: z.boolean().optional(),
  managed_by_external_source: z.boolean().optional(),
  storefront_visibility: z.boolean().optional(),
  time_zone: z.string().optional(),
  address: z.looseObject({}).optional(),
});

/** One inventory item: a variant-tracked variant, or a product-tracked product. */
interface Item {
  kind: StockKind;
  product: SimProduct;
  variant?: SimVariant;
}

function inventoryItems(store: SimStore): Item[] {
  const items: Item[] = [];
  for (const product of store.products.values()) {
    if (product.inventory_tracking === 'product') {
      items.push({ kind: 'product', product, variant: product.baseVariantId ? store.variants.get(product.baseVariantId) : undefined });
    } else if (product.inventory_tracking === 'variant') {
      for (const id of product.variantIds) items.push({ kind: 'variant', product, variant: store.variants.get(id)! });
    }
  }
  return items;
}

function identity(item: Item) {
  return {
    sku: item.variant?.sku || item.product.sku,
    variant_id: item.variant?.id ?? item.product.baseVariantId,
    product_id: item.product.id,
    sku_id: item.variant?.sku_id ?? null,
  };
}

function stockAt(store: SimStore, item: Item, location: SimLocation) {
  const onHand = levelAt(store, location.id, item.kind, item.kind === 'product' ? item.product.id : item.variant!.id);
  const warning = (item.kind === 'product' ? item.product.fields.inventory_warning_level : item.variant?.fields.inventory_warning_level) ?? 0;
  return {
    available_to_sell: onHand,
    total_inventory_onhand: onHand,
    settings: { safety_stock: 0, is_in_stock: onHand > 0, warning_level: warning as number, bin_picking_number: '' },
  };
}

/** Items filtered by the documented `sku:in`, `variant_id:in`, `product_id:in`. */
function filterItems(store: SimStore, q: Query): Item[] {
  const skus = listParam(q, 'sku:in')?.map((s) => s.toLowerCase());
  const variantIds = intListParam(q, 'variant_id:in');
  const productIds = intListParam(q, 'product_id:in');
  return filterAll(inventoryItems(store), [
    (i) => skus === undefined || skus.includes(identity(i).sku.toLowerCase()),
    (i) => variantIds === undefined || (identity(i).variant_id !== null && variantIds.includes(identity(i).variant_id!)),
    (i) => productIds === undefined || productIds.includes(i.product.id),
  ]);
}

export function locationView(location: SimLocation) {
  return {
    id: location.id,
    code: location.code,
    label: location.label,
    enabled: location.enabled,
    ...location.fields,
    created_at: isoDate(location.createdAt),
    updated_at: isoDate(location.updatedAt),
  };
}

/** `/v3/inventory`: adjustments, items (all locations or one) and locations. */
export function inventoryRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;

  const adjust = (mode: 'absolute' | 'relative'): RequestHandler => (req, res) => {
    const body = req.body as { items?: unknown };
    if (Array.isArray(body?.items) && body.items.length > limits().inventoryItems) {
      throw new SimApiError(413, `Too many items in one adjustment: ${body.items.length} sent, at most ${limits().inventoryItems} allowed`, {});
    }
    const input = parseV3(adjustmentSchema, req.body);
    for (const [i, item] of input.items.entries()) {
      const named = [item.sku, item.variant_id, item.product_id].filter((v) => v !== undefined).length;
      if (named !== 1) throw invalidJson({ [`items.${i}`]: 'exactly one of sku, variant_id or product_id is required' });
      if (mode === 'absolute' && item.quantity < 0) throw invalidJson({ [`items.${i}.quantity`]: 'error.min' });
    }
    applyAdjustments(state, storeOf(res), input.items, mode);
    res.json({ transaction_id: randomUUID() });
  };
  router.put('/inventory/adjustments/absolute', adjust('absolute'));
  router.post('/inventory/adjustments/relative', adjust('relative'));

  router.get('/inventory/items', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const locationIds = intListParam(q, 'location_id:in');
    const codes = listParam(q, 'location_code:in');
    const locations = filterAll(store.locations.values(), [(l) => locationIds === undefined || locationIds.includes(l.id), (l) => codes === undefined || codes.includes(l.code)]);
    res.json(
      v3Page(filterItems(store, q), pageRequest(q, limits().maxPageSize), (item) => ({
        identity: identity(item),
        locations: locations.map((l) => ({ location_id: l.id, location_code: l.code, location_name: l.label, location_enabled: l.enabled, ...stockAt(store, item, l) })),
      })),
    );
  });

  router.get('/inventory/locations/:locationId/items', (req, res) => {
    const store = storeOf(res);
    const location = store.locations.get(pathId(req, 'locationId', 'location'));
    if (!location) throw notFound('location');
    const q = req.query as Query;
    res.json(
      v3Page(filterItems(store, q), pageRequest(q, limits().maxPageSize), (item) => {
        const { sku, variant_id, product_id } = identity(item);
        return { identity: { sku, variant_id, product_id }, ...stockAt(store, item, location) };
      }),
    );
  });

  router.get('/inventory/locations', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const ids = intListParam(q, 'location_id:in');
    const codes = listParam(q, 'location_code:in');
    const isDefault = boolParam(q, 'is_default');
    const active = boolParam(q, 'is_active');
    const locations = filterAll(store.locations.values(), [
      (l) => ids === undefined || ids.includes(l.id),
      (l) => codes === undefined || codes.includes(l.code),
      (l) => isDefault === undefined || (l.id === store.defaultLocationId) === isDefault,
      (l) => active === undefined || l.enabled === active,
    ]);
    res.json(v3Page(locations, pageRequest(q, limits().maxPageSize), locationView));
  });

  router.post('/inventory/locations', (req, res) => {
    const store = storeOf(res);
    const input = parseV3(z.array(locationCreateSchema).min(1), req.body);
    for (const [i, l] of input.entries()) {
      const code = l.code ?? l.label;
      if ([...store.locations.values()].some((x) => x.code === code) || input.findIndex((o) => (o.code ?? o.label) === code) !== i) {
        throw invalidJson({ [`${i}.code`]: `A location with code ${code} already exists` });
      }
    }
    const now = state.clock.now();
    for (const { code, label, enabled, ...fields } of input) {
      const location: SimLocation = {
        id: store.nextId('location'),
        code: code ?? label,
        label,
        enabled: enabled ?? true,
        fields: { description: '', managed_by_external_source: false, type_id: 'PHYSICAL', storefront_visibility: true, time_zone: 'Etc/UTC', ...fields },
        createdAt: now,
        updatedAt: now,
      };
      store.locations.set(location.id, location);
    }
    res.json({ transaction_id: randomUUID() });
  });

  return router;
}
