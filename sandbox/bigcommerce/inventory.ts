import { SimApiError } from './errors.js';
import type { SimProduct, SimVariant } from './model.js';
import type { BigCommerceState, SimStore } from './state.js';

/**
 * Stock: what each location holds and the rules of tracking. An item is a product when the
 * product tracks inventory by product, or a variant when it tracks by variant; addressing it
 * the other way is refused, as the platform does.
 */

export type StockKind = 'product' | 'variant';
export interface StockItem {
  kind: StockKind;
  product: SimProduct;
  /** The variant for variant-tracked items; for product-tracked simple products, their base variant. */
  variant?: SimVariant;
}

/** How callers name an item: exactly one of these (plus a location elsewhere). */
export type StockTarget = { sku: string } | { variant_id: number } | { product_id: number };

const key = (locationId: number, kind: StockKind, id: number) => `${locationId}|${kind}:${id}`;

export function levelAt(store: SimStore, locationId: number, kind: StockKind, id: number): number {
  return store.stock.get(key(locationId, kind, id)) ?? 0;
}

/** The total over every location (what the catalog reports as `inventory_level`). */
export function totalLevel(store: SimStore, kind: StockKind, id: number): number {
  let total = 0;
  for (const locationId of store.locations.keys()) total += levelAt(store, locationId, kind, id);
  return total;
}

export function productInventoryLevel(store: SimStore, product: SimProduct): number {
  if (product.inventory_tracking === 'variant') {
    return product.variantIds.reduce((sum, id) => sum + totalLevel(store, 'variant', id), 0);
  }
  return totalLevel(store, 'product', product.id);
}

export function variantInventoryLevel(store: SimStore, product: SimProduct, variant: SimVariant): number {
  if (product.inventory_tracking === 'variant') return totalLevel(store, 'variant', variant.id);
  if (variant.id === product.baseVariantId) return totalLevel(store, 'product', product.id);
  return 0;
}

/** Writes a level without rules or events (used while a record is being created). */
export function writeLevel(store: SimStore, locationId: number, kind: StockKind, id: number, quantity: number): void {
  store.stock.set(key(locationId, kind, id), quantity);
}

/** The item a target names, or the reason it cannot be adjusted. */
export function resolveStockItem(store: SimStore, target: StockTarget): StockItem | string {
  if ('product_id' in target) {
    const product = store.products.get(target.product_id);
    if (!product) return `Product with id ${target.product_id} does not exist`;
    if (product.inventory_tracking === 'variant') return `Item with product_id ${product.id} is tracked by variant, please update stock by variant id or sku`;
    if (product.inventory_tracking === 'none') return `Item with product_id ${product.id} does not track inventory`;
    return { kind: 'product', product, variant: product.baseVariantId ? store.variants.get(product.baseVariantId) : undefined };
  }
  if ('variant_id' in target) {
    const variant = store.variants.get(target.variant_id);
    if (!variant) return `Variant with id ${target.variant_id} does not exist`;
    const product = store.products.get(variant.product_id)!;
    if (product.inventory_tracking === 'product') return `Item with variant_id ${variant.id} is tracked by product, please update stock by product id`;
    if (product.inventory_tracking === 'none') return `Item with variant_id ${variant.id} does not track inventory`;
    return { kind: 'variant', product, variant };
  }
  const found = store.findSku(target.sku);
  if (!found) return `Item with sku ${target.sku} does not exist`;
  const { product, variant } = found;
  if (product.inventory_tracking === 'none') return `Item with sku ${target.sku} does not track inventory`;
  if (product.inventory_tracking === 'product') {
    // A product-tracked item is named by the product's (or its base variant's) SKU only.
    if (variant && variant.id !== product.baseVariantId) return `Item with sku ${target.sku} is tracked by product, please update stock by product id`;
    return { kind: 'product', product, variant };
  }
  if (!variant) return `Item with sku ${target.sku} is tracked by variant, please update stock by variant id or sku`;
  return { kind: 'variant', product, variant };
}

export function itemId(item: StockItem): number {
  return item.kind === 'product' ? item.product.id : item.variant!.id;
}

/**
 * The inventory event for an item, carrying its new total level. A change an order made raises
 * `…/inventory/order/updated` and (by default) the plain `…/inventory/updated` as well, in an
 * order and with delays the state's seeded draws pick (BigCommerceState.orderInventoryEvents).
 */
export function emitInventoryEvent(state: BigCommerceState, store: SimStore, item: StockItem, cause: 'manual' | 'order'): void {
  const value = totalLevel(store, item.kind, itemId(item));
  const data =
    item.kind === 'product'
      ? { type: 'product', id: item.product.id, inventory: { product_id: item.product.id, method: 'absolute', value } }
      : {
          type: 'sku',
          id: item.variant!.sku_id ?? item.variant!.id,
          inventory: { product_id: item.product.id, method: 'absolute', value, variant_id: item.variant!.id },
        };
  const prefix = item.kind === 'product' ? 'store/product' : 'store/sku';
  if (cause === 'manual') {
    state.emit(store, `${prefix}/inventory/updated`, data);
    return;
  }
  const options = state.orderInventoryEvents;
  const draw = state.orderEventRandom;
  const scopes = [`${prefix}/inventory/order/updated`, ...(options.plainEventToo ? [`${prefix}/inventory/updated`] : [])];
  if (options.order === 'plain-first' || (options.order === 'random' && draw() < 0.5)) scopes.reverse();
  let delayMs = 0;
  for (const scope of scopes) {
    delayMs += Math.round(draw() * options.maxDelayMs);
    state.webhooks.emit(store, scope, data, { delayMs });
  }
}

function touch(state: BigCommerceState, item: StockItem): void {
  const now = state.clock.now();
  item.product.dateModified = now;
  if (item.variant) item.variant.dateModified = now;
}

export function setStockLevel(state: BigCommerceState, store: SimStore, target: StockTarget, quantity: number, locationId: number): void {
  const item = resolveStockItem(store, target);
  if (typeof item === 'string') throw new SimApiError(422, item);
  if (!store.locations.has(locationId)) throw new SimApiError(422, `Location with id ${locationId} does not exist`);
  writeLevel(store, locationId, item.kind, itemId(item), quantity);
  touch(state, item);
  emitInventoryEvent(state, store, item, 'manual');
}

export interface AdjustmentItem {
  location_id: number;
  quantity: number;
  sku?: string;
  variant_id?: number;
  product_id?: number;
}

/**
 * `PUT /inventory/adjustments/absolute` and `POST …/relative`: every item is checked first and
 * the whole request refused (422) if one is wrong; otherwise all are applied and each item
 * raises its inventory event.
 */
export function applyAdjustments(state: BigCommerceState, store: SimStore, items: AdjustmentItem[], mode: 'absolute' | 'relative'): void {
  const planned: { item: StockItem; locationId: number; level: number }[] = [];
  const pending = new Map<string, number>();
  for (const [index, entry] of items.entries()) {
    const target: StockTarget | undefined =
      entry.variant_id !== undefined ? { variant_id: entry.variant_id } : entry.sku !== undefined ? { sku: entry.sku } : entry.product_id !== undefined ? { product_id: entry.product_id } : undefined;
    if (!target) throw new SimApiError(422, `Item ${index} names no sku, variant_id or product_id`, {});
    const item = resolveStockItem(store, target);
    if (typeof item === 'string') throw new SimApiError(422, `[${item}]`, {});
    if (!store.locations.has(entry.location_id)) throw new SimApiError(422, `[Location with id ${entry.location_id} does not exist]`, {});
    const k = key(entry.location_id, item.kind, itemId(item));
    const current = pending.get(k) ?? levelAt(store, entry.location_id, item.kind, itemId(item));
    const level = mode === 'absolute' ? entry.quantity : current + entry.quantity;
    if (level < 0) throw new SimApiError(422, `[Inventory level of item ${index} cannot go below zero]`, {});
    pending.set(k, level);
    planned.push({ item, locationId: entry.location_id, level });
  }
  // Every item written raises its event, changed or not: the platform does not compare.
  const touched = new Map<string, StockItem>();
  for (const { item, locationId, level } of planned) {
    writeLevel(store, locationId, item.kind, itemId(item), level);
    touched.set(`${item.kind}:${itemId(item)}`, item);
  }
  for (const item of touched.values()) {
    touch(state, item);
    emitInventoryEvent(state, store, item, 'manual');
  }
}

/** Takes an order line out of stock at the default location (orders draw from it). */
export function takeForOrder(state: BigCommerceState, store: SimStore, item: StockItem, quantity: number): void {
  const id = itemId(item);
  const location = store.defaultLocationId;
  writeLevel(store, location, item.kind, id, levelAt(store, location, item.kind, id) - quantity);
  touch(state, item);
  emitInventoryEvent(state, store, item, 'order');
}

/** Puts an order line's units back at the default location (a cancelled order gives its stock back). */
export function putBackForOrder(state: BigCommerceState, store: SimStore, item: StockItem, quantity: number): void {
  const id = itemId(item);
  const location = store.defaultLocationId;
  writeLevel(store, location, item.kind, id, levelAt(store, location, item.kind, id) + quantity);
  touch(state, item);
  emitInventoryEvent(state, store, item, 'order');
}

/** The item an order line draws from, or null when the product does not track inventory. */
export function stockItemForLine(store: SimStore, product: SimProduct, variant: SimVariant): StockItem | null {
  if (product.inventory_tracking === 'product') return { kind: 'product', product, variant };
  if (product.inventory_tracking === 'variant') return { kind: 'variant', product, variant };
  return null;
}
