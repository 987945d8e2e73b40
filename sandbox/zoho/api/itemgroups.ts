import { Router } from 'express';
import { invalidState, invalidValue, notFound } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { GroupAttribute, ZohoItem, ZohoItemGroup } from '../records.js';
import { createItem, deleteItem, itemInUse, readItemChanges, serializeItem } from './items.js';
import {
  ok,
  oneOf,
  optArray,
  optString,
  orgOf,
  paginate,
  readBody,
  requireArray,
  requireNumber,
  requireString,
  statusFilter,
  type Body,
} from './support.js';

const GROUP_ITEM_KEYS = [
  'item_id',
  'name',
  'status',
  'rate',
  'purchase_rate',
  'reorder_level',
  'sku',
  'upc',
  'ean',
  'isbn',
  'part_number',
  'stock_on_hand',
  'available_stock',
  'actual_available_stock',
  'attribute_option_id1',
  'attribute_option_name1',
  'attribute_option_id2',
  'attribute_option_name2',
  'attribute_option_id3',
  'attribute_option_name3',
  'image_id',
  'image_name',
  'image_type',
  'category_id',
  'category_name',
] as const;

export const groupItems = (org: ZohoOrg, group: ZohoItemGroup) => [...org.items.values()].filter((i) => i.group_id === group.group_id);

/**
 * An item group as Zoho returns it. The group's `items` is a list and the option names are
 * text (itemgroups.yml says object and integer: see the reference README).
 */
export function serializeItemGroup(org: ZohoOrg, group: ZohoItemGroup) {
  const attributeFields: Record<string, string> = {};
  group.attributes.forEach((a, n) => {
    attributeFields[`attribute_id${n + 1}`] = a.id;
    attributeFields[`attribute_name${n + 1}`] = a.name;
  });
  return {
    group_id: group.group_id,
    group_name: group.group_name,
    product_type: group.product_type,
    brand: group.brand,
    manufacturer: group.manufacturer,
    unit: group.unit,
    description: group.description,
    is_taxable: true,
    tax_id: group.tax_id,
    tax_name: '',
    tax_percentage: 0,
    status: group.status,
    source: 'user',
    ...attributeFields,
    attributes: group.attributes,
    image_id: group.image?.image_id ?? '',
    image_name: group.image?.image_name ?? '',
    image_type: group.image?.image_type ?? '',
    custom_fields: group.custom_fields,
    items: groupItems(org, group).map((item) => {
      const json = serializeItem(org, item) as Record<string, unknown>;
      return Object.fromEntries(GROUP_ITEM_KEYS.filter((k) => json[k] !== undefined).map((k) => [k, json[k]]));
    }),
    created_time: group.created_time,
    last_modified_time: group.last_modified_time,
  };
}

/** Attributes from `attributes[]` or `attribute_name1..3`, options from the items' option names. */
function readAttributes(org: ZohoOrg, body: Body, items: Body[]): GroupAttribute[] {
  const names: string[] = [];
  const given = optArray(body, 'attributes');
  if (given) for (const a of given) names.push(requireString(a, 'name', 'attributes.name'));
  else for (const n of [1, 2, 3]) if (optString(body, `attribute_name${n}`)) names.push(optString(body, `attribute_name${n}`));
  return names.map((name, n) => {
    const options = [...new Set(items.map((i) => optString(i, `attribute_option_name${n + 1}`)).filter(Boolean))];
    return { id: org.newId(), name, options: options.map((o) => ({ id: org.newId(), name: o })) };
  });
}

function validateGroupItem(item: Body, attributes: GroupAttribute[]): void {
  requireString(item, 'name', 'items.name');
  requireNumber(item, 'rate', 'items.rate');
  requireNumber(item, 'purchase_rate', 'items.purchase_rate');
  attributes.forEach((_a, n) => requireString(item, `attribute_option_name${n + 1}`, `items.attribute_option_name${n + 1}`));
}

/** Creates a group with its items (each a regular item carrying group_id). Used by the seed too. */
export function createItemGroup(org: ZohoOrg, body: Body): ZohoItemGroup {
  const group_name = requireString(body, 'group_name');
  const unit = requireString(body, 'unit');
  const itemBodies = requireArray(body, 'items');
  const attributes = readAttributes(org, body, itemBodies);
  for (const item of itemBodies) validateGroupItem(item, attributes);
  const now = org.now();
  const group: ZohoItemGroup = {
    group_id: org.newId(),
    group_name,
    unit,
    description: optString(body, 'description'),
    brand: optString(body, 'brand'),
    manufacturer: optString(body, 'manufacturer'),
    status: 'active',
    product_type: oneOf(body, 'product_type', ['goods', 'service'] as const, 'goods'),
    tax_id: optString(body, 'tax_id'),
    attributes,
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoItemGroup['custom_fields'],
    created_time: now,
    last_modified_time: now,
  };
  org.itemGroups.set(group.group_id, group);
  try {
    for (const item of itemBodies) createItem(org, { unit, product_type: group.product_type, ...item }, group);
  } catch (error) {
    // All or nothing: drop what this request created.
    for (const item of groupItems(org, group)) deleteItem(org, item);
    org.itemGroups.delete(group.group_id);
    throw error;
  }
  return group;
}

const GROUP_SORT = { group_name: (g: ZohoItemGroup) => g.group_name.toLowerCase(), created_time: (g: ZohoItemGroup) => g.created_time };

/** /itemgroups and /itemgroups/{id}: the retrieved record is keyed `item_group`. */
export function itemGroupsRoutes(): Router {
  const router = Router();

  router.get('/itemgroups', (req, res) => {
    const org = orgOf(res);
    const status = statusFilter(req);
    const rows = [...org.itemGroups.values()].filter((g) => !status.filter || status.filter(g.status));
    const { page, page_context } = paginate(req, rows, { reportName: 'Item Groups', appliedFilter: status.applied, sortable: GROUP_SORT });
    ok(res, 200, 'success', { itemgroups: page.map((g) => serializeItemGroup(org, g)), page_context });
  });

  router.post('/itemgroups', (req, res) => {
    const org = orgOf(res);
    const group = createItemGroup(org, readBody(req));
    const json = serializeItemGroup(org, group);
    org.emit('itemgroup', 'create', json);
    for (const item of groupItems(org, group)) org.emit('item', 'create', serializeItem(org, item));
    ok(res, 201, 'The item group has been created.', { item_group: json });
  });

  router.get('/itemgroups/:group_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { item_group: serializeItemGroup(org, org.get(org.itemGroups, req.params.group_id, 'Item group')) });
  });

  // Not in itemgroups.yml (unconfirmed): a group's own image, read as GET /items/{id}/image reads an item's.
  // The app does not call it: it reads a group's image through its items (documented).
  router.get('/itemgroups/:group_id/image', (req, res) => {
    const org = orgOf(res);
    const group = org.get(org.itemGroups, req.params.group_id, 'Item group');
    if (!group.image) throw notFound('Image');
    res.status(200).type(group.image.contentType).send(group.image.bytes);
  });

  router.put('/itemgroups/:group_id', (req, res) => {
    const org = orgOf(res);
    const group = org.get(org.itemGroups, req.params.group_id, 'Item group');
    const body = readBody(req);
    const group_name = body.group_name === undefined ? group.group_name : requireString(body, 'group_name');
    const unit = body.unit === undefined ? group.unit : requireString(body, 'unit');
    const itemBodies = optArray(body, 'items') ?? [];
    // Validate every line first so that a bad one changes nothing.
    const edits = new Map<string, Partial<ZohoItem>>();
    for (const line of itemBodies) {
      const id = optString(line, 'item_id');
      const item = id ? org.items.get(id) : undefined;
      if (id && item?.group_id !== group.group_id) throw invalidValue('items.item_id');
      if (item) edits.set(item.item_id, readItemChanges(org, item, line));
      else validateGroupItem(line, group.attributes);
    }
    group.group_name = group_name;
    group.unit = unit;
    group.description = optString(body, 'description', group.description);
    group.brand = optString(body, 'brand', group.brand);
    group.manufacturer = optString(body, 'manufacturer', group.manufacturer);
    group.last_modified_time = org.now();
    for (const item of groupItems(org, group)) item.group_name = group_name;
    for (const line of itemBodies) {
      const id = optString(line, 'item_id');
      if (id) {
        const item = org.items.get(id)!;
        Object.assign(item, edits.get(id));
        org.emit('item', 'update', serializeItem(org, item));
      } else {
        const item = createItem(org, { unit, product_type: group.product_type, ...line }, group);
        for (const [n, a] of group.attributes.entries()) {
          const option = item[`attribute_option_name${n + 1}` as 'attribute_option_name1'];
          if (option && !a.options.some((o) => o.name === option)) a.options.push({ id: org.newId(), name: option });
        }
        org.emit('item', 'create', serializeItem(org, item));
      }
    }
    const json = serializeItemGroup(org, group);
    org.emit('itemgroup', 'update', json);
    ok(res, 200, 'The item group has been updated.', { item_group: json });
  });

  router.delete('/itemgroups/:group_id', (req, res) => {
    const org = orgOf(res);
    const group = org.get(org.itemGroups, req.params.group_id, 'Item group');
    const items = groupItems(org, group);
    if (items.some((i) => itemInUse(org, i.item_id))) throw invalidState('Items of this group are used in transactions: the group cannot be deleted.');
    const json = serializeItemGroup(org, group);
    for (const item of items) deleteItem(org, item);
    org.itemGroups.delete(group.group_id);
    org.emit('itemgroup', 'delete', json);
    ok(res, 200, 'The item group has been deleted.');
  });

  for (const status of ['active', 'inactive'] as const) {
    router.post(`/itemgroups/:group_id/${status}`, (req, res) => {
      const org = orgOf(res);
      const group = org.get(org.itemGroups, req.params.group_id, 'Item group');
      const now = org.now();
      group.status = status;
      group.last_modified_time = now;
      for (const item of groupItems(org, group)) {
        item.status = status;
        item.last_modified_time = now;
        org.emit('item', 'update', serializeItem(org, item));
      }
      org.emit('itemgroup', 'update', serializeItemGroup(org, group));
      ok(res, 200, `The item group has been marked as ${status}.`);
    });
  }

  return router;
}
