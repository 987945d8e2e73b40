import type { ZohoClient, QueryValue } from '../../zoho/client.js';
import { ZohoApiError } from '../../zoho/errors.js';
import type { Priority } from '../priority.js';
import { isLostInvoice, type ExpectedDocument } from './recovery.js';
import type { ZohoContactSummary, ZohoCreditNote, ZohoCreditNoteRefund, ZohoInvoice, ZohoItemRef, ZohoPayment, ZohoSalesOrder } from './types.js';

/** 25 pages of 200: 5,000 sales orders at most (the organization's daily call budget matters more than a rare look-up). */
const SALES_ORDER_SCAN_PAGES = 25;

/**
 * The Zoho calls of the orders flow, at one priority, counted (a run reports the calls it
 * spent). Look-ups answer `undefined` when nothing matches; creates answer the new record.
 */
export class OrderZohoCalls {
  calls = 0;

  constructor(
    private readonly zoho: ZohoClient,
    private readonly priority: Priority,
    /** Called right before each write (the order's lease check: a worker that lost it sends nothing). */
    private readonly beforeWrite: () => Promise<void> = async () => undefined,
  ) {}

  /** The organization's time zone, which dates every document (`zohoDate`). */
  get timeZone(): string {
    return this.zoho.timeZone;
  }

  /** The organization's base currency (`currency_code` on GET /organizations); undefined when Zoho lists none. */
  async organizationCurrency(): Promise<string | undefined> {
    this.calls++;
    const answer = await this.zoho.get<{ organizations?: { organization_id?: unknown; currency_code?: unknown }[] }>('/organizations', { priority: this.priority, organization: false });
    const org = answer.organizations?.find((o) => String(o.organization_id) === this.zoho.organizationId);
    return typeof org?.currency_code === 'string' && org.currency_code ? org.currency_code.toUpperCase() : undefined;
  }

  private async get<T extends object>(path: string, query: Record<string, QueryValue>): Promise<T> {
    this.calls++;
    return this.zoho.get<T>(path, { priority: this.priority, query });
  }

  private async post<T extends object>(path: string, body: unknown, query?: Record<string, QueryValue>): Promise<T> {
    await this.beforeWrite();
    this.calls++;
    return this.zoho.post<T>(path, body, { priority: this.priority, ...(query ? { query } : {}) });
  }

  private async put<T extends object>(path: string, body: unknown): Promise<T> {
    await this.beforeWrite();
    this.calls++;
    return this.zoho.put<T>(path, body, { priority: this.priority });
  }

  /** Active customers whose contact persons have this e-mail (Zoho searches them). */
  async findContactsByEmail(email: string): Promise<ZohoContactSummary[]> {
    const answer = await this.get<{ contacts?: ZohoContactSummary[] }>('/contacts', { email });
    const customers = (answer.contacts ?? []).filter((c) => (c.contact_type ?? 'customer') === 'customer' && (c.status ?? 'active') === 'active');
    // The list shows each contact's primary e-mail: a contact whose primary person has it comes first.
    const primary = (c: ZohoContactSummary) => (c.email ?? '').toLowerCase() === email.toLowerCase();
    return [...customers.filter(primary), ...customers.filter((c) => !primary(c))];
  }

  async createContact(body: Record<string, unknown>): Promise<ZohoContactSummary> {
    return required((await this.post<{ contact?: ZohoContactSummary }>('/contacts', body)).contact, 'contact');
  }

  async updateContact(contactId: string, body: Record<string, unknown>): Promise<ZohoContactSummary> {
    return required((await this.put<{ contact?: ZohoContactSummary }>(`/contacts/${contactId}`, body)).contact, 'contact');
  }

  /** Active items with exactly this SKU. */
  async findItemsBySku(sku: string): Promise<ZohoItemRef[]> {
    const answer = await this.get<{ items?: (ZohoItemRef & { status?: string })[] }>('/items', { sku });
    return (answer.items ?? []).filter((i) => i.sku === sku && (i.status ?? 'active') === 'active');
  }

  /**
   * The sales order with this number. salesorders.yml documents no filter on the list (only
   * `page` and `per_page`), so its pages are read until the number turns up. Only a retry after
   * a crash, or a create Zoho refused as a duplicate, comes here; past the cap it answers
   * undefined, which never duplicates anything (Zoho itself refuses the number a second time).
   */
  async findSalesOrderByNumber(number: string): Promise<ZohoSalesOrder | undefined> {
    let pages = 0;
    for await (const page of this.zoho.pages<ZohoSalesOrder>('/salesorders', 'salesorders', { priority: this.priority })) {
      this.calls++;
      const found = page.find((s) => s.salesorder_number === number);
      // The list leaves line items out: read the whole order (its lines make the line map).
      if (found) return this.getSalesOrder(found.salesorder_id);
      if (++pages >= SALES_ORDER_SCAN_PAGES) break;
    }
    return undefined;
  }

  async getSalesOrder(salesorderId: string): Promise<ZohoSalesOrder> {
    return required((await this.get<{ salesorder?: ZohoSalesOrder }>(`/salesorders/${salesorderId}`, {})).salesorder, 'salesorder');
  }

  /** A created sales order comes back keyed `sales_order` (a read one `salesorder`). */
  async createSalesOrder(body: Record<string, unknown>): Promise<ZohoSalesOrder> {
    const answer = await this.post<{ sales_order?: ZohoSalesOrder; salesorder?: ZohoSalesOrder }>('/salesorders', body, { ignore_auto_number_generation: true });
    return required(answer.sales_order ?? answer.salesorder, 'sales_order');
  }

  /**
   * The invoice a create whose answer was lost made, if Zoho has it: the list filtered by the
   * documented `reference_number`, `customer_id` and `date`, then each live candidate read whole
   * (the list documents neither its customer nor its lines) and compared field by field.
   * Costs 1 call, plus 1 per candidate (in practice 1).
   */
  async findLostInvoice(expected: ExpectedDocument): Promise<ZohoInvoice | undefined> {
    const answer = await this.get<{ invoices?: ZohoInvoice[] }>('/invoices', { reference_number: expected.reference, customer_id: expected.customerId, date: expected.date });
    const candidates = (answer.invoices ?? []).filter((i) => i.reference_number === expected.reference && i.status !== 'void' && (i.date === undefined || i.date === expected.date));
    for (const candidate of candidates) {
      const invoice = required((await this.get<{ invoice?: ZohoInvoice }>(`/invoices/${candidate.invoice_id}`, {})).invoice, 'invoice');
      if (isLostInvoice(invoice, expected)) return invoice;
    }
    return undefined;
  }

  async createInvoice(body: Record<string, unknown>): Promise<ZohoInvoice> {
    return required((await this.post<{ invoice?: ZohoInvoice }>('/invoices', body)).invoice, 'invoice');
  }

  async markInvoiceSent(invoiceId: string): Promise<void> {
    await this.post(`/invoices/${invoiceId}/status/sent`, undefined);
  }

  async voidInvoice(invoiceId: string): Promise<void> {
    await this.post(`/invoices/${invoiceId}/status/void`, undefined);
  }

  async voidSalesOrder(salesorderId: string): Promise<void> {
    await this.post(`/salesorders/${salesorderId}/status/void`, undefined);
  }

  async findPaymentsByReference(reference: string): Promise<ZohoPayment[]> {
    const answer = await this.get<{ customerpayments?: ZohoPayment[] }>('/customerpayments', { reference_number: reference });
    return (answer.customerpayments ?? []).filter((p) => p.reference_number === reference);
  }

  async createPayment(body: Record<string, unknown>): Promise<ZohoPayment> {
    return required((await this.post<{ payment?: ZohoPayment }>('/customerpayments', body)).payment, 'payment');
  }

  async findCreditNoteByNumber(number: string): Promise<ZohoCreditNote | undefined> {
    const answer = await this.get<{ creditnotes?: ZohoCreditNote[] }>('/creditnotes', { creditnote_number: number });
    return (answer.creditnotes ?? []).find((c) => c.creditnote_number === number);
  }

  /** Numbered by us (`ignore_auto_number_generation`), so Zoho refuses a second one; raised against the invoice when given. */
  async createCreditNote(body: Record<string, unknown>, invoiceId?: string): Promise<ZohoCreditNote> {
    const query = { ignore_auto_number_generation: true, ...(invoiceId ? { invoice_id: invoiceId } : {}) };
    return required((await this.post<{ creditnote?: ZohoCreditNote }>('/creditnotes', body, query)).creditnote, 'creditnote');
  }

  async listCreditNoteRefunds(creditnoteId: string): Promise<ZohoCreditNoteRefund[]> {
    return (await this.get<{ creditnote_refunds?: ZohoCreditNoteRefund[] }>(`/creditnotes/${creditnoteId}/refunds`, {})).creditnote_refunds ?? [];
  }

  async refundCreditNote(creditnoteId: string, body: Record<string, unknown>): Promise<ZohoCreditNoteRefund> {
    return required((await this.post<{ creditnote_refund?: ZohoCreditNoteRefund }>(`/creditnotes/${creditnoteId}/refunds`, body)).creditnote_refund, 'creditnote_refund');
  }
}

function required<T>(record: T | undefined, key: string): T {
  if (!record) throw new ZohoApiError(200, -1, `Zoho's answer has no "${key}".`);
  return record;
}
