import { Router } from 'express';
import { invalidState, invalidValue } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { SalesOrderLine, ZohoSalesOrder } from '../records.js';
import { tracksStock } from '../stock.js';
import { invoiceAmounts } from './invoices.js';
import { readAddress } from './contacts.js';
import { currencyView, customerSummary, readCustomer, readExchangeRate, readLines, readLocation, readTotals, serializeLine, totals } from './lines.js';
import {
  documentNumber,
  modifiedSince,
  ok,
  optArray,
  optDate,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireString,
  textFilter,
  type Body,
} from './support.js';

/** Adds (+1) or releases (−1) what a confirmed order commits: its unshipped / uninvoiced quantities. */
function commit(org: ZohoOrg, so: ZohoSalesOrder, sign: 1 | -1): void {
  for (const line of so.line_items) {
    const item = org.items.get(line.item_id);
    if (!item || !tracksStock(item)) continue;
    org.stock.change(line.item_id, line.location_id, {
      committedPhysical: sign * (line.quantity - line.quantity_shipped),
      committedAccounting: sign * (line.quantity - line.quantity_invoiced),
    });
  }
}

/** draft → confirmed: the ordered quantities become committed stock. */
export function confirmSalesOrder(org: ZohoOrg, so: ZohoSalesOrder): void {
  if (so.status === 'void') throw invalidState('A void sales order cannot be confirmed.');
  if (so.status === 'confirmed') return;
  so.status = 'confirmed';
  commit(org, so, 1);
  so.last_modified_time = org.now();
}

/** The sales order line an invoice or package line refers to, anywhere in the organization. */
export function findSalesOrderLine(org: ZohoOrg, lineItemId: string): { so: ZohoSalesOrder; line: SalesOrderLine } | undefined {
  const so = org.salesOrders.get(org.salesOrderLineIndex.get(lineItemId) ?? '');
  const line = so?.line_items.find((l) => l.line_item_id === lineItemId);
  return so && line ? { so, line } : undefined;
}

function indexLines(org: ZohoOrg, so: ZohoSalesOrder): void {
  for (const line of so.line_items) org.salesOrderLineIndex.set(line.line_item_id, so.salesorder_id);
}

const sum = (lines: SalesOrderLine[], f: (l: SalesOrderLine) => number) => lines.reduce((s, l) => s + f(l), 0);

/** invoiced / shipped / paid progress of an order (Zoho's sub-statuses). */
function progress(org: ZohoOrg, so: ZohoSalesOrder) {
  const ordered = sum(so.line_items, (l) => l.quantity);
  const invoiced = sum(so.line_items, (l) => l.quantity_invoiced);
  const shipped = sum(so.line_items, (l) => l.quantity_shipped);
  const packed = sum(so.line_items, (l) => l.quantity_packed);
  // Only goods travel: services (e.g. SHIPPING) and free-text lines are never packed or shipped.
  const goods = so.line_items.filter((l) => org.items.get(l.item_id)?.product_type === 'goods');
  const toShip = sum(goods, (l) => l.quantity);
  const invoices = [...org.invoices.values()].filter((i) => i.salesorder_id === so.salesorder_id && i.status !== 'void');
  const shipments = [...org.shipments.values()].filter((s) => s.salesorder_id === so.salesorder_id);
  const amounts = invoices.map((i) => invoiceAmounts(org, i));
  const invoiced_status = invoiced === 0 ? 'not_invoiced' : invoiced >= ordered ? 'invoiced' : 'partially_invoiced';
  const paid =
    amounts.length > 0 && amounts.every((a) => a.balance <= 0) && invoiced >= ordered
      ? 'paid'
      : amounts.some((a) => a.payment_made > 0)
        ? 'partially_paid'
        : 'unpaid';
  const allDelivered = shipments.length > 0 && shipments.every((s) => s.status === 'delivered');
  const shipped_status = shipped === 0 ? (toShip === 0 ? 'fulfilled' : 'pending') : shipped < toShip ? 'partially_shipped' : allDelivered ? 'fulfilled' : 'shipped';
  const closed = so.status === 'confirmed' && invoiced >= ordered && shipped >= toShip;
  return { ordered, invoiced, shipped, packed, invoiced_status, paid_status: paid, shipped_status, order_status: closed ? 'closed' : so.status, invoices, amounts };
}

export function serializeSalesOrder(org: ZohoOrg, so: ZohoSalesOrder) {
  const p = progress(org, so);
  const packages = [...org.packages.values()].filter((k) => k.salesorder_id === so.salesorder_id);
  return {
    salesorder_id: so.salesorder_id,
    salesorder_number: so.salesorder_number,
    date: so.date,
    shipment_date: so.shipment_date,
    reference_number: so.reference_number,
    status: so.status,
    order_status: p.order_status,
    invoiced_status: p.invoiced_status,
    paid_status: p.paid_status,
    shipped_status: p.shipped_status,
    shipment_status: p.shipped_status,
    ...customerSummary(org, so.customer_id),
    contact_persons_associated: [],
    ...currencyView(org, so.customer_id, so.exchange_rate),
    discount: typeof so.discount === 'number' ? so.discount : Number(so.discount.replace('%', '')),
    is_discount_before_tax: so.is_discount_before_tax,
    discount_type: so.discount_type,
    delivery_method: so.delivery_method,
    is_inclusive_tax: false,
    line_items: so.line_items.map((l) => ({
      ...serializeLine(org, l),
      quantity_invoiced: l.quantity_invoiced,
      quantity_packed: l.quantity_packed,
      quantity_shipped: l.quantity_shipped,
      is_invoiced: l.quantity_invoiced >= l.quantity,
    })),
    location_id: so.location_id,
    location_name: org.locations.get(so.location_id)?.location_name ?? '',
    shipping_charge: so.shipping_charge,
    adjustment: so.adjustment,
    adjustment_description: so.adjustment_description,
    pricebook_id: so.pricebook_id,
    ...totals(so),
    taxes: [],
    price_precision: 2,
    quantity: p.ordered,
    quantity_invoiced: p.invoiced,
    quantity_packed: p.packed,
    quantity_shipped: p.shipped,
    packages: packages.map((k) => {
      const shipment = k.shipment_id ? org.shipments.get(k.shipment_id) : undefined;
      return {
        package_id: k.package_id,
        package_number: k.package_number,
        date: k.date,
        status: k.status,
        detailed_status: k.status,
        status_message: '',
        shipment_id: shipment?.shipment_id ?? '',
        shipment_number: shipment?.shipment_number ?? '',
        shipment_status: shipment?.status ?? '',
        carrier: shipment?.delivery_method ?? '',
        service: '',
        tracking_number: shipment?.tracking_number ?? '',
        shipment_date: shipment?.date ?? '',
        delivery_days: '',
        delivery_guarantee: false,
      };
    }),
    invoices: p.invoices.map((i, n) => ({
      invoice_id: i.invoice_id,
      invoice_number: i.invoice_number,
      status: p.amounts[n]!.status,
      date: i.date,
      due_date: i.due_date,
      total: p.amounts[n]!.total,
      balance: p.amounts[n]!.balance,
    })),
    purchaseorders: [],
    billing_address: so.billing_address,
    shipping_address: so.shipping_address,
    notes: so.notes,
    terms: so.terms,
    custom_fields: so.custom_fields,
    is_emailed: false,
    created_time: so.created_time,
    last_modified_time: so.last_modified_time,
  };
}

const LIST_KEYS = [
  'salesorder_id',
  'customer_name',
  'customer_id',
  'status',
  'order_status',
  'invoiced_status',
  'paid_status',
  'shipped_status',
  'shipment_status',
  'salesorder_number',
  'reference_number',
  'date',
  'shipment_date',
  'quantity',
  'quantity_invoiced',
  'quantity_packed',
  'quantity_shipped',
  'currency_code',
  'total',
  'created_time',
  'last_modified_time',
  'is_emailed',
  'custom_fields',
] as const;

function readNumber(org: ZohoOrg, body: Body, manual: boolean, existing?: ZohoSalesOrder): string {
  // With auto numbering (the default) Zoho numbers the order itself: salesorder_number is
  // only read with ignore_auto_number_generation=true (salesorders.yml wrongly marks it required).
  const kind = { records: org.salesOrders.values(), numberOf: (s: ZohoSalesOrder) => s.salesorder_number, prefix: 'SO-', label: 'Sales order' };
  return documentNumber(org, kind, manual ? requireString(body, 'salesorder_number') : undefined, existing);
}

function readSalesOrderLines(org: ZohoOrg, body: Body, locationId: string, existing?: ZohoSalesOrder): SalesOrderLine[] {
  const ids = new Set(existing?.line_items.map((l) => l.line_item_id));
  return readLines(org, body, locationId, undefined, ids).map(({ source: _source, ...line }) => ({ ...line, quantity_invoiced: 0, quantity_packed: 0, quantity_shipped: 0 }));
}

export function createSalesOrder(org: ZohoOrg, body: Body, manualNumber = false): ZohoSalesOrder {
  const customer = readCustomer(org, requireString(body, 'customer_id'));
  const location_id = readLocation(org, body, 'location_id', org.primaryLocation().location_id);
  const line_items = readSalesOrderLines(org, body, location_id);
  const pricebook_id = optString(body, 'pricebook_id');
  if (pricebook_id && !org.pricebooks.has(pricebook_id)) throw invalidValue('pricebook_id');
  const now = org.now();
  const so: ZohoSalesOrder = {
    salesorder_id: org.newId(),
    salesorder_number: readNumber(org, body, manualNumber),
    date: optDate(body, 'date', org.today()),
    shipment_date: optDate(body, 'shipment_date', ''),
    reference_number: optString(body, 'reference_number'),
    customer_id: customer.contact_id,
    exchange_rate: readExchangeRate(org, body, customer.contact_id),
    status: 'draft',
    location_id,
    delivery_method: optString(body, 'delivery_method'),
    pricebook_id,
    notes: optString(body, 'notes'),
    terms: optString(body, 'terms'),
    billing_address: readAddress(body, 'billing_address', customer.billing_address),
    shipping_address: readAddress(body, 'shipping_address', customer.shipping_address),
    line_items,
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoSalesOrder['custom_fields'],
    ...readTotals(body),
    created_time: now,
    last_modified_time: now,
  };
  org.salesOrders.set(so.salesorder_id, so);
  indexLines(org, so);
  return so;
}

/**
 * New lines of an edited order: a line sent with its line_item_id keeps what was already
 * invoiced, packed and shipped of it (and may not drop below that); a line left out must
 * have none of those; lines without an id are new.
 */
function mergeLines(so: ZohoSalesOrder, incoming: SalesOrderLine[]): SalesOrderLine[] {
  const merged = incoming.map((line) => {
    const before = so.line_items.find((l) => l.line_item_id === line.line_item_id);
    if (!before) return line;
    if (before.item_id !== line.item_id) throw invalidValue('line_items.item_id');
    const done = Math.max(before.quantity_invoiced, before.quantity_packed);
    if (line.quantity < done) throw invalidState(`The quantity of "${line.name}" cannot be less than what was invoiced or packed (${done}).`);
    return { ...line, quantity_invoiced: before.quantity_invoiced, quantity_packed: before.quantity_packed, quantity_shipped: before.quantity_shipped };
  });
  for (const before of so.line_items) {
    const kept = merged.some((l) => l.line_item_id === before.line_item_id);
    if (!kept && (before.quantity_invoiced > 0 || before.quantity_packed > 0)) {
      throw invalidState(`"${before.name}" has been invoiced or packed and cannot be removed.`);
    }
  }
  return merged;
}

const hasChildren = (org: ZohoOrg, so: ZohoSalesOrder) =>
  [...org.invoices.values()].some((i) => i.salesorder_id === so.salesorder_id && i.status !== 'void') ||
  [...org.packages.values()].some((k) => k.salesorder_id === so.salesorder_id);

const SO_SORT = {
  created_time: (s: ZohoSalesOrder) => s.created_time,
  last_modified_time: (s: ZohoSalesOrder) => s.last_modified_time,
  date: (s: ZohoSalesOrder) => s.date,
  salesorder_number: (s: ZohoSalesOrder) => s.salesorder_number,
  reference_number: (s: ZohoSalesOrder) => s.reference_number,
};

/**
 * /salesorders. A created or updated order comes back keyed `sales_order`, a retrieved one
 * `salesorder` (as salesorders.yml documents both).
 */
export function salesOrdersRoutes(): Router {
  const router = Router();

  router.get('/salesorders', (req, res) => {
    const org = orgOf(res);
    const filters: ((s: ZohoSalesOrder) => boolean)[] = [];
    const reference = textFilter(req, 'reference_number');
    if (reference) filters.push((s) => reference(s.reference_number));
    const number = textFilter(req, 'salesorder_number');
    if (number) filters.push((s) => number(s.salesorder_number));
    const customerId = query(req, 'customer_id');
    if (customerId) filters.push((s) => s.customer_id === customerId);
    const since = modifiedSince(req);
    if (since) filters.push(since);
    const filterBy = query(req, 'filter_by') ?? 'Status.All';
    const wanted = filterBy.replace(/^Status\./i, '').toLowerCase();
    if (wanted !== 'all') {
      if (!['draft', 'confirmed', 'void', 'closed'].includes(wanted)) throw invalidValue('filter_by');
      filters.push((s) => (wanted === 'closed' ? progress(org, s).order_status === 'closed' : s.status === wanted));
    }
    const rows = [...org.salesOrders.values()].filter((s) => filters.every((f) => f(s)));
    const { page, page_context } = paginate(req, rows, { reportName: 'Sales Orders', appliedFilter: filterBy, sortable: SO_SORT });
    const salesorders = page.map((s) => {
      const json = serializeSalesOrder(org, s) as Record<string, unknown>;
      return Object.fromEntries(LIST_KEYS.map((k) => [k, json[k]]));
    });
    ok(res, 200, 'success', { salesorders, page_context });
  });

  router.post('/salesorders', (req, res) => {
    const org = orgOf(res);
    const so = createSalesOrder(org, readBody(req), query(req, 'ignore_auto_number_generation') === 'true');
    const json = serializeSalesOrder(org, so);
    org.emit('salesorder', 'create', json);
    ok(res, 201, 'Sales Order has been created.', { sales_order: json });
  });

  router.get('/salesorders/:salesorder_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { salesorder: serializeSalesOrder(org, org.get(org.salesOrders, req.params.salesorder_id, 'Sales Order')) });
  });

  router.put('/salesorders/:salesorder_id', (req, res) => {
    const org = orgOf(res);
    const so = org.get(org.salesOrders, req.params.salesorder_id, 'Sales Order');
    if (so.status === 'void') throw invalidState('A void sales order cannot be edited.');
    const body = readBody(req);
    const number = readNumber(org, body, query(req, 'ignore_auto_number_generation') === 'true', so);
    // PUT replaces the order: customer_id and line_items are required (salesorders.yml).
    const customer = readCustomer(org, requireString(body, 'customer_id'));
    const location_id = readLocation(org, body, 'location_id', so.location_id);
    const lines = mergeLines(so, readSalesOrderLines(org, body, location_id, so));
    if (customer.contact_id !== so.customer_id && hasChildren(org, so)) throw invalidState('The customer of an invoiced or packed sales order cannot be changed.');
    // Everything is read (and may be refused) before anything changes.
    const changes: Partial<ZohoSalesOrder> = {
      salesorder_number: number,
      customer_id: customer.contact_id,
      location_id,
      line_items: lines,
      reference_number: optString(body, 'reference_number', so.reference_number),
      date: optDate(body, 'date', so.date),
      shipment_date: optDate(body, 'shipment_date', so.shipment_date),
      delivery_method: optString(body, 'delivery_method', so.delivery_method),
      notes: optString(body, 'notes', so.notes),
      terms: optString(body, 'terms', so.terms),
      billing_address: readAddress(body, 'billing_address', so.billing_address),
      shipping_address: readAddress(body, 'shipping_address', so.shipping_address),
      ...readTotals(body, so),
    };
    // Re-commit around the change so that a confirmed order's commitments follow its lines.
    if (so.status === 'confirmed') commit(org, so, -1);
    Object.assign(so, changes);
    indexLines(org, so);
    if (so.status === 'confirmed') commit(org, so, 1);
    so.last_modified_time = org.now();
    const json = serializeSalesOrder(org, so);
    org.emit('salesorder', 'update', json);
    ok(res, 200, 'Sales Order has been updated.', { sales_order: json });
  });

  router.delete('/salesorders/:salesorder_id', (req, res) => {
    const org = orgOf(res);
    const so = org.get(org.salesOrders, req.params.salesorder_id, 'Sales Order');
    if (hasChildren(org, so)) throw invalidState('The sales order has invoices or packages and cannot be deleted.');
    if (so.status === 'confirmed') commit(org, so, -1);
    org.salesOrders.delete(so.salesorder_id);
    org.emit('salesorder', 'delete', serializeSalesOrder(org, so));
    ok(res, 200, 'Sales Order has been deleted.');
  });

  router.post('/salesorders/:salesorder_id/status/confirmed', (req, res) => {
    const org = orgOf(res);
    const so = org.get(org.salesOrders, req.params.salesorder_id, 'Sales Order');
    confirmSalesOrder(org, so);
    org.emit('salesorder', 'update', serializeSalesOrder(org, so));
    ok(res, 200, 'Sales Order has been marked as confirmed.');
  });

  router.post('/salesorders/:salesorder_id/status/void', (req, res) => {
    const org = orgOf(res);
    const so = org.get(org.salesOrders, req.params.salesorder_id, 'Sales Order');
    if (hasChildren(org, so)) throw invalidState('The sales order has invoices or packages and cannot be voided.');
    if (so.status === 'confirmed') commit(org, so, -1);
    so.status = 'void';
    so.last_modified_time = org.now();
    org.emit('salesorder', 'update', serializeSalesOrder(org, so));
    ok(res, 200, 'Sales Order has been marked as void.');
  });

  return router;
}
