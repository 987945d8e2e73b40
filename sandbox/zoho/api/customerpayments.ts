import { Router } from 'express';
import { invalidState, invalidValue } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { ZohoPayment } from '../records.js';
import { currencyView, readCustomer, readExchangeRate } from './lines.js';
import { invoiceAmounts, serializeInvoice } from './invoices.js';
import { ok, optDate, optNumber, optString, orgOf, paginate, query, readBody, requireArray, requireNumber, requireString, round2, textFilter, type Body } from './support.js';

export function serializePayment(org: ZohoOrg, payment: ZohoPayment) {
  const contact = org.contacts.get(payment.customer_id);
  const applied = round2(payment.invoices.reduce((s, a) => s + a.amount_applied, 0));
  return {
    payment_id: payment.payment_id,
    payment_number: payment.payment_number,
    payment_mode: payment.payment_mode,
    amount: payment.amount,
    amount_refunded: 0,
    bank_charges: payment.bank_charges,
    date: payment.date,
    status: 'success',
    reference_number: payment.reference_number,
    description: payment.description,
    customer_id: payment.customer_id,
    customer_name: contact?.contact_name ?? '',
    email: contact?.contact_persons.find((p) => p.is_primary_contact)?.email ?? '',
    tax_amount_withheld: 0,
    invoices: payment.invoices.map((a) => {
      const invoice = org.invoices.get(a.invoice_id);
      const amounts = invoice ? invoiceAmounts(org, invoice) : undefined;
      return {
        invoice_id: a.invoice_id,
        invoice_number: invoice?.invoice_number ?? '',
        date: invoice?.date ?? '',
        invoice_amount: amounts?.total ?? 0,
        amount_applied: a.amount_applied,
        balance_amount: amounts?.balance ?? 0,
      };
    }),
    ...currencyView(org, payment.customer_id, payment.exchange_rate),
    account_id: payment.account_id,
    account_name: 'Undeposited Funds',
    unused_amount: round2(payment.amount - applied),
    created_time: payment.created_time,
    last_modified_time: payment.last_modified_time,
  };
}

/**
 * Records a payment applied to invoices. Each invoice must belong to the customer, be sent
 * (draft and void invoices take no payment) and have the balance; the amounts applied may not
 * exceed the amount received.
 */
export function createPayment(org: ZohoOrg, body: Body): ZohoPayment {
  const customer = readCustomer(org, requireString(body, 'customer_id'));
  const payment_mode = requireString(body, 'payment_mode');
  const amount = requireNumber(body, 'amount');
  if (!(amount > 0)) throw invalidValue('amount');
  const seen = new Set<string>();
  const invoices = requireArray(body, 'invoices').map((line) => {
    const invoiceId = requireString(line, 'invoice_id', 'invoices.invoice_id');
    const applied = requireNumber(line, 'amount_applied', 'invoices.amount_applied');
    const invoice = org.invoices.get(invoiceId);
    if (!invoice || invoice.customer_id !== customer.contact_id || seen.has(invoiceId)) throw invalidValue('invoices.invoice_id');
    seen.add(invoiceId);
    if (invoice.status === 'draft') throw invalidState(`Invoice ${invoice.invoice_number} is a draft: mark it as sent before recording a payment.`);
    if (invoice.status === 'void') throw invalidState(`Invoice ${invoice.invoice_number} is void.`);
    if (!(applied > 0)) throw invalidValue('invoices.amount_applied');
    if (applied > invoiceAmounts(org, invoice).balance + 1e-9) {
      throw invalidState(`The amount applied to invoice ${invoice.invoice_number} exceeds its balance.`);
    }
    return { invoice_id: invoiceId, amount_applied: applied };
  });
  if (invoices.reduce((s, a) => s + a.amount_applied, 0) > amount + 1e-9) throw invalidState('The amounts applied exceed the amount received.');
  const now = org.now();
  const payment: ZohoPayment = {
    payment_id: org.newId(),
    payment_number: String(org.nextSequence('payment')),
    customer_id: customer.contact_id,
    exchange_rate: readExchangeRate(org, body, customer.contact_id),
    payment_mode,
    amount,
    bank_charges: optNumber(body, 'bank_charges', 0),
    date: optDate(body, 'date', org.today()),
    reference_number: optString(body, 'reference_number'),
    description: optString(body, 'description'),
    account_id: optString(body, 'account_id'),
    invoices,
    created_time: now,
    last_modified_time: now,
  };
  org.payments.set(payment.payment_id, payment);
  for (const a of invoices) org.invoices.get(a.invoice_id)!.last_modified_time = now;
  return payment;
}

const LIST_KEYS = [
  'payment_id',
  'payment_number',
  'date',
  'payment_mode',
  'amount',
  'unused_amount',
  'account_id',
  'account_name',
  'description',
  'reference_number',
  'customer_id',
  'customer_name',
  'created_time',
  'last_modified_time',
] as const;

/** /customerpayments: paying an invoice lowers its balance and moves it to paid / partially_paid. */
export function customerPaymentsRoutes(): Router {
  const router = Router();

  router.get('/customerpayments', (req, res) => {
    const org = orgOf(res);
    const filters: ((p: ZohoPayment) => boolean)[] = [];
    const reference = textFilter(req, 'reference_number');
    if (reference) filters.push((p) => reference(p.reference_number));
    const customerId = query(req, 'customer_id');
    if (customerId) filters.push((p) => p.customer_id === customerId);
    const mode = query(req, 'payment_mode');
    if (mode) filters.push((p) => p.payment_mode === mode);
    const rows = [...org.payments.values()].filter((p) => filters.every((f) => f(p)));
    const { page, page_context } = paginate(req, rows, {
      reportName: 'Payments Received',
      sortable: { created_time: (p) => p.created_time, date: (p) => p.date, amount: (p) => p.amount },
    });
    const customerpayments = page.map((p) => {
      const json = serializePayment(org, p) as Record<string, unknown>;
      return Object.fromEntries(LIST_KEYS.map((k) => [k, json[k]]));
    });
    ok(res, 200, 'success', { customerpayments, page_context });
  });

  router.post('/customerpayments', (req, res) => {
    const org = orgOf(res);
    const payment = createPayment(org, readBody(req));
    const json = serializePayment(org, payment);
    org.emit('customerpayment', 'create', json);
    for (const a of payment.invoices) org.emit('invoice', 'update', serializeInvoice(org, org.invoices.get(a.invoice_id)!));
    ok(res, 201, 'The payment has been created.', { payment: json });
  });

  router.get('/customerpayments/:payment_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { payment: serializePayment(org, org.get(org.payments, req.params.payment_id, 'Payment')) });
  });

  router.delete('/customerpayments/:payment_id', (req, res) => {
    const org = orgOf(res);
    const payment = org.get(org.payments, req.params.payment_id, 'Payment');
    const json = serializePayment(org, payment);
    org.payments.delete(payment.payment_id);
    const now = org.now();
    for (const a of payment.invoices) {
      const invoice = org.invoices.get(a.invoice_id);
      if (!invoice) continue;
      invoice.last_modified_time = now;
      org.emit('invoice', 'update', serializeInvoice(org, invoice));
    }
    org.emit('customerpayment', 'delete', json);
    ok(res, 200, 'The payment has been deleted.');
  });

  return router;
}
