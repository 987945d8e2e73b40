import { Router, type Request } from 'express';
import { z } from 'zod';
import { isoDate } from '../dates.js';
import { ERROR_TYPE, SimApiError, invalidJson, notFound } from '../errors.js';
import type { SimPriceList, SimPriceListAssignment, SimPriceRecord } from '../model.js';
import { pageRequest, v3Page } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { checkItem, parseV3 } from '../validation.js';
import { filterAll, intListParam, intParam, listParam, pathId, queryString, storeOf, type Query } from './params.js';

const priceListSchema = z.looseObject({ name: z.string().min(1).max(255), active: z.boolean().optional() });
// The update names the list again: `name` is required on PUT as on POST.
const priceListUpdateSchema = z.looseObject({ name: z.string().min(1).max(255), active: z.boolean().optional() });

const tierSchema = z.looseObject({
  quantity_min: z.int().min(0),
  quantity_max: z.int().min(0).nullable().optional(),
  type: z.enum(['fixed', 'price', 'percent']),
  amount: z.number(),
});
const recordSchema = z.looseObject({
  variant_id: z.int().min(1).optional(),
  sku: z.string().min(1).optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  price: z.number().min(0),
  sale_price: z.number().min(0).optional(),
  retail_price: z.number().min(0).optional(),
  map_price: z.number().min(0).optional(),
  bulk_pricing_tiers: z.array(tierSchema).optional(),
});

const assignmentSchema = z.looseObject({
  price_list_id: z.int().min(1),
  customer_group_id: z.int().min(0).optional(),
  channel_id: z.int().min(1).optional(),
});

export function priceListView(list: SimPriceList) {
  return { id: list.id, name: list.name, active: list.active, date_created: isoDate(list.dateCreated), date_modified: isoDate(list.dateModified) };
}

export function priceRecordView(record: SimPriceRecord, include: Set<string>) {
  const calculated = record.sale_price !== undefined && record.sale_price > 0 ? record.sale_price : record.price;
  return {
    price_list_id: record.price_list_id,
    variant_id: record.variant_id,
    product_id: record.product_id,
    currency: record.currency,
    price: record.price,
    ...(record.sale_price !== undefined ? { sale_price: record.sale_price } : {}),
    ...(record.retail_price !== undefined ? { retail_price: record.retail_price } : {}),
    ...(record.map_price !== undefined ? { map_price: record.map_price } : {}),
    calculated_price: calculated,
    date_created: isoDate(record.dateCreated),
    date_modified: isoDate(record.dateModified),
    ...(include.has('sku') ? { sku: record.sku } : {}),
    ...(include.has('bulk_pricing_tiers') ? { bulk_pricing_tiers: record.bulk_pricing_tiers } : {}),
  };
}

const assignmentView = (a: SimPriceListAssignment) => ({ id: a.id, price_list_id: a.price_list_id, customer_group_id: a.customer_group_id, channel_id: a.channel_id });

/**
 * `/v3/pricelists`: lists, records (batch upsert up to 1,000, two at a time per store) and
 * assignments (batch of 25). Enterprise only: other plans get 403 for every call here.
 */
export function priceListRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;

  router.use('/pricelists', (_req, res, next) => {
    if (!storeOf(res).hasFeature('priceLists')) {
      throw new SimApiError(403, 'Price lists are not available on this store’s plan. Upgrade to Enterprise to use them.');
    }
    next();
  });

  const listOf = (req: Request, store: SimStore) => {
    const list = store.priceLists.get(pathId(req, 'priceListId', 'price list'));
    if (!list) throw notFound('price list');
    return list;
  };
  const assertNameFree = (store: SimStore, name: string, exceptId?: number) => {
    for (const l of store.priceLists.values()) {
      if (l.id !== exceptId && l.name.toLowerCase() === name.toLowerCase()) throw new SimApiError(409, 'A price list with this name already exists', { name: 'duplicate' });
    }
  };

  router.get('/pricelists', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const name = queryString(q, 'name');
    const nameLike = queryString(q, 'name:like')?.toLowerCase();
    const ids = intListParam(q, 'id:in');
    const lists = filterAll(store.priceLists.values(), [
      (l) => name === undefined || l.name === name,
      (l) => nameLike === undefined || l.name.toLowerCase().includes(nameLike),
      (l) => ids === undefined || ids.includes(l.id),
    ]);
    res.json(v3Page(lists, pageRequest(q, limits().maxPageSize), priceListView));
  });

  router.post('/pricelists', (req, res) => {
    const store = storeOf(res);
    const input = parseV3(priceListSchema, req.body);
    assertNameFree(store, input.name);
    const now = state.clock.now();
    const list: SimPriceList = { id: store.nextId('priceList'), name: input.name, active: input.active ?? false, dateCreated: now, dateModified: now };
    store.priceLists.set(list.id, list);
    res.json({ data: priceListView(list), meta: {} });
  });

  router.get('/pricelists/assignments', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const matches = assignmentFilter(q);
    res.json(v3Page([...store.priceListAssignments.values()].filter(matches), pageRequest(q, limits().maxPageSize), assignmentView));
  });

  router.post('/pricelists/assignments', (req, res) => {
    const store = storeOf(res);
    if (Array.isArray(req.body) && req.body.length > limits().priceListAssignments) {
      throw new SimApiError(413, `Too many assignments in one request: ${req.body.length} sent, at most ${limits().priceListAssignments} allowed`, {});
    }
    const input = parseV3(z.array(assignmentSchema).min(1), req.body);
    const errors: Record<string, string> = {};
    const taken = new Set([...store.priceListAssignments.values()].map((a) => `${a.customer_group_id ?? ''}|${a.channel_id ?? ''}`));
    for (const [i, a] of input.entries()) {
      if (!store.priceLists.has(a.price_list_id)) errors[`${i}.price_list_id`] = `Price list ${a.price_list_id} does not exist`;
      if (a.customer_group_id && !store.customerGroups.has(a.customer_group_id)) errors[`${i}.customer_group_id`] = `Customer group ${a.customer_group_id} does not exist`;
      if (a.channel_id !== undefined && a.channel_id !== 1) errors[`${i}.channel_id`] = `Channel ${a.channel_id} does not exist`;
      const slot = `${a.customer_group_id ?? ''}|${a.channel_id ?? ''}`;
      if (taken.has(slot)) errors[`${i}`] = 'A price list is already assigned to this customer group and channel';
      taken.add(slot);
    }
    if (Object.keys(errors).length) {
      throw new SimApiError(422, 'Price list assignments are invalid', undefined, { status: 422, title: 'Price list assignments are invalid', type: ERROR_TYPE, errors, meta: { saved_records: 0 } });
    }
    for (const a of input) {
      const assignment: SimPriceListAssignment = { id: store.nextId('assignment'), price_list_id: a.price_list_id, customer_group_id: a.customer_group_id, channel_id: a.channel_id };
      store.priceListAssignments.set(assignment.id, assignment);
    }
    res.status(200).end();
  });

  router.delete('/pricelists/assignments', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    if (!['id', 'price_list_id', 'customer_group_id', 'channel_id', 'channel_id:in'].some((k) => q[k] !== undefined)) {
      throw new SimApiError(422, 'At least one filter is required to delete price list assignments', {});
    }
    const matches = assignmentFilter(q);
    for (const a of [...store.priceListAssignments.values()]) if (matches(a)) store.priceListAssignments.delete(a.id);
    res.status(204).end();
  });

  router.get('/pricelists/:priceListId', (req, res) => {
    res.json({ data: priceListView(listOf(req, storeOf(res))), meta: {} });
  });

  router.put('/pricelists/:priceListId', (req, res) => {
    const store = storeOf(res);
    const list = listOf(req, store);
    const input = parseV3(priceListUpdateSchema, req.body);
    assertNameFree(store, input.name, list.id);
    list.name = input.name;
    if (input.active !== undefined) list.active = input.active;
    list.dateModified = state.clock.now();
    res.json({ data: priceListView(list), meta: {} });
  });

  router.delete('/pricelists/:priceListId', (req, res) => {
    const store = storeOf(res);
    const id = pathId(req, 'priceListId', 'price list');
    store.priceLists.delete(id);
    for (const [k, r] of store.priceRecords) if (r.price_list_id === id) store.priceRecords.delete(k);
    for (const a of [...store.priceListAssignments.values()]) if (a.price_list_id === id) store.priceListAssignments.delete(a.id);
    res.status(204).end();
  });

  router.get('/pricelists/:priceListId/records', (req, res) => {
    const store = storeOf(res);
    const list = listOf(req, store);
    const q = req.query as Query;
    const variantIds = intListParam(q, 'variant_id:in');
    const productIds = intListParam(q, 'product_id:in');
    const currency = queryString(q, 'currency')?.toLowerCase();
    const records = filterAll(store.priceRecords.values(), [
      (r) => r.price_list_id === list.id,
      (r) => variantIds === undefined || variantIds.includes(r.variant_id),
      (r) => productIds === undefined || productIds.includes(r.product_id),
      (r) => currency === undefined || r.currency === currency,
    ]);
    const include = new Set(listParam(q, 'include') ?? []);
    res.json(v3Page(records, pageRequest(q, limits().maxPageSize), (r) => priceRecordView(r, include)));
  });

  router.put('/pricelists/:priceListId/records', (req, res) => {
    const store = storeOf(res);
    const list = listOf(req, store);
    if (!Array.isArray(req.body)) throw invalidJson({ body: 'error.expected.jsarray' });
    if (req.body.length > limits().priceListRecords) {
      throw new SimApiError(413, `Too many records in one request: ${req.body.length} sent, at most ${limits().priceListRecords} allowed`, {});
    }
    const batchErrors: unknown[] = [];
    const now = state.clock.now();
    // Non-strict mode: good records are saved, bad ones reported in batch_errors.
    for (const item of req.body as unknown[]) {
      const raw = (item ?? {}) as Record<string, unknown>;
      const identifiers = { price_list_id: list.id, variant_id: raw.variant_id, sku: raw.sku, currency: raw.currency };
      const checked = checkItem(recordSchema, item);
      if (checked.errors) {
        batchErrors.push({ data: identifiers, field_errors: checked.errors });
        continue;
      }
      const record = checked.data;
      const variant = record.variant_id !== undefined ? store.variants.get(record.variant_id) : record.sku !== undefined ? store.findSku(record.sku)?.variant : undefined;
      if (record.variant_id === undefined && record.sku === undefined) {
        batchErrors.push({ data: identifiers, field_errors: { variant_id: 'error.path.missing', sku: 'error.path.missing' } });
        continue;
      }
      if (!variant) {
        batchErrors.push({ data: identifiers, field_errors: { [record.variant_id !== undefined ? 'variant_id' : 'sku']: 'The variant does not exist' } });
        continue;
      }
      const currency = record.currency.toLowerCase();
      const key = `${list.id}|${variant.id}|${currency}`;
      const existing = store.priceRecords.get(key);
      store.priceRecords.set(key, {
        price_list_id: list.id,
        variant_id: variant.id,
        product_id: variant.product_id,
        sku: variant.sku,
        currency,
        price: record.price,
        sale_price: record.sale_price,
        retail_price: record.retail_price,
        map_price: record.map_price,
        bulk_pricing_tiers: (record.bulk_pricing_tiers ?? []).map((t) => ({ quantity_min: t.quantity_min, quantity_max: t.quantity_max ?? null, type: t.type, amount: t.amount })),
        dateCreated: existing?.dateCreated ?? now,
        dateModified: now,
      });
    }
    if (batchErrors.length) throw new SimApiError(422, 'Some price records are invalid', undefined, { batch_errors: batchErrors });
    res.json({ data: {}, meta: {} });
  });

  router.delete('/pricelists/:priceListId/records', (req, res) => {
    const store = storeOf(res);
    const list = listOf(req, store);
    const q = req.query as Query;
    const variantIds = intListParam(q, 'variant_id:in');
    const currency = queryString(q, 'currency')?.toLowerCase();
    for (const [k, r] of store.priceRecords) {
      if (r.price_list_id !== list.id) continue;
      if (variantIds !== undefined && !variantIds.includes(r.variant_id)) continue;
      if (currency !== undefined && r.currency !== currency) continue;
      store.priceRecords.delete(k);
    }
    res.status(204).end();
  });

  return router;
}

function assignmentFilter(q: Query): (a: SimPriceListAssignment) => boolean {
  const id = intParam(q, 'id');
  const priceListId = intParam(q, 'price_list_id');
  const groupId = intParam(q, 'customer_group_id');
  const channelId = intParam(q, 'channel_id');
  const ids = intListParam(q, 'id:in');
  const listIds = intListParam(q, 'price_list_id:in');
  const groupIds = intListParam(q, 'customer_group_id:in');
  const channelIds = intListParam(q, 'channel_id:in');
  return (a) =>
    (id === undefined || a.id === id) &&
    (priceListId === undefined || a.price_list_id === priceListId) &&
    (groupId === undefined || a.customer_group_id === groupId) &&
    (channelId === undefined || a.channel_id === channelId) &&
    (ids === undefined || ids.includes(a.id)) &&
    (listIds === undefined || listIds.includes(a.price_list_id)) &&
    (groupIds === undefined || (a.customer_group_id !== undefined && groupIds.includes(a.customer_group_id))) &&
    (channelIds === undefined || (a.channel_id !== undefined && channelIds.includes(a.channel_id)));
}
