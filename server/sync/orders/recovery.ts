import { money } from './mapping.js';
import type { ZohoInvoice, ZohoLine } from './types.js';

/**
 * Recognising what a create whose answer was lost made in Zoho, by documented fields only.
 * Stores can share one Zoho organization, so a reference number (the BigCommerce order id) alone
 * could belong to another store's order #101: the customer, the date, the total where known, and
 * every line's item, quantity and rate must agree too.
 */
export interface ExpectedDocument {
  reference: string;
  customerId: string;
  /** YYYY-MM-DD, as the app dated the create. */
  date: string;
  lines: { item_id: string; quantity: number; rate: number }[];
  /** Zoho's total of the sales order the invoice bills, when there is one. */
  total?: number;
}

const lineKey = (line: { item_id?: string; quantity?: unknown; rate?: unknown }) => `${line.item_id ?? ''}|${money(line.quantity)}|${money(line.rate).toFixed(2)}`;

/** The same lines, in any order: item, quantity and rate. */
export function sameLines(expected: ExpectedDocument['lines'], actual: readonly Pick<ZohoLine, 'item_id' | 'quantity' | 'rate'>[]): boolean {
  if (expected.length !== actual.length) return false;
  const a = expected.map(lineKey).sort();
  const b = actual.map(lineKey).sort();
  return a.every((key, i) => key === b[i]);
}

/** Whether an invoice read back from Zoho (`GET /invoices/{id}`) is the one this order's lost create made. */
export function isLostInvoice(invoice: ZohoInvoice & { line_items?: ZohoLine[]; date?: string }, expected: ExpectedDocument): boolean {
  if (invoice.status === 'void') return false;
  if (invoice.reference_number !== expected.reference || invoice.customer_id !== expected.customerId) return false;
  if (invoice.date !== undefined && invoice.date !== expected.date) return false;
  if (expected.total !== undefined && money(invoice.total).toFixed(2) !== expected.total.toFixed(2)) return false;
  return sameLines(expected.lines, invoice.line_items ?? []);
}
