import { Router } from 'express';
import { invalidState, invalidValue, notFound, ZohoCode, ZohoError } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { ItemImage, ZohoItem } from '../records.js';
import { stockFields, tracksStock } from '../stock.js';
import { parseMultipart } from './multipart.js';
import {
  modifiedSince,
  ok,
  oneOf,
  optArray,
  optBool,
  optNumber,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireString,
  statusFilter,
  textFilter,
  type Body,
} from './support.js';

const PRODUCT_TYPES = ['goods', 'service', 'digital_service'] as const;
const ITEM_TYPES = ['inventory', 'sales', 'purchases', 'sales_and_purchases'] as const;

/**
 * The image an item shows: its own, else its group's. itemgroups.yml's example gives a group's
 * items the group's `image_id` and `image_name`; GET /items/{id}/image serves it for them.
 */
export function imageOf(org: ZohoOrg, item: ZohoItem): ItemImage | undefined {
  return item.image ?? (item.group_id ? org.itemGroups.get(item.group_id)?.image : undefined);
}

/** An item as Zoho returns it: stored fields, group attributes, image and computed stock. */
export function serializeItem(org: ZohoOrg, item: ZohoItem) {
  const group = item.group_id ? org.itemGroups.get(item.group_id) : undefined;
  const image = imageOf(org, item);
  const attributes: Record<string, unknown> = {};
  group?.attributes.forEach((attribute, n) => {
    const optionName = item[`attribute_option_name${n + 1}` as 'attribute_option_name1'];
    attributes[`attribute_id${n + 1}`] = attribute.id;
    attributes[`attribute_name${n + 1}`] = attribute.name;
    attributes[`attribute_option_name${n + 1}`] = optionName ?? '';
    attributes[`attribute_option_id${n + 1}`] = attribute.options.find((o) => o.name === optionName)?.id ?? '';
  });
  const digits = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
  return {
    item_id: item.item_id,
    name: item.name,
    sku: item.sku,
    status: item.status,
    product_type: item.product_type,
    item_type: item.item_type,
    unit: item.unit,
    rate: item.rate,
    purchase_rate: item.purchase_rate,
    description: item.description,
    purchase_description: item.purchase_description,
    is_taxable: item.is_taxable,
    tax_id: item.tax_id,
    tax_name: '',
    tax_percentage: 0,
    reorder_level: item.reorder_level,
    upc: digits(item.upc),
    ean: digits(item.ean),
    isbn: item.isbn,
    part_number: item.part_number,
    track_inventory: tracksStock(item),
    can_be_sold: item.item_type !== 'purchases',
    can_be_purchased: item.item_type !== 'sales',
    is_combo_product: false,
    is_linked_with_zohocrm: false,
    source: 'user',
    group_id: item.group_id ?? '',
    group_name: item.group_name ?? '',
    ...attributes,
    image_id: image?.image_id ?? '',
    image_name: image?.image_name ?? '',
    image_type: image?.image_type ?? '',
    category_id: item.category_id ?? '',
    category_name: item.category_name ?? '',
    custom_fields: item.custom_fields,
    created_time: item.created_time,
    last_modified_time: item.last_modified_time,
    ...(tracksStock(item) ? stockFields(org.stock, org.locations.values(), item.item_id) : {}),
  };
}

export type ItemJson = ReturnType<typeof serializeItem>;

function assertUnique(org: ZohoOrg, name: string, sku: string, exceptId?: string) {
  for (const other of org.items.values()) {
    if (other.item_id === exceptId) continue;
    if (other.name.toLowerCase() === name.toLowerCase()) {
      throw new ZohoError(400, ZohoCode.alreadyExists, `The item "${name}" already exists.`);
    }
    if (sku !== '' && other.sku.toLowerCase() === sku.toLowerCase()) {
      throw new ZohoError(400, ZohoCode.alreadyExists, `The SKU "${sku}" already exists for the item "${other.name}".`);
    }
  }
}

/**
 * Creates an item from a request body (validated as Zoho does), with opening stock per
 * location (`locations[].initial_stock`, or `initial_stock` at the primary location).
 * Used by POST /items, item groups and the seed.
 */
export function createItem(org: ZohoOrg, body: Body, group?: { group_id: string; group_name: string }): ZohoItem {
  const name = requireString(body, 'name');
  const product_type = oneOf(body, 'product_type', PRODUCT_TYPES, 'goods');
  const item_type = oneOf(body, 'item_type', ITEM_TYPES, product_type === 'goods' ? 'inventory' : 'sales');
  if (item_type === 'inventory' && product_type !== 'goods') throw invalidValue('item_type');
  const sku = optString(body, 'sku');
  assertUnique(org, name, sku);
  const now = org.now();
  const item: ZohoItem = {
    item_id: org.newId(),
    name,
    sku,
    status: oneOf(body, 'status', ['active', 'inactive'] as const, 'active'),
    product_type,
    item_type,
    unit: optString(body, 'unit', 'pcs'),
    rate: optNumber(body, 'rate', 0),
    purchase_rate: optNumber(body, 'purchase_rate', 0),
    description: optString(body, 'description'),
    purchase_description: optString(body, 'purchase_description'),
    is_taxable: optBool(body, 'is_taxable', true),
    tax_id: optString(body, 'tax_id'),
    reorder_level: optNumber(body, 'reorder_level', 0),
    upc: optString(body, 'upc'),
    ean: optString(body, 'ean'),
    isbn: optString(body, 'isbn'),
    part_number: optString(body, 'part_number'),
    ...(group ? { group_id: group.group_id, group_name: group.group_name } : {}),
    attribute_option_name1: optString(body, 'attribute_option_name1') || undefined,
    attribute_option_name2: optString(body, 'attribute_option_name2') || undefined,
    attribute_option_name3: optString(body, 'attribute_option_name3') || undefined,
    category_id: optString(body, 'category_id') || undefined,
    category_name: optString(body, 'category_name') || undefined,
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoItem['custom_fields'],
    created_time: now,
    last_modified_time: now,
  };
  // Validate every opening stock line before storing anything.
  const opening: { locationId: string; quantity: number }[] = [];
  for (const line of optArray(body, 'locations') ?? []) {
    const locationId = requireString(line, 'location_id', 'locations.location_id');
    if (!org.locations.has(locationId)) throw invalidValue('location_id');
    opening.push({ locationId, quantity: optNumber(line, 'initial_stock', 0) });
  }
  const initial = optNumber(body, 'initial_stock', 0);
  if (initial !== 0) opening.push({ locationId: org.primaryLocation().location_id, quantity: initial });
  if (opening.length > 0 && !tracksStock(item)) throw invalidValue('initial_stock');
  org.items.set(item.item_id, item);
  for (const o of opening) org.stock.change(item.item_id, o.locationId, { physical: o.quantity, accounting: o.quantity });
  return item;
}

/** Reads and checks the editable fields of a PUT body (nothing changes yet). */
export function readItemChanges(org: ZohoOrg, item: ZohoItem, body: Body): Partial<ZohoItem> {
  const name = body.name === undefined ? item.name : requireString(body, 'name');
  const sku = body.sku === undefined ? item.sku : optString(body, 'sku');
  assertUnique(org, name, sku, item.item_id);
  const changes: Partial<ZohoItem> = {
    name,
    sku,
    rate: optNumber(body, 'rate', item.rate),
    purchase_rate: optNumber(body, 'purchase_rate', item.purchase_rate),
    description: optString(body, 'description', item.description),
    purchase_description: optString(body, 'purchase_description', item.purchase_description),
    unit: optString(body, 'unit', item.unit),
    reorder_level: optNumber(body, 'reorder_level', item.reorder_level),
    is_taxable: optBool(body, 'is_taxable', item.is_taxable),
    tax_id: optString(body, 'tax_id', item.tax_id),
    upc: optString(body, 'upc', item.upc),
    ean: optString(body, 'ean', item.ean),
    isbn: optString(body, 'isbn', item.isbn),
    part_number: optString(body, 'part_number', item.part_number),
    status: oneOf(body, 'status', ['active', 'inactive'] as const, item.status),
    category_id: body.category_id === undefined ? item.category_id : optString(body, 'category_id') || undefined,
    category_name: body.category_name === undefined ? item.category_name : optString(body, 'category_name') || undefined,
    custom_fields: body.custom_fields === undefined ? item.custom_fields : ((optArray(body, 'custom_fields') ?? []) as ZohoItem['custom_fields']),
    last_modified_time: org.now(),
  };
  for (const n of [1, 2, 3] as const) {
    const field = `attribute_option_name${n}` as const;
    changes[field] = body[field] === undefined ? item[field] : optString(body, field) || undefined;
  }
  return changes;
}

/** Applies the editable fields of a PUT body, all or nothing. */
export function updateItem(org: ZohoOrg, item: ZohoItem, body: Body): void {
  Object.assign(item, readItemChanges(org, item, body));
}

/** Whether any transaction refers to the item (Zoho then refuses to delete it). */
export function itemInUse(org: ZohoOrg, itemId: string): boolean {
  const inLines = (records: Iterable<{ line_items: { item_id: string }[] }>) => {
    for (const r of records) if (r.line_items.some((l) => l.item_id === itemId)) return true;
    return false;
  };
  return inLines(org.salesOrders.values()) || inLines(org.invoices.values()) || inLines(org.adjustments.values());
}

export function deleteItem(org: ZohoOrg, item: ZohoItem): void {
  if (itemInUse(org, item.item_id)) throw invalidState(`The item "${item.name}" is used in transactions and cannot be deleted. Mark it inactive instead.`);
  org.items.delete(item.item_id);
  org.stock.remove(item.item_id);
  for (const book of org.pricebooks.values()) book.pricebook_items = book.pricebook_items.filter((p) => p.item_id !== item.item_id);
}

export function setItemImage(org: ZohoOrg, item: ZohoItem, image: Omit<ItemImage, 'image_id'>): void {
  item.image = { ...image, image_id: org.newId() };
  item.last_modified_time = org.now();
}

const ITEM_SORT = {
  name: (i: ZohoItem) => i.name.toLowerCase(),
  sku: (i: ZohoItem) => i.sku.toLowerCase(),
  rate: (i: ZohoItem) => i.rate,
  created_time: (i: ZohoItem) => i.created_time,
  last_modified_time: (i: ZohoItem) => i.last_modified_time,
};

/** /items, /items/{id}, /itemdetails, /items/{id}/image, /items/{id}/active|inactive. */
export function itemsRoutes(): Router {
  const router = Router();

  router.get('/items', (req, res) => {
    const org = orgOf(res);
    const status = statusFilter(req);
    const filters: ((i: ZohoItem) => boolean)[] = [];
    if (status.filter) filters.push((i) => status.filter!(i.status));
    const since = modifiedSince(req);
    if (since) filters.push(since);
    const sku = textFilter(req, 'sku');
    if (sku) filters.push((i) => sku(i.sku));
    const name = textFilter(req, 'name');
    if (name) filters.push((i) => name(i.name));
    const search = query(req, 'search_text')?.toLowerCase();
    if (search) filters.push((i) => i.name.toLowerCase().includes(search) || i.sku.toLowerCase().includes(search));
    const itemId = query(req, 'item_id');
    if (itemId) filters.push((i) => i.item_id === itemId);
    const groupId = query(req, 'group_id');
    if (groupId) filters.push((i) => i.group_id === groupId);
    const rows = [...org.items.values()].filter((i) => filters.every((f) => f(i)));
    const { page, page_context } = paginate(req, rows, { reportName: 'Items', appliedFilter: status.applied, sortable: ITEM_SORT });
    ok(res, 200, 'success', { items: page.map((i) => serializeItem(org, i)), page_context });
  });

  router.post('/items', (req, res) => {
    const org = orgOf(res);
    const item = createItem(org, readBody(req));
    const json = serializeItem(org, item);
    org.emit('item', 'create', json);
    // items.yml documents 200 (not 201) for a created item.
    ok(res, 200, 'The item has been added.', { item: json });
  });

  router.get('/itemdetails', (req, res) => {
    const org = orgOf(res);
    const ids = query(req, 'item_ids');
    if (!ids) throw new ZohoError(400, ZohoCode.required, 'item_ids is required.');
    // Unknown ids are left out rather than failing the whole batch.
    const items = ids
      .split(',')
      .map((id) => org.items.get(id.trim()))
      .filter((i): i is ZohoItem => i !== undefined);
    ok(res, 200, 'success', { items: items.map((i) => serializeItem(org, i)) });
  });

  router.get('/items/:item_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { item: serializeItem(org, org.get(org.items, req.params.item_id, 'Item')) });
  });

  router.put('/items/:item_id', (req, res) => {
    const org = orgOf(res);
    const item = org.get(org.items, req.params.item_id, 'Item');
    updateItem(org, item, readBody(req));
    const json = serializeItem(org, item);
    org.emit('item', 'update', json);
    ok(res, 200, 'Item details have been saved.', { item: json });
  });

  router.delete('/items/:item_id', (req, res) => {
    const org = orgOf(res);
    const item = org.get(org.items, req.params.item_id, 'Item');
    const json = serializeItem(org, item);
    deleteItem(org, item);
    org.emit('item', 'delete', json);
    ok(res, 200, 'The item has been deleted.');
  });

  for (const status of ['active', 'inactive'] as const) {
    router.post(`/items/:item_id/${status}`, (req, res) => {
      const org = orgOf(res);
      const item = org.get(org.items, req.params.item_id, 'Item');
      item.status = status;
      item.last_modified_time = org.now();
      org.emit('item', 'update', serializeItem(org, item));
      ok(res, 200, `The item has been marked as ${status}.`);
    });
  }

  router.get('/items/:item_id/image', (req, res) => {
    const org = orgOf(res);
    const image = imageOf(org, org.get(org.items, req.params.item_id, 'Item'));
    if (!image) throw notFound('Image');
    res.status(200).type(image.contentType).send(image.bytes);
  });

  router.post('/items/:item_id/image', (req, res) => {
    const org = orgOf(res);
    const item = org.get(org.items, req.params.item_id, 'Item');
    const body = req.body as unknown;
    const part = Buffer.isBuffer(body) ? parseMultipart(body, req.get('content-type')).find((p) => p.name === 'image') : undefined;
    if (!part || part.data.length === 0) throw new ZohoError(400, ZohoCode.required, 'image is required.');
    if (!part.contentType.startsWith('image/')) throw invalidValue('image');
    setItemImage(org, item, {
      image_name: part.filename ?? 'image',
      image_type: part.contentType.replace('image/', ''),
      contentType: part.contentType,
      bytes: part.data,
    });
    org.emit('item', 'update', serializeItem(org, item));
    ok(res, 200, 'The item image has been uploaded.');
  });

  router.delete('/items/:item_id/image', (req, res) => {
    const org = orgOf(res);
    const item = org.get(org.items, req.params.item_id, 'Item');
    if (!item.image) throw notFound('Image');
    delete item.image;
    item.last_modified_time = org.now();
    org.emit('item', 'update', serializeItem(org, item));
    ok(res, 200, 'The item image has been deleted.');
  });

  return router;
}
