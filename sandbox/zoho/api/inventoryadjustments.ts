import { Router } from 'express';
import { invalidState, invalidValue } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { ZohoInventoryAdjustment } from '../records.js';
import { tracksStock } from '../stock.js';
import { readLocation } from './lines.js';
import { ok, oneOf, optArray, optString, orgOf, paginate, readBody, requireArray, requireDate, requireNumber, requireString, type Body } from './support.js';

export function serializeAdjustment(org: ZohoOrg, adjustment: ZohoInventoryAdjustment) {
  return {
    inventory_adjustment_id: adjustment.inventory_adjustment_id,
    date: adjustment.date,
    reason: adjustment.reason,
    reason_id: '',
    description: adjustment.description,
    reference_number: adjustment.reference_number,
    adjustment_type: adjustment.adjustment_type,
    status: 'adjusted',
    location_id: adjustment.location_id,
    location_name: org.locations.get(adjustment.location_id)?.location_name ?? '',
    line_items: adjustment.line_items.map((l) => {
      const item = org.items.get(l.item_id);
      return {
        line_item_id: l.line_item_id,
        item_id: l.item_id,
        name: item?.name ?? '',
        sku: item?.sku ?? '',
        description: l.description,
        quantity_adjusted: l.quantity_adjusted,
        item_total: 0,
        unit: item?.unit ?? '',
        is_combo_product: false,
        location_id: l.location_id,
        location_name: org.locations.get(l.location_id)?.location_name ?? '',
      };
    }),
    total: 0,
    custom_fields: adjustment.custom_fields,
    created_time: adjustment.created_time,
    last_modified_time: adjustment.last_modified_time,
  };
}

/** Physical and accounting stock move together by quantity_adjusted (+1 apply, −1 undo). */
function applyAdjustment(org: ZohoOrg, adjustment: ZohoInventoryAdjustment, sign: 1 | -1): void {
  for (const l of adjustment.line_items) org.stock.change(l.item_id, l.location_id, { physical: sign * l.quantity_adjusted, accounting: sign * l.quantity_adjusted });
}

/** A quantity adjustment (adjustment_type "quantity", the only type inventoryadjustments.yml allows). */
export function createAdjustment(org: ZohoOrg, body: Body): ZohoInventoryAdjustment {
  const date = requireDate(body, 'date');
  const reason = requireString(body, 'reason');
  requireString(body, 'adjustment_type');
  const adjustment_type = oneOf(body, 'adjustment_type', ['quantity'] as const, 'quantity');
  const location_id = readLocation(org, body, 'location_id', org.primaryLocation().location_id);
  const line_items = requireArray(body, 'line_items').map((line) => {
    const itemId = requireString(line, 'item_id', 'line_items.item_id');
    const item = org.items.get(itemId);
    if (!item) throw invalidValue('line_items.item_id');
    if (!tracksStock(item)) throw invalidState(`"${item.name}" does not track inventory and cannot be adjusted.`);
    const quantity = requireNumber(line, 'quantity_adjusted', 'line_items.quantity_adjusted');
    if (quantity === 0) throw invalidValue('line_items.quantity_adjusted');
    return {
      line_item_id: org.newId(),
      item_id: itemId,
      quantity_adjusted: quantity,
      location_id: readLocation(org, line, 'location_id', location_id),
      description: optString(line, 'description'),
    };
  });
  const now = org.now();
  const adjustment: ZohoInventoryAdjustment = {
    inventory_adjustment_id: org.newId(),
    date,
    reason,
    description: optString(body, 'description'),
    reference_number: optString(body, 'reference_number'),
    adjustment_type,
    location_id,
    line_items,
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoInventoryAdjustment['custom_fields'],
    created_time: now,
    last_modified_time: now,
  };
  org.adjustments.set(adjustment.inventory_adjustment_id, adjustment);
  applyAdjustment(org, adjustment, 1);
  return adjustment;
}

const LIST_KEYS = ['inventory_adjustment_id', 'date', 'reason', 'reason_id', 'description', 'reference_number', 'adjustment_type', 'status', 'total', 'location_id', 'location_name', 'created_time', 'last_modified_time'] as const;

/** /inventoryadjustments: quantity adjustments change stock (an item's last_modified_time stays). */
export function inventoryAdjustmentsRoutes(): Router {
  const router = Router();

  router.get('/inventoryadjustments', (req, res) => {
    const org = orgOf(res);
    const { page, page_context } = paginate(req, [...org.adjustments.values()], {
      reportName: 'Inventory Adjustments',
      sortable: { created_time: (a) => a.created_time, date: (a) => a.date },
    });
    const inventory_adjustments = page.map((a) => {
      const json = serializeAdjustment(org, a) as Record<string, unknown>;
      return Object.fromEntries(LIST_KEYS.map((k) => [k, json[k]]));
    });
    ok(res, 200, 'success', { inventory_adjustments, page_context });
  });

  router.post('/inventoryadjustments', (req, res) => {
    const org = orgOf(res);
    const json = serializeAdjustment(org, createAdjustment(org, readBody(req)));
    org.emit('inventory_adjustment', 'create', json);
    // inventoryadjustments.yml documents 200 for a created adjustment.
    ok(res, 200, 'Inventory Adjustment has been added', { inventory_adjustment: json });
  });

  router.get('/inventoryadjustments/:adjustment_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { inventory_adjustment: serializeAdjustment(org, org.get(org.adjustments, req.params.adjustment_id, 'Inventory Adjustment')) });
  });

  router.delete('/inventoryadjustments/:adjustment_id', (req, res) => {
    const org = orgOf(res);
    const adjustment = org.get(org.adjustments, req.params.adjustment_id, 'Inventory Adjustment');
    applyAdjustment(org, adjustment, -1);
    org.adjustments.delete(adjustment.inventory_adjustment_id);
    org.emit('inventory_adjustment', 'delete', serializeAdjustment(org, adjustment));
    ok(res, 200, 'Inventory Adjustment has been deleted');
  });

  return router;
}
