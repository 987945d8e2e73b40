import { Router } from 'express';
import { invalidState, invalidValue, requiredField } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { ZohoPackage, ZohoSalesOrder, ZohoShipmentOrder } from '../records.js';
import { tracksStock } from '../stock.js';
import { customerSummary, serializeLine } from './lines.js';
import { serializePackage } from './packages.js';
import { documentNumber, ok, optDate, optNumber, optString, orgOf, query, readBody, requireDate, requireString, type Body } from './support.js';

export function serializeShipmentOrder(org: ZohoOrg, shipment: ZohoShipmentOrder) {
  const so = org.salesOrders.get(shipment.salesorder_id);
  const packages = shipment.package_ids.map((id) => org.packages.get(id)).filter((p): p is ZohoPackage => p !== undefined);
  const { customer_id, customer_name } = customerSummary(org, so?.customer_id ?? '');
  const lines = packages.flatMap((p) =>
    p.line_items.map((pl) => {
      const soLine = so?.line_items.find((l) => l.line_item_id === pl.so_line_item_id);
      const base = soLine ? serializeLine(org, { ...soLine, quantity: pl.quantity }) : undefined;
      return {
        ...(base ?? {}),
        line_item_id: pl.line_item_id,
        so_line_item_id: pl.so_line_item_id,
        item_id: pl.item_id,
        quantity: pl.quantity,
        is_invoiced: soLine ? soLine.quantity_invoiced >= soLine.quantity : false,
      };
    }),
  );
  const sub_total = lines.reduce((s, l) => s + ((l as { item_total?: number }).item_total ?? 0), 0);
  return {
    shipment_id: shipment.shipment_id,
    shipment_number: shipment.shipment_number,
    salesorder_id: shipment.salesorder_id,
    salesorder_number: so?.salesorder_number ?? '',
    date: shipment.date,
    status: shipment.status,
    detailed_status: shipment.status,
    status_message: '',
    carrier: shipment.delivery_method,
    service: '',
    delivery_days: 0,
    delivery_guarantee: false,
    delivery_method: shipment.delivery_method,
    tracking_number: shipment.tracking_number,
    delivered_date: shipment.delivered_date,
    reference_number: shipment.reference_number,
    customer_id,
    customer_name,
    contact_persons: [],
    currency_id: `${org.id}000`,
    currency_code: org.info.currency_code,
    currency_symbol: org.info.currency_symbol,
    exchange_rate: 1,
    line_items: lines,
    packages: packages.map((p) => ({ package_id: p.package_id, package_number: p.package_number, date: p.date, status: p.status })),
    shipping_charge: shipment.shipping_charge,
    sub_total,
    tax_total: 0,
    total: Math.round((sub_total + shipment.shipping_charge) * 100) / 100,
    taxes: [],
    price_precision: 2,
    is_emailed: false,
    notes: shipment.notes,
    created_time: shipment.created_time,
    last_modified_time: shipment.last_modified_time,
  };
}

/**
 * Shipping moves the packages' quantities out of physical stock and out of the order's
 * physical commitment (+1), or puts them back when the shipment is deleted (−1).
 */
function applyShipment(org: ZohoOrg, so: ZohoSalesOrder, shipment: ZohoShipmentOrder, sign: 1 | -1): void {
  for (const id of shipment.package_ids) {
    const pkg = org.packages.get(id);
    if (!pkg) continue;
    pkg.status = sign > 0 ? 'shipped' : 'not_shipped';
    pkg.shipment_id = sign > 0 ? shipment.shipment_id : '';
    pkg.last_modified_time = org.now();
    for (const pl of pkg.line_items) {
      const soLine = so.line_items.find((l) => l.line_item_id === pl.so_line_item_id);
      if (!soLine) continue;
      soLine.quantity_shipped += sign * pl.quantity;
      const item = org.items.get(soLine.item_id);
      if (item && tracksStock(item)) {
        org.stock.change(soLine.item_id, soLine.location_id, { physical: -sign * pl.quantity, committedPhysical: -sign * pl.quantity });
      }
    }
  }
}

function readShipmentNumber(org: ZohoOrg, body: Body, existing?: ZohoShipmentOrder): string {
  const kind = { records: org.shipments.values(), numberOf: (s: ZohoShipmentOrder) => s.shipment_number, prefix: 'SH-', label: 'Shipment' };
  return documentNumber(org, kind, optString(body, 'shipment_number') || undefined, existing);
}

/**
 * Ships packages of one sales order. `package_ids` is a comma-separated list (shipmentorders.yml
 * types it as objects); `shipment_number` is numbered by Zoho when absent.
 */
export function createShipmentOrder(org: ZohoOrg, salesorderId: string | undefined, packageIds: string | undefined, body: Body): ZohoShipmentOrder {
  if (!salesorderId) throw requiredField('salesorder_id');
  if (!packageIds) throw requiredField('package_ids');
  const so = org.get(org.salesOrders, salesorderId, 'Sales Order');
  const ids = [...new Set(packageIds.split(',').map((s) => s.trim()).filter(Boolean))];
  for (const id of ids) {
    const pkg = org.packages.get(id);
    if (!pkg || pkg.salesorder_id !== so.salesorder_id) throw invalidValue('package_ids');
    if (pkg.status !== 'not_shipped') throw invalidState(`Package ${pkg.package_number} has already been shipped.`);
  }
  const date = requireDate(body, 'date');
  const delivery_method = requireString(body, 'delivery_method');
  const tracking_number = requireString(body, 'tracking_number');
  const now = org.now();
  const shipment: ZohoShipmentOrder = {
    shipment_id: org.newId(),
    shipment_number: readShipmentNumber(org, body),
    salesorder_id: so.salesorder_id,
    package_ids: ids,
    date,
    status: 'shipped',
    delivery_method,
    tracking_number,
    shipping_charge: optNumber(body, 'shipping_charge', 0),
    reference_number: optString(body, 'reference_number'),
    notes: optString(body, 'notes'),
    delivered_date: '',
    created_time: now,
    last_modified_time: now,
  };
  org.shipments.set(shipment.shipment_id, shipment);
  applyShipment(org, so, shipment, 1);
  return shipment;
}

function emitWithPackages(org: ZohoOrg, shipment: ZohoShipmentOrder, event: 'create' | 'update' | 'delete', json = serializeShipmentOrder(org, shipment)) {
  org.emit('shipmentorder', event, json);
  for (const id of shipment.package_ids) {
    const pkg = org.packages.get(id);
    if (pkg) org.emit('package', 'update', serializePackage(org, pkg));
  }
}

/** /shipmentorders: created and read as `shipment_order`, updated as `shipmentorder` (as the file documents). */
export function shipmentOrdersRoutes(): Router {
  const router = Router();

  router.post('/shipmentorders', (req, res) => {
    const org = orgOf(res);
    const shipment = createShipmentOrder(org, query(req, 'salesorder_id'), query(req, 'package_ids'), readBody(req));
    const json = serializeShipmentOrder(org, shipment);
    emitWithPackages(org, shipment, 'create', json);
    ok(res, 201, 'Shipment created successfully.', { shipment_order: json });
  });

  router.get('/shipmentorders/:shipment_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { shipment_order: serializeShipmentOrder(org, org.get(org.shipments, req.params.shipment_id, 'Shipment')) });
  });

  router.put('/shipmentorders/:shipment_id', (req, res) => {
    const org = orgOf(res);
    const shipment = org.get(org.shipments, req.params.shipment_id, 'Shipment');
    const body = readBody(req);
    const number = readShipmentNumber(org, body, shipment);
    const delivery_method = body.delivery_method === undefined ? shipment.delivery_method : requireString(body, 'delivery_method');
    // Everything is read (and may be refused) before anything changes.
    Object.assign(shipment, {
      shipment_number: number,
      delivery_method,
      date: optDate(body, 'date', shipment.date),
      tracking_number: optString(body, 'tracking_number', shipment.tracking_number),
      shipping_charge: optNumber(body, 'shipping_charge', shipment.shipping_charge),
      reference_number: optString(body, 'reference_number', shipment.reference_number),
      notes: optString(body, 'notes', shipment.notes),
      last_modified_time: org.now(),
    } satisfies Partial<ZohoShipmentOrder>);
    const json = serializeShipmentOrder(org, shipment);
    org.emit('shipmentorder', 'update', json);
    ok(res, 200, 'Shipment updated successfully.', { shipmentorder: json });
  });

  router.delete('/shipmentorders/:shipment_id', (req, res) => {
    const org = orgOf(res);
    const shipment = org.get(org.shipments, req.params.shipment_id, 'Shipment');
    const json = serializeShipmentOrder(org, shipment);
    const so = org.salesOrders.get(shipment.salesorder_id);
    if (so) applyShipment(org, so, shipment, -1);
    org.shipments.delete(shipment.shipment_id);
    emitWithPackages(org, shipment, 'delete', json);
    ok(res, 200, 'Shipment deleted successfully.');
  });

  router.post('/shipmentorders/:shipment_id/status/delivered', (req, res) => {
    const org = orgOf(res);
    const shipment = org.get(org.shipments, req.params.shipment_id, 'Shipment');
    if (shipment.status !== 'delivered') {
      shipment.status = 'delivered';
      shipment.delivered_date = org.today();
      shipment.last_modified_time = org.now();
      for (const id of shipment.package_ids) {
        const pkg = org.packages.get(id);
        if (!pkg) continue;
        pkg.status = 'delivered';
        pkg.last_modified_time = shipment.last_modified_time;
      }
    }
    emitWithPackages(org, shipment, 'update');
    ok(res, 200, 'Shipment marked as delivered.');
  });

  return router;
}
