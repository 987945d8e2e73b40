import { Router } from 'express';
import { invalidState, invalidValue, requiredField } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { PackageLine, ZohoPackage, ZohoSalesOrder } from '../records.js';
import { customerSummary } from './lines.js';
import {
  documentNumber,
  ok,
  optArray,
  optDate,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireArray,
  requireDate,
  requireNumber,
  requireString,
  type Body,
} from './support.js';

export function serializePackage(org: ZohoOrg, pkg: ZohoPackage) {
  const so = org.salesOrders.get(pkg.salesorder_id);
  const shipment = pkg.shipment_id ? org.shipments.get(pkg.shipment_id) : undefined;
  return {
    package_id: pkg.package_id,
    package_number: pkg.package_number,
    salesorder_id: pkg.salesorder_id,
    salesorder_number: so?.salesorder_number ?? '',
    date: pkg.date,
    status: pkg.status,
    detailed_status: pkg.status,
    shipment_id: shipment?.shipment_id ?? '',
    shipment_number: shipment?.shipment_number ?? '',
    shipment_date: shipment?.date ?? '',
    shipment_status: shipment?.status ?? '',
    delivery_method: shipment?.delivery_method ?? '',
    tracking_number: shipment?.tracking_number ?? '',
    // Where packages.yml documents a package's shipment (the list documents none of it).
    ...(shipment
      ? {
          shipment_order: {
            shipment_id: shipment.shipment_id,
            shipment_number: shipment.shipment_number,
            status: shipment.status,
            tracking_number: shipment.tracking_number,
            delivery_method: shipment.delivery_method,
            carrier: shipment.delivery_method,
            shipping_date: shipment.date,
          },
        }
      : {}),
    ...customerSummary(org, so?.customer_id ?? ''),
    is_emailed: false,
    notes: pkg.notes,
    billing_address: so?.billing_address ?? {},
    shipping_address: so?.shipping_address ?? {},
    contact_persons: [],
    line_items: pkg.line_items.map((l) => {
      const soLine = so?.line_items.find((s) => s.line_item_id === l.so_line_item_id);
      return {
        line_item_id: l.line_item_id,
        so_line_item_id: l.so_line_item_id,
        item_id: l.item_id,
        name: soLine?.name ?? '',
        description: soLine?.description ?? '',
        sku: soLine?.sku ?? '',
        unit: soLine?.unit ?? '',
        quantity: l.quantity,
        is_invoiced: soLine ? soLine.quantity_invoiced >= soLine.quantity : false,
        item_order: 0,
        is_combo_product: false,
        item_custom_fields: [],
      };
    }),
    // A number, as Zoho sends it (packages.yml types it as a string).
    total_quantity: pkg.line_items.reduce((s, l) => s + l.quantity, 0),
    custom_fields: pkg.custom_fields,
    created_time: pkg.created_time,
    last_modified_time: pkg.last_modified_time,
  };
}

/** Package lines for a sales order: each an order line with quantity left to pack. */
function readPackageLines(org: ZohoOrg, so: ZohoSalesOrder, body: Body, replacing?: ZohoPackage): PackageLine[] {
  const packing = new Map<string, number>();
  return requireArray(body, 'line_items').map((line) => {
    const soLineId = requireString(line, 'so_line_item_id', 'line_items.so_line_item_id');
    const soLine = so.line_items.find((l) => l.line_item_id === soLineId);
    if (!soLine) throw invalidValue('line_items.so_line_item_id');
    const item = org.items.get(soLine.item_id);
    if (!item || item.product_type !== 'goods') throw invalidState(`"${soLine.name}" is not a goods item and cannot be packed.`);
    const quantity = requireNumber(line, 'quantity', 'line_items.quantity');
    if (!(quantity > 0)) throw invalidValue('line_items.quantity');
    const mine = replacing?.line_items.filter((l) => l.so_line_item_id === soLineId).reduce((s, l) => s + l.quantity, 0) ?? 0;
    const total = (packing.get(soLineId) ?? 0) + quantity;
    packing.set(soLineId, total);
    if (total > soLine.quantity - soLine.quantity_packed + mine) throw invalidState(`The quantity packed for "${soLine.name}" exceeds the quantity ordered.`);
    return { line_item_id: optString(line, 'line_item_id') || org.newId(), so_line_item_id: soLineId, item_id: soLine.item_id, quantity };
  });
}

function applyPacking(so: ZohoSalesOrder, pkg: ZohoPackage, sign: 1 | -1) {
  for (const l of pkg.line_items) {
    const soLine = so.line_items.find((s) => s.line_item_id === l.so_line_item_id);
    if (soLine) soLine.quantity_packed += sign * l.quantity;
  }
}

function readPackageNumber(org: ZohoOrg, body: Body, existing?: ZohoPackage): string {
  const kind = { records: org.packages.values(), numberOf: (p: ZohoPackage) => p.package_number, prefix: 'PKG-', label: 'Package' };
  return documentNumber(org, kind, optString(body, 'package_number') || undefined, existing);
}

/** Packs lines of a confirmed sales order (Zoho packs confirmed orders only). */
export function createPackage(org: ZohoOrg, salesorderId: string | undefined, body: Body): ZohoPackage {
  if (!salesorderId) throw requiredField('salesorder_id');
  const so = org.get(org.salesOrders, salesorderId, 'Sales Order');
  if (so.status !== 'confirmed') throw invalidState(`Packages can be created only for confirmed sales orders (this one is ${so.status}).`);
  const date = requireDate(body, 'date');
  const line_items = readPackageLines(org, so, body);
  const now = org.now();
  const pkg: ZohoPackage = {
    package_id: org.newId(),
    package_number: readPackageNumber(org, body),
    salesorder_id: so.salesorder_id,
    date,
    notes: optString(body, 'notes'),
    status: 'not_shipped',
    shipment_id: '',
    line_items,
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoPackage['custom_fields'],
    created_time: now,
    last_modified_time: now,
  };
  org.packages.set(pkg.package_id, pkg);
  applyPacking(so, pkg, 1);
  return pkg;
}

const LIST_KEYS = [
  'package_id',
  'package_number',
  'salesorder_id',
  'salesorder_number',
  'date',
  'status',
  'shipment_id',
  'shipment_number',
  'shipment_date',
  'delivery_method',
  'tracking_number',
  'customer_id',
  'customer_name',
  'email',
  'phone',
  'mobile',
  'notes',
  'is_emailed',
  'total_quantity',
  'custom_fields',
  'created_time',
  'last_modified_time',
] as const;

/** /packages: created with ?salesorder_id=; the list is keyed `packages`, one package `package` (an object). */
export function packagesRoutes(): Router {
  const router = Router();

  router.get('/packages', (req, res) => {
    const org = orgOf(res);
    const filters: ((p: ZohoPackage) => boolean)[] = [];
    const soId = query(req, 'salesorder_id');
    if (soId) filters.push((p) => p.salesorder_id === soId);
    const customerId = query(req, 'customer_id');
    if (customerId) filters.push((p) => org.salesOrders.get(p.salesorder_id)?.customer_id === customerId);
    const status = query(req, 'status') ?? query(req, 'filter_by')?.replace(/^Status\./i, '').toLowerCase();
    if (status && status !== 'all') filters.push((p) => p.status === status);
    const dateStart = query(req, 'date_start');
    if (dateStart) filters.push((p) => p.date >= dateStart);
    const dateEnd = query(req, 'date_end');
    if (dateEnd) filters.push((p) => p.date <= dateEnd);
    // Shipment dates belong to shipped packages only.
    const shippedFrom = query(req, 'shipment_date_start');
    if (shippedFrom) filters.push((p) => !!p.shipment_id && (org.shipments.get(p.shipment_id)?.date ?? '') >= shippedFrom);
    const shippedTo = query(req, 'shipment_date_end');
    if (shippedTo) filters.push((p) => !!p.shipment_id && (org.shipments.get(p.shipment_id)?.date ?? '') <= shippedTo);
    const rows = [...org.packages.values()].filter((p) => filters.every((f) => f(p)));
    const { page, page_context } = paginate(req, rows, {
      reportName: 'Packages',
      sortable: { created_time: (p) => p.created_time, date: (p) => p.date, package_number: (p) => p.package_number },
    });
    const packages = page.map((p) => {
      const json = serializePackage(org, p) as Record<string, unknown>;
      return Object.fromEntries(LIST_KEYS.map((k) => [k, json[k]]));
    });
    ok(res, 200, 'success', { packages, page_context });
  });

  router.post('/packages', (req, res) => {
    const org = orgOf(res);
    const pkg = createPackage(org, query(req, 'salesorder_id'), readBody(req));
    const json = serializePackage(org, pkg);
    org.emit('package', 'create', json);
    ok(res, 201, 'Package created successfully.', { package: json });
  });

  router.get('/packages/:package_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { package: serializePackage(org, org.get(org.packages, req.params.package_id, 'Package')) });
  });

  router.put('/packages/:package_id', (req, res) => {
    const org = orgOf(res);
    const pkg = org.get(org.packages, req.params.package_id, 'Package');
    if (pkg.status !== 'not_shipped') throw invalidState('A shipped package cannot be edited.');
    const so = org.get(org.salesOrders, pkg.salesorder_id, 'Sales Order');
    const body = readBody(req);
    const number = readPackageNumber(org, body, pkg);
    const lines = body.line_items === undefined ? undefined : readPackageLines(org, so, body, pkg);
    const date = optDate(body, 'date', pkg.date);
    const notes = optString(body, 'notes', pkg.notes);
    pkg.package_number = number;
    pkg.date = date;
    pkg.notes = notes;
    if (lines) {
      applyPacking(so, pkg, -1);
      pkg.line_items = lines;
      applyPacking(so, pkg, 1);
    }
    pkg.last_modified_time = org.now();
    const json = serializePackage(org, pkg);
    org.emit('package', 'update', json);
    ok(res, 200, 'Package updated successfully.', { package: json });
  });

  router.delete('/packages/:package_id', (req, res) => {
    const org = orgOf(res);
    const pkg = org.get(org.packages, req.params.package_id, 'Package');
    if (pkg.status !== 'not_shipped') throw invalidState('The package has been shipped: delete its shipment first.');
    const json = serializePackage(org, pkg);
    const so = org.salesOrders.get(pkg.salesorder_id);
    if (so) applyPacking(so, pkg, -1);
    org.packages.delete(pkg.package_id);
    org.emit('package', 'delete', json);
    ok(res, 200, 'Package deleted successfully.');
  });

  return router;
}
