import { Router } from 'express';
import { invalidState, invalidValue } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { CreditNoteLine, CreditNoteRefund, ZohoCreditNote, ZohoInvoice } from '../records.js';
import { currencyView, customerSummary, lineTotal, readCustomer, readExchangeRate, readLines, readLocation, serializeLine } from './lines.js';
import {
  documentNumber,
  modifiedSince,
  ok,
  optBool,
  optDate,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireDate,
  requireNumber,
  requireString,
  round2,
  textFilter,
  type Body,
} from './support.js';

/*
 * Credit notes (credit-notes.yml): what the shop owes a customer, refunded in money through
 * /refunds. Kept simple on purpose:
 * - a line's total is rate × quantity (less a line discount if one is sent, as on invoices) and
 *   the credit note's total is the sum of its lines (no entity discount, shipping or adjustment);
 * - taxes are not simulated (as elsewhere in the simulator): line rates are the whole amount,
 *   which is right with is_inclusive_tax=true or no tax_id; a tax_id is kept but adds nothing;
 * - a credit note raised against an invoice (query invoice_id) records it, but does not apply
 *   credit to it: the invoice's balance is unchanged (applying credit is another call in Zoho,
 *   not simulated);
 * - credit notes never move stock (Zoho returns goods to stock through sales returns).
 */

/** Total, refunded amount, balance and the status that follows from them. */
export function creditNoteAmounts(note: ZohoCreditNote) {
  const total = round2(note.line_items.reduce((s, l) => s + lineTotal(l), 0));
  const refunded = round2(note.refunds.reduce((s, r) => s + r.amount, 0));
  const balance = note.status === 'void' ? 0 : round2(total - refunded);
  const status = note.status === 'void' ? 'void' : balance <= 0 ? 'closed' : 'open';
  return { total, refunded, balance, status };
}

export function serializeCreditNote(org: ZohoOrg, note: ZohoCreditNote) {
  const a = creditNoteAmounts(note);
  const invoice = note.invoice_id ? org.invoices.get(note.invoice_id) : undefined;
  return {
    creditnote_id: note.creditnote_id,
    creditnote_number: note.creditnote_number,
    date: note.date,
    status: a.status,
    reference_number: note.reference_number,
    ...customerSummary(org, note.customer_id),
    contact_persons_associated: [],
    ...currencyView(org, note.customer_id, note.exchange_rate),
    is_inclusive_tax: note.is_inclusive_tax,
    line_items: note.line_items.map((l) => ({ ...serializeLine(org, l), invoice_id: l.invoice_id, invoice_item_id: l.invoice_item_id })),
    location_id: note.location_id,
    location_name: org.locations.get(note.location_id)?.location_name ?? '',
    total: a.total,
    balance: a.balance,
    taxes: [],
    invoices: note.invoice_id ? [{ invoice_id: note.invoice_id, invoice_number: invoice?.invoice_number ?? '', amount: a.total }] : [],
    is_emailed: false,
    notes: note.notes,
    custom_fields: [],
    created_time: note.created_time,
    // credit-notes.yml names the modification time `updated_time` on one credit note and
    // `last_modified_time` on the list: both are sent, each answer keeping its documented one.
    updated_time: note.last_modified_time,
    last_modified_time: note.last_modified_time,
  };
}

const LIST_KEYS = [
  'creditnote_id',
  'creditnote_number',
  'status',
  'reference_number',
  'date',
  'total',
  'balance',
  'customer_id',
  'customer_name',
  'currency_id',
  'currency_code',
  'location_id',
  'location_name',
  'created_time',
  'last_modified_time',
  'is_emailed',
] as const;

/** A refund as the refund calls answer it (and, with the list's fields, as /refunds lists it). */
export function serializeRefund(org: ZohoOrg, note: ZohoCreditNote, refund: CreditNoteRefund) {
  return {
    creditnote_refund_id: refund.creditnote_refund_id,
    creditnote_id: note.creditnote_id,
    creditnote_number: note.creditnote_number,
    date: refund.date,
    refund_mode: refund.refund_mode,
    reference_number: refund.reference_number,
    amount: refund.amount,
    amount_bcy: refund.amount,
    amount_fcy: refund.amount,
    customer_id: note.customer_id,
    customer_name: org.contacts.get(note.customer_id)?.contact_name ?? '',
    description: refund.description,
    from_account_id: refund.from_account_id,
  };
}

const REFUND_KEYS = ['creditnote_refund_id', 'creditnote_id', 'date', 'refund_mode', 'reference_number', 'amount', 'customer_name', 'description'] as const;
const REFUND_LIST_KEYS = [
  'creditnote_refund_id',
  'creditnote_id',
  'date',
  'refund_mode',
  'reference_number',
  'creditnote_number',
  'customer_name',
  'description',
  'amount_bcy',
  'amount_fcy',
] as const;

const only = (json: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, json[k]]));

function readNumber(org: ZohoOrg, body: Body, manual: boolean): string {
  // As for sales orders: with auto numbering (the default) Zoho numbers the credit note itself and
  // creditnote_number is only read with ignore_auto_number_generation=true (credit-notes.yml marks
  // it required either way).
  const kind = { records: org.creditNotes.values(), numberOf: (c: ZohoCreditNote) => c.creditnote_number, prefix: 'CN-', label: 'Credit note' };
  return documentNumber(org, kind, manual ? requireString(body, 'creditnote_number') : undefined);
}

/** The invoice a credit note is raised against: the customer's, and neither draft nor void. */
function readInvoice(org: ZohoOrg, invoiceId: string, customerId: string, field: string): ZohoInvoice {
  const invoice = org.invoices.get(invoiceId);
  if (!invoice || invoice.customer_id !== customerId) throw invalidValue(field);
  if (invoice.status === 'void') throw invalidState(`Invoice ${invoice.invoice_number} is void: no credit note can be raised against it.`);
  if (invoice.status === 'draft') throw invalidState(`Invoice ${invoice.invoice_number} is a draft: mark it as sent before raising a credit note against it.`);
  return invoice;
}

/**
 * Lines: an item (its name and rate by default) or a free-text line with a name and a rate;
 * quantity > 0 (default 1). A line may name the invoice (and invoice line) it credits.
 */
function readCreditNoteLines(org: ZohoOrg, body: Body, customerId: string, locationId: string): CreditNoteLine[] {
  return readLines(org, body, locationId, (line) => {
    // A line without an item has no rate to fall back on.
    if (optString(line, 'item_id') === '') requireNumber(line, 'rate', 'line_items.rate');
    return {};
  }).map(({ source, ...line }) => {
    const invoiceId = optString(source, 'invoice_id');
    const invoiceItemId = optString(source, 'invoice_item_id');
    const invoice = invoiceId ? readInvoice(org, invoiceId, customerId, 'line_items.invoice_id') : undefined;
    if (invoiceItemId && !invoice?.line_items.some((l) => l.line_item_id === invoiceItemId)) throw invalidValue('line_items.invoice_item_id');
    return { ...line, invoice_id: invoiceId, invoice_item_id: invoiceItemId };
  });
}

export function createCreditNote(org: ZohoOrg, body: Body, options: { manualNumber?: boolean; invoiceId?: string } = {}): ZohoCreditNote {
  const customer = readCustomer(org, requireString(body, 'customer_id'));
  const date = requireDate(body, 'date');
  const invoice = options.invoiceId ? readInvoice(org, options.invoiceId, customer.contact_id, 'invoice_id') : undefined;
  const location_id = readLocation(org, body, 'location_id', org.primaryLocation().location_id);
  const line_items = readCreditNoteLines(org, body, customer.contact_id, location_id);
  const is_inclusive_tax = optBool(body, 'is_inclusive_tax', false);
  const reference_number = optString(body, 'reference_number');
  const notes = optString(body, 'notes');
  // Numbered once everything else is read: a refused request does not use up a number.
  const creditnote_number = readNumber(org, body, options.manualNumber ?? false);
  const now = org.now();
  const note: ZohoCreditNote = {
    creditnote_id: org.newId(),
    creditnote_number,
    date,
    status: 'open',
    customer_id: customer.contact_id,
    exchange_rate: readExchangeRate(org, body, customer.contact_id),
    reference_number,
    invoice_id: invoice?.invoice_id ?? '',
    location_id,
    is_inclusive_tax,
    notes,
    line_items,
    refunds: [],
    created_time: now,
    last_modified_time: now,
  };
  org.creditNotes.set(note.creditnote_id, note);
  return note;
}

/** Refunds part or all of the credit note's balance; a balance of 0 closes the credit note. */
export function refundCreditNote(org: ZohoOrg, note: ZohoCreditNote, body: Body): CreditNoteRefund {
  if (note.status === 'void') throw invalidState('A void credit note cannot be refunded.');
  const refund_mode = requireString(body, 'refund_mode');
  const amount = requireNumber(body, 'amount');
  if (!(amount > 0)) throw invalidValue('amount');
  const date = optDate(body, 'date', org.today());
  if (amount > creditNoteAmounts(note).balance + 1e-9) throw invalidState('The amount refunded exceeds the balance of the credit note.');
  const now = org.now();
  const refund: CreditNoteRefund = {
    creditnote_refund_id: org.newId(),
    date,
    refund_mode,
    reference_number: optString(body, 'reference_number'),
    amount: round2(amount),
    description: optString(body, 'description'),
    from_account_id: optString(body, 'from_account_id'),
    created_time: now,
  };
  note.refunds.push(refund);
  note.last_modified_time = now;
  return refund;
}

const STATUSES = ['open', 'closed', 'void', 'draft'];

const creditNoteSort = (org: ZohoOrg) => ({
  created_time: (c: ZohoCreditNote) => c.created_time,
  last_modified_time: (c: ZohoCreditNote) => c.last_modified_time,
  date: (c: ZohoCreditNote) => c.date,
  creditnote_number: (c: ZohoCreditNote) => c.creditnote_number,
  customer_name: (c: ZohoCreditNote) => org.contacts.get(c.customer_id)?.contact_name ?? '',
  total: (c: ZohoCreditNote) => creditNoteAmounts(c).total,
  balance: (c: ZohoCreditNote) => creditNoteAmounts(c).balance,
});

/** /creditnotes: create, list, read, void, and refunds (no edit, delete or applying to invoices). */
export function creditNotesRoutes(): Router {
  const router = Router();

  router.get('/creditnotes', (req, res) => {
    const org = orgOf(res);
    const filters: ((c: ZohoCreditNote) => boolean)[] = [];
    for (const field of ['creditnote_number', 'reference_number'] as const) {
      const f = textFilter(req, field);
      if (f) filters.push((c) => f(c[field]));
    }
    const customerId = query(req, 'customer_id');
    if (customerId) filters.push((c) => c.customer_id === customerId);
    const since = modifiedSince(req);
    if (since) filters.push(since);
    const status = (query(req, 'status') ?? query(req, 'filter_by')?.replace(/^Status\./i, ''))?.toLowerCase();
    if (status && status !== 'all') {
      if (!STATUSES.includes(status)) throw invalidValue(query(req, 'status') !== undefined ? 'status' : 'filter_by');
      filters.push((c) => creditNoteAmounts(c).status === status);
    }
    const rows = [...org.creditNotes.values()].filter((c) => filters.every((f) => f(c)));
    const { page, page_context } = paginate(req, rows, {
      reportName: 'Credit Notes',
      appliedFilter: status && status !== 'all' ? `Status.${status[0]!.toUpperCase()}${status.slice(1)}` : 'Status.All',
      sortable: creditNoteSort(org),
    });
    const creditnotes = page.map((c) => only(serializeCreditNote(org, c), LIST_KEYS));
    ok(res, 200, 'success', { creditnotes, page_context });
  });

  router.post('/creditnotes', (req, res) => {
    const org = orgOf(res);
    const note = createCreditNote(org, readBody(req), {
      manualNumber: query(req, 'ignore_auto_number_generation') === 'true',
      invoiceId: query(req, 'invoice_id'),
    });
    const json = serializeCreditNote(org, note);
    org.emit('creditnote', 'create', json);
    ok(res, 201, 'The credit note has been created.', { creditnote: json });
  });

  router.get('/creditnotes/:creditnote_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { creditnote: serializeCreditNote(org, org.get(org.creditNotes, req.params.creditnote_id, 'Credit Note')) });
  });

  router.post('/creditnotes/:creditnote_id/void', (req, res) => {
    const org = orgOf(res);
    const note = org.get(org.creditNotes, req.params.creditnote_id, 'Credit Note');
    if (note.refunds.length > 0) throw invalidState('The credit note has refunds: delete them before voiding it.');
    note.status = 'void';
    note.last_modified_time = org.now();
    org.emit('creditnote', 'update', serializeCreditNote(org, note));
    ok(res, 200, 'The credit note has been marked as void.');
  });

  router.get('/creditnotes/:creditnote_id/refunds', (req, res) => {
    const org = orgOf(res);
    const note = org.get(org.creditNotes, req.params.creditnote_id, 'Credit Note');
    const { page, page_context } = paginate(req, note.refunds, {
      reportName: 'Credit Notes Refund',
      sortable: { created_time: (r) => r.created_time, date: (r) => r.date, amount_bcy: (r) => r.amount },
    });
    const creditnote_refunds = page.map((r) => only(serializeRefund(org, note, r), REFUND_LIST_KEYS));
    ok(res, 200, 'success', { creditnote_refunds, page_context });
  });

  // credit-notes.yml documents 200 for this create (not 201 as for POST /creditnotes).
  router.post('/creditnotes/:creditnote_id/refunds', (req, res) => {
    const org = orgOf(res);
    const note = org.get(org.creditNotes, req.params.creditnote_id, 'Credit Note');
    const refund = refundCreditNote(org, note, readBody(req));
    org.emit('creditnote', 'update', serializeCreditNote(org, note));
    ok(res, 200, 'The refund information for this credit note has been saved.', { creditnote_refund: only(serializeRefund(org, note, refund), REFUND_KEYS) });
  });

  return router;
}
