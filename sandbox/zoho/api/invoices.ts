import { Router } from 'express';
import { invalidState, invalidValue } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { InvoiceLine, ZohoInvoice } from '../records.js';
import { tracksStock } from '../stock.js';
import { paymentTermsLabel, readAddress } from './contacts.js';
import { addDays, currencyView, customerSummary, readCustomer, readExchangeRate, readLines, readLocation, readTotals, serializeLine, totals } from './lines.js';
import { confirmSalesOrder, findSalesOrderLine } from './salesorders.js';
import {
  documentNumber,
  modifiedSince,
  ok,
  optArray,
  optDate,
  optNumber,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireString,
  round2,
  textFilter,
  type Body,
} from './support.js';

/** Payments applied, balance and the status that follows from them and the due date. */
export function invoiceAmounts(org: ZohoOrg, invoice: ZohoInvoice) {
  const { total, sub_total, discount_amount } = totals(invoice);
  let payment_made = 0;
  let last_payment_date = '';
  for (const payment of org.payments.values()) {
    for (const applied of payment.invoices) {
      if (applied.invoice_id !== invoice.invoice_id) continue;
      payment_made += applied.amount_applied;
      if (payment.date > last_payment_date) last_payment_date = payment.date;
    }
  }
  payment_made = round2(payment_made);
  const balance = invoice.status === 'void' ? 0 : round2(total - payment_made);
  let status: string = invoice.status;
  if (invoice.status === 'sent') {
    if (balance <= 0) status = 'paid';
    else if (payment_made > 0) status = 'partially_paid';
    else if (invoice.due_date < org.today()) status = 'overdue';
  }
  return { total, sub_total, discount_amount, payment_made, balance, status, last_payment_date };
}

export function serializeInvoice(org: ZohoOrg, invoice: ZohoInvoice) {
  const a = invoiceAmounts(org, invoice);
  const so = invoice.salesorder_id ? org.salesOrders.get(invoice.salesorder_id) : undefined;
  return {
    invoice_id: invoice.invoice_id,
    invoice_number: invoice.invoice_number,
    date: invoice.date,
    due_date: invoice.due_date,
    status: a.status,
    payment_terms: invoice.payment_terms,
    payment_terms_label: invoice.payment_terms_label,
    reference_number: invoice.reference_number,
    salesorder_id: invoice.salesorder_id,
    salesorder_number: so?.salesorder_number ?? '',
    ...customerSummary(org, invoice.customer_id),
    contact_persons_associated: [],
    ...(({ currency_symbol: _symbol, ...fields }) => fields)(currencyView(org, invoice.customer_id, invoice.exchange_rate)),
    discount: typeof invoice.discount === 'number' ? invoice.discount : Number(invoice.discount.replace('%', '')),
    discount_amount: a.discount_amount,
    is_discount_before_tax: invoice.is_discount_before_tax,
    discount_type: invoice.discount_type,
    is_inclusive_tax: false,
    line_items: invoice.line_items.map((l) => ({ ...serializeLine(org, l), salesorder_item_id: l.salesorder_item_id ?? '' })),
    location_id: invoice.location_id,
    location_name: org.locations.get(invoice.location_id)?.location_name ?? '',
    // Numbers, as Zoho sends them (invoices.yml types these three as strings: see the README).
    shipping_charge: invoice.shipping_charge,
    adjustment: invoice.adjustment,
    adjustment_description: invoice.adjustment_description,
    sub_total: a.sub_total,
    tax_total: 0,
    total: a.total,
    balance: a.balance,
    payment_made: a.payment_made,
    credits_applied: 0,
    write_off_amount: 0,
    last_payment_date: a.last_payment_date,
    taxes: [],
    price_precision: 2,
    allow_partial_payments: true,
    is_emailed: false,
    reminders_sent: 0,
    billing_address: invoice.billing_address,
    shipping_address: invoice.shipping_address,
    notes: invoice.notes,
    terms: invoice.terms,
    custom_fields: invoice.custom_fields,
    created_time: invoice.created_time,
    last_modified_time: invoice.last_modified_time,
  };
}

const LIST_KEYS = [
  'invoice_id',
  'customer_name',
  'customer_id',
  'status',
  'invoice_number',
  'reference_number',
  'date',
  'due_date',
  'currency_id',
  'currency_code',
  'total',
  'balance',
  'created_time',
  'last_modified_time',
  'is_emailed',
  'reminders_sent',
  'last_payment_date',
  'custom_fields',
  'location_id',
  'location_name',
  'salesorder_id',
] as const;

/**
 * What an invoice does to stock and to the sales order it bills (+1 apply, −1 undo): accounting
 * stock goes down by the invoiced quantity; a billed order line's commitment turns into a sale.
 */
function applyInvoice(org: ZohoOrg, invoice: ZohoInvoice, sign: 1 | -1): void {
  for (const line of invoice.line_items) {
    const linked = line.salesorder_item_id ? findSalesOrderLine(org, line.salesorder_item_id) : undefined;
    if (linked) linked.line.quantity_invoiced += sign * line.quantity;
    const item = org.items.get(line.item_id);
    if (!item || !tracksStock(item)) continue;
    org.stock.change(line.item_id, line.location_id, { accounting: -sign * line.quantity });
    if (linked && linked.so.status === 'confirmed') {
      org.stock.change(line.item_id, linked.line.location_id, { committedAccounting: -sign * line.quantity });
    }
  }
}

/** Reads and checks line_items, following salesorder_item_id to the order line billed. */
function readInvoiceLines(org: ZohoOrg, body: Body, customerId: string, locationId: string, replacing?: ZohoInvoice): { lines: InvoiceLine[]; salesorderId: string } {
  let salesorderId = '';
  const billed = new Map<string, number>();
  // What this invoice already bills of an order line is freed when the invoice is being replaced.
  const already = (soLineId: string) => replacing?.line_items.filter((l) => l.salesorder_item_id === soLineId).reduce((s, l) => s + l.quantity, 0) ?? 0;
  const lines = readLines(org, body, locationId, (line) => {
    const soLineId = optString(line, 'salesorder_item_id');
    if (!soLineId) return {};
    const found = findSalesOrderLine(org, soLineId);
    if (!found) throw invalidValue('line_items.salesorder_item_id');
    if (found.so.customer_id !== customerId) throw invalidValue('line_items.salesorder_item_id');
    if (found.so.status === 'void') throw invalidState('The sales order is void and cannot be invoiced.');
    salesorderId ||= found.so.salesorder_id;
    const { item_id, name, description, rate, unit, discount, tax_id, location_id } = found.line;
    return { item_id, name, description, rate, unit, discount, tax_id, location_id, quantity: found.line.quantity - found.line.quantity_invoiced + already(soLineId) };
  }, new Set(replacing?.line_items.map((l) => l.line_item_id))).map(({ source, ...line }) => {
    const soLineId = optString(source, 'salesorder_item_id');
    if (!soLineId) return line as InvoiceLine;
    const { line: soLine } = findSalesOrderLine(org, soLineId)!;
    const total = (billed.get(soLineId) ?? 0) + line.quantity;
    billed.set(soLineId, total);
    if (total > soLine.quantity - soLine.quantity_invoiced + already(soLineId)) {
      throw invalidState(`The quantity invoiced for "${soLine.name}" exceeds the quantity ordered.`);
    }
    if (line.item_id !== soLine.item_id) throw invalidValue('line_items.item_id');
    return { ...line, salesorder_item_id: soLineId };
  });
  return { lines, salesorderId };
}

function readInvoiceNumber(org: ZohoOrg, body: Body, manual: boolean, existing?: ZohoInvoice): string {
  const kind = { records: org.invoices.values(), numberOf: (i: ZohoInvoice) => i.invoice_number, prefix: 'INV-', label: 'Invoice' };
  return documentNumber(org, kind, manual ? requireString(body, 'invoice_number') : undefined, existing);
}

export function createInvoice(org: ZohoOrg, body: Body, options: { manualNumber?: boolean; send?: boolean } = {}): ZohoInvoice {
  const customer = readCustomer(org, requireString(body, 'customer_id'));
  const location_id = readLocation(org, body, 'location_id', org.primaryLocation().location_id);
  const { lines, salesorderId } = readInvoiceLines(org, body, customer.contact_id, location_id);
  const date = optDate(body, 'date', org.today());
  const payment_terms = optNumber(body, 'payment_terms', customer.payment_terms);
  if (!Number.isInteger(payment_terms) || payment_terms < 0) throw invalidValue('payment_terms');
  const now = org.now();
  const invoice: ZohoInvoice = {
    invoice_id: org.newId(),
    invoice_number: readInvoiceNumber(org, body, options.manualNumber ?? false),
    date,
    due_date: optDate(body, 'due_date', addDays(date, payment_terms)),
    payment_terms,
    payment_terms_label: optString(body, 'payment_terms_label') || (payment_terms === customer.payment_terms ? customer.payment_terms_label : paymentTermsLabel(payment_terms)),
    status: options.send ? 'sent' : 'draft',
    reference_number: optString(body, 'reference_number'),
    customer_id: customer.contact_id,
    exchange_rate: readExchangeRate(org, body, customer.contact_id),
    salesorder_id: salesorderId,
    location_id,
    notes: optString(body, 'notes'),
    terms: optString(body, 'terms'),
    billing_address: readAddress(body, 'billing_address', customer.billing_address),
    shipping_address: readAddress(body, 'shipping_address', customer.shipping_address),
    line_items: lines,
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoInvoice['custom_fields'],
    ...readTotals(body),
    created_time: now,
    last_modified_time: now,
  };
  // Invoicing a draft order confirms it first (its quantities become committed, then sold).
  const so = salesorderId ? org.salesOrders.get(salesorderId) : undefined;
  if (so && so.status === 'draft') confirmSalesOrder(org, so);
  org.invoices.set(invoice.invoice_id, invoice);
  applyInvoice(org, invoice, 1);
  return invoice;
}

const hasPayments = (org: ZohoOrg, invoice: ZohoInvoice) => [...org.payments.values()].some((p) => p.invoices.some((a) => a.invoice_id === invoice.invoice_id));

function emitInvoice(org: ZohoOrg, invoice: ZohoInvoice, event: 'create' | 'update' | 'delete', json = serializeInvoice(org, invoice)) {
  org.emit('invoice', event, json);
}

const INVOICE_SORT = {
  created_time: (i: ZohoInvoice) => i.created_time,
  last_modified_time: (i: ZohoInvoice) => i.last_modified_time,
  date: (i: ZohoInvoice) => i.date,
  due_date: (i: ZohoInvoice) => i.due_date,
  invoice_number: (i: ZohoInvoice) => i.invoice_number,
};

/** /invoices with status changes sent / void / draft. */
export function invoicesRoutes(): Router {
  const router = Router();

  router.get('/invoices', (req, res) => {
    const org = orgOf(res);
    const filters: ((i: ZohoInvoice) => boolean)[] = [];
    for (const field of ['reference_number', 'invoice_number'] as const) {
      const f = textFilter(req, field);
      if (f) filters.push((i) => f(i[field]));
    }
    const customerId = query(req, 'customer_id');
    if (customerId) filters.push((i) => i.customer_id === customerId);
    const salesorderId = query(req, 'salesorder_id');
    if (salesorderId) filters.push((i) => i.salesorder_id === salesorderId);
    const since = modifiedSince(req);
    if (since) filters.push(since);
    const status = query(req, 'status') ?? query(req, 'filter_by')?.replace(/^Status\./i, '').toLowerCase();
    if (status && status !== 'all') filters.push((i) => invoiceAmounts(org, i).status === status);
    const rows = [...org.invoices.values()].filter((i) => filters.every((f) => f(i)));
    const { page, page_context } = paginate(req, rows, { reportName: 'Invoices', appliedFilter: status ? `Status.${status}` : 'Status.All', sortable: INVOICE_SORT });
    const invoices = page.map((i) => {
      const json = serializeInvoice(org, i) as Record<string, unknown>;
      return Object.fromEntries(LIST_KEYS.map((k) => [k, json[k]]));
    });
    ok(res, 200, 'success', { invoices, page_context });
  });

  router.post('/invoices', (req, res) => {
    const org = orgOf(res);
    const invoice = createInvoice(org, readBody(req), {
      manualNumber: query(req, 'ignore_auto_number_generation') === 'true',
      send: query(req, 'send') === 'true',
    });
    const json = serializeInvoice(org, invoice);
    emitInvoice(org, invoice, 'create', json);
    ok(res, 201, 'The invoice has been created.', { invoice: json });
  });

  router.get('/invoices/:invoice_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { invoice: serializeInvoice(org, org.get(org.invoices, req.params.invoice_id, 'Invoice')) });
  });

  router.put('/invoices/:invoice_id', (req, res) => {
    const org = orgOf(res);
    const invoice = org.get(org.invoices, req.params.invoice_id, 'Invoice');
    if (invoice.status === 'void') throw invalidState('A void invoice cannot be edited.');
    if (hasPayments(org, invoice)) throw invalidState('The invoice has payments and cannot be edited.');
    const body = readBody(req);
    const number = readInvoiceNumber(org, body, query(req, 'ignore_auto_number_generation') === 'true', invoice);
    // PUT replaces the invoice: customer_id and line_items are required (invoices.yml).
    const customerId = readCustomer(org, requireString(body, 'customer_id')).contact_id;
    const location_id = readLocation(org, body, 'location_id', invoice.location_id);
    const replaced = readInvoiceLines(org, body, customerId, location_id, invoice);
    // Everything is read (and may be refused) before anything changes.
    const date = optDate(body, 'date', invoice.date);
    const payment_terms = optNumber(body, 'payment_terms', invoice.payment_terms);
    if (!Number.isInteger(payment_terms) || payment_terms < 0) throw invalidValue('payment_terms');
    const termsChanged = body.payment_terms !== undefined;
    const changes: Partial<ZohoInvoice> = {
      line_items: replaced.lines,
      salesorder_id: replaced.salesorderId,
      invoice_number: number,
      customer_id: customerId,
      location_id,
      reference_number: optString(body, 'reference_number', invoice.reference_number),
      date,
      payment_terms,
      payment_terms_label: termsChanged ? paymentTermsLabel(payment_terms) : invoice.payment_terms_label,
      due_date: optDate(body, 'due_date', termsChanged ? addDays(date, payment_terms) : invoice.due_date),
      notes: optString(body, 'notes', invoice.notes),
      terms: optString(body, 'terms', invoice.terms),
      billing_address: readAddress(body, 'billing_address', invoice.billing_address),
      shipping_address: readAddress(body, 'shipping_address', invoice.shipping_address),
      ...readTotals(body, invoice),
    };
    applyInvoice(org, invoice, -1);
    Object.assign(invoice, changes);
    applyInvoice(org, invoice, 1);
    invoice.last_modified_time = org.now();
    const json = serializeInvoice(org, invoice);
    emitInvoice(org, invoice, 'update', json);
    ok(res, 200, 'Invoice information has been updated.', { invoice: json });
  });

  router.delete('/invoices/:invoice_id', (req, res) => {
    const org = orgOf(res);
    const invoice = org.get(org.invoices, req.params.invoice_id, 'Invoice');
    if (hasPayments(org, invoice)) throw invalidState('The invoice has payments and cannot be deleted.');
    const json = serializeInvoice(org, invoice);
    if (invoice.status !== 'void') applyInvoice(org, invoice, -1);
    org.invoices.delete(invoice.invoice_id);
    emitInvoice(org, invoice, 'delete', json);
    ok(res, 200, 'The invoice has been deleted.');
  });

  router.post('/invoices/:invoice_id/status/sent', (req, res) => {
    const org = orgOf(res);
    const invoice = org.get(org.invoices, req.params.invoice_id, 'Invoice');
    if (invoice.status === 'void') throw invalidState('A void invoice cannot be marked as sent.');
    invoice.status = 'sent';
    invoice.last_modified_time = org.now();
    emitInvoice(org, invoice, 'update');
    ok(res, 200, 'Invoice status has been changed to Sent.');
  });

  router.post('/invoices/:invoice_id/status/void', (req, res) => {
    const org = orgOf(res);
    const invoice = org.get(org.invoices, req.params.invoice_id, 'Invoice');
    if (hasPayments(org, invoice)) throw invalidState('The invoice has payments: delete them before voiding it.');
    if (invoice.status !== 'void') applyInvoice(org, invoice, -1);
    invoice.status = 'void';
    invoice.last_modified_time = org.now();
    emitInvoice(org, invoice, 'update');
    ok(res, 200, 'Invoice status has been changed to Void.');
  });

  router.post('/invoices/:invoice_id/status/draft', (req, res) => {
    const org = orgOf(res);
    const invoice = org.get(org.invoices, req.params.invoice_id, 'Invoice');
    if (hasPayments(org, invoice)) throw invalidState('The invoice has payments and cannot be made a draft.');
    if (invoice.status === 'void') {
      // Un-voiding re-applies the invoice, which must still fit its order lines.
      readInvoiceLines(org, { line_items: invoice.line_items.map(({ line_item_id: _id, ...line }) => line) }, invoice.customer_id, invoice.location_id);
      applyInvoice(org, invoice, 1);
    }
    invoice.status = 'draft';
    invoice.last_modified_time = org.now();
    emitInvoice(org, invoice, 'update');
    ok(res, 200, 'Status of invoice changed from void to draft.');
  });

  return router;
}
