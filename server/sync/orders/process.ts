import { randomUUID } from 'node:crypto';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { getOrder, getOrderCoupons, getOrderProducts, getOrderShippingAddresses, type BcOrder } from '../../bigcommerce/orders.js';
import type { AppContext } from '../../context.js';
import { OrderSync, OrdersCursor, ZohoConnection, orderSyncId, type OrderSyncDoc, type OrderSyncStatus } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import type { ZohoClient } from '../../zoho/client.js';
import { ZohoApiError } from '../../zoho/errors.js';
import { Priority } from '../priority.js';
import type { RecordOutcome } from '../reporter.js';
import { voidInZoho } from './cancel.js';
import { ensureContact, type ResolvedContact } from './contacts.js';
import { passCrashPoint } from './crashPoints.js';
import { decide, type Decision, type DecisionInput, type KnownOrder } from './decide.js';
import { classifyFailure, nextAttemptAt, OrderConflictError } from './failures.js';
import { forgetItems, resolveItemsBySku } from './items.js';
import { LeaseLost, leaseOptions, type Lease } from '../lease.js';
import { claimOrder } from './lease.js';
import {
  amountDifferences,
  contactDetails,
  invoiceBody,
  isPaid,
  lineSku,
  money,
  orderAmounts,
  parseBcDate,
  paymentBody,
  planLines,
  salesOrderBody,
  salesOrderNumber,
  zohoDate,
  type LinePlan,
  type MappedLine,
} from './mapping.js';
import { bookedOrder, bookedPlan, bookingOf, chooseBooking, creationCurrencyId, inBookedCurrency, organizationCurrency, orderCurrency, type Booking } from './currency.js';
import { creditRefunds } from './refundStep.js';
import { scheduleRetry } from './retryScheduler.js';
import type { OrderSnapshot, ZohoLine, ZohoSalesOrder } from './types.js';
import { OrderZohoCalls } from './zohoCalls.js';

/**
 * The order job: one BigCommerce order → its Zoho contact, sales order, invoice and payment,
 * each made once. The steps run in order and each Zoho id is saved the moment Zoho answers;
 * before each create an intent is saved, and a retry that finds one looks the record up in
 * Zoho before creating (the sales order's number, derived from the order id, makes Zoho itself
 * refuse a second one). Zoho or BigCommerce unavailable → `waiting` and retried with backoff
 * for at least 48 hours; a line Zoho has no item for → `held` with the SKUs named.
 */
export type OrderTrigger = DecisionInput['trigger'];

export interface ProcessRequest {
  storeHash: string;
  orderId: number;
  trigger: OrderTrigger;
  /** The order as the caller already read it (reconciliation lists them). */
  order?: BcOrder;
  /** The run the outcome is reported in (stored on the order for the panel). */
  runId?: string;
}

export interface ProcessResult {
  orderId: number;
  /** The order's status afterwards; `unchanged` when there was nothing to do, `busy` when another worker has it. */
  status: OrderSyncStatus | 'unchanged' | 'busy' | 'missing';
  outcome: RecordOutcome;
  calls: { zoho: number; bigcommerce: number };
}

/** Orders placed this long before Zoho was connected still count (clocks and BigCommerce's whole seconds differ). */
const IMPORT_SLACK_MS = 5 * 60_000;

export interface OrderServices {
  bc: BigCommerceClient;
  zoho: () => Promise<ZohoClient>;
  settings: Settings['orders'];
}

export async function processOrder(ctx: AppContext, request: ProcessRequest, services: OrderServices): Promise<ProcessResult> {
  const { storeHash, orderId } = request;
  const _id = orderSyncId(storeHash, orderId);
  const priority = request.trigger === 'reconcile' ? Priority.reconcile : Priority.realtime;
  const bcCallsBefore = services.bc.callCount;
  const result = (status: ProcessResult['status'], outcome: Omit<RecordOutcome, 'entity' | 'bigcommerceId'>, zohoCalls = 0): ProcessResult => ({
    orderId,
    status,
    outcome: { entity: 'order', bigcommerceId: String(orderId), ...outcome },
    calls: { zoho: zohoCalls, bigcommerce: services.bc.callCount - bcCallsBefore },
  });

  // Turned off by the merchant: nothing is claimed, so turning it back on loses nothing (the
  // reconciliation's cursor has not moved past these orders).
  if (!services.settings.enabled) return result('unchanged', { operation: 'unchanged', reason: 'The orders flow is turned off in the settings.' });

  // A first look without the lease: most events for an order already handled end here.
  // If BigCommerce cannot answer now, the order is claimed anyway so that its failure is
  // recorded (waiting, retried) rather than lost with the event.
  let order: BcOrder | null | undefined = request.order ?? (await getOrder(services.bc, orderId, { priority }).catch(() => undefined));
  if (order === null) return result('missing', { operation: 'unchanged', reason: 'The order is not in BigCommerce (deleted?).' });
  const importFrom = await importBoundary(storeHash, services.settings);
  if (order) {
    const doc = await OrderSync.findById(_id).lean<OrderSyncDoc>();
    const known = knownOf(doc);
    const first = decide({ order, known, settings: services.settings, importFrom, trigger: request.trigger, now: new Date() });
    // An invoiced order whose amounts changed goes on, to be flagged (under the lease).
    const edited = doc?.status === 'done' && amountDifferences(doc.amounts, orderAmounts(order)).length > 0;
    if (first.kind === 'nothing' && !edited) return result('unchanged', { operation: 'unchanged', reason: first.reason });
  }

  const owner = randomUUID();
  const claimed = await claimOrder(storeHash, orderId, owner);
  if (!claimed) {
    // The holder looks again before letting go (recheck). Should it have died instead, this
    // check comes once its lease has lapsed.
    const holder = await OrderSync.findById(_id, { leaseUntil: 1 }).lean();
    const at = new Date(Math.max(Date.now(), (holder?.leaseUntil?.getTime() ?? 0) + leaseOptions.clockSkewMs) + 1_000);
    await scheduleRetry(at, { storeHash, orderId }).catch(() => undefined);
    return result('busy', { operation: 'unchanged', reason: 'Another worker is processing this order; it will look again.' });
  }
  const { lease } = claimed;
  lease.keepAlive();

  let zohoCalls = 0;
  let last: AttemptResult | undefined;
  try {
    for (;;) {
      const attempt = new OrderAttempt(ctx, request, services, lease, priority, importFrom);
      let pass: AttemptResult;
      try {
        try {
          pass = await attempt.run(order ?? undefined);
        } catch (error) {
          pass = await attempt.fail(error);
        }
      } catch (error) {
        // The lease lapsed and another worker has the order: it carries on from what was saved.
        if (!(error instanceof LeaseLost)) throw error;
        return result('busy', { operation: 'unchanged', reason: 'Another worker took this order over; it carries on from here.' }, zohoCalls + attempt.zohoCalls);
      }
      zohoCalls += attempt.zohoCalls;
      // A second look that found nothing new does not hide what the first one did.
      if (!last || pass.status !== 'unchanged') last = pass;
      order = undefined;
      // Another event arrived while we worked: read the order again before letting go.
      if ((await lease.release()) !== 'recheck') return result(last.status, last.outcome, zohoCalls);
    }
  } finally {
    lease.abandon();
  }
}

/** A sales order's ids and total as the order records them (its total recognises the invoice that bills it). */
const salesOrderFields = (so: ZohoSalesOrder) => ({
  'zoho.salesorderId': so.salesorder_id,
  'zoho.salesorderNumber': so.salesorder_number,
  ...(so.total !== undefined ? { 'zoho.salesorderTotal': money(so.total) } : {}),
});

/** What `decide` needs of the stored state; a claim that never saw the order counts as unknown. */
function knownOf(doc: OrderSyncDoc | null): KnownOrder | null {
  if (!doc || doc.bc?.statusId === undefined || doc.bc?.statusId === null) return null;
  return doc as unknown as KnownOrder;
}

/**
 * Orders placed before this are not imported: the first Zoho connection (kept on the store's
 * cursor, so reconnecting later does not move it), or the backfill date if earlier.
 */
export async function importBoundary(storeHash: string, settings: Pick<Settings['orders'], 'backfillFrom'>): Promise<Date | undefined> {
  let first = (await OrdersCursor.findById(storeHash, { importFrom: 1 }).lean())?.importFrom ?? undefined;
  if (!first) {
    const connection = await ZohoConnection.findById(storeHash, { connectedAt: 1, createdAt: 1 }).lean<{ connectedAt?: Date; createdAt?: Date }>();
    const connected = connection?.connectedAt ?? connection?.createdAt;
    if (connected) {
      first = new Date(connected.getTime() - IMPORT_SLACK_MS);
      await rememberImportStart(storeHash, first);
    }
  }
  const backfill = settings.backfillFrom ? new Date(`${settings.backfillFrom}T00:00:00Z`) : undefined;
  if (backfill && first) return backfill < first ? backfill : first;
  return backfill ?? first;
}

async function rememberImportStart(storeHash: string, importFrom: Date): Promise<void> {
  const set = await OrdersCursor.updateOne({ _id: storeHash, importFrom: { $exists: false } }, { $set: { importFrom } });
  if (set.matchedCount === 1) return;
  await OrdersCursor.create({ _id: storeHash, modifiedSince: importFrom, importFrom, updatedAt: new Date() }).catch((error: unknown) => {
    if ((error as { code?: number }).code !== 11000) throw error;
  });
}

type AttemptResult = { status: ProcessResult['status']; outcome: Omit<RecordOutcome, 'entity' | 'bigcommerceId'> };

/** One pass over an order under the lease: decide, then act, saving as it goes. */
class OrderAttempt {
  private readonly _id: string;
  private doc!: OrderSyncDoc;
  private zohoApi: OrderZohoCalls | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly request: ProcessRequest,
    private readonly services: OrderServices,
    private readonly lease: Lease,
    private readonly priority: Priority,
    private readonly importFrom: Date | undefined,
  ) {
    this._id = orderSyncId(request.storeHash, request.orderId);
  }

  get zohoCalls(): number {
    return this.zohoApi?.calls ?? 0;
  }

  private async zoho(): Promise<OrderZohoCalls> {
    // Every Zoho write is sent only while the order's lease is still this worker's.
    this.zohoApi ??= new OrderZohoCalls(await this.services.zoho(), this.priority, () => this.lease.check());
    return this.zohoApi;
  }

  /** Fields that may wait for the next write (facts that are not Zoho ids): fewer writes per order. */
  private pending: Record<string, unknown> = {};

  private later(set: Record<string, unknown>): void {
    Object.assign(this.pending, set);
    for (const [path, value] of Object.entries(set)) setPath(this.doc as unknown as Record<string, unknown>, path, value);
  }

  /** What this attempt found after a lost answer (reported in the run's record of the order). */
  private recoveries: string[] = [];

  private recovered(what: string): void {
    this.recoveries.push(what);
    this.ctx.logger.info({ storeHash: this.request.storeHash, orderId: this.request.orderId }, what);
  }

  private takePending(): Record<string, unknown> {
    const pending = this.pending;
    this.pending = {};
    return pending;
  }

  /** Saves fields on the order at once (and in our copy): each Zoho id the moment it exists. */
  private async save(set: Record<string, unknown>, unset: string[] = []): Promise<void> {
    const fields = { ...this.takePending(), ...set };
    await this.lease.write({ $set: fields, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}) });
    for (const [path, value] of Object.entries(set)) setPath(this.doc as unknown as Record<string, unknown>, path, value);
  }

  async run(given: BcOrder | undefined): Promise<AttemptResult> {
    const { storeHash, orderId } = this.request;
    const order = given ?? (await getOrder(this.services.bc, orderId, { priority: this.priority }));
    this.doc = (await OrderSync.findById(this._id).lean<OrderSyncDoc>())!;
    if (!order) {
      const note = 'The order is no longer in BigCommerce.';
      // Nothing in Zoho yet: stop retrying it. Otherwise keep its state (the Zoho records stand).
      const inZoho = Boolean(this.doc.zoho?.salesorderId || this.doc.zoho?.invoiceId);
      await this.save({ note, ...(inZoho ? {} : { status: 'ignored' }) }, inZoho ? [] : ['nextAttemptAt']);
      return { status: this.doc.status, outcome: { operation: 'unchanged', reason: note } };
    }
    const decision = decide({ order, known: knownOf(this.doc), settings: this.services.settings, importFrom: this.importFrom, trigger: this.request.trigger, now: new Date() });
    // Amounts as they were invoiced, before this look records BigCommerce's current ones.
    const invoiced = this.doc.status === 'done' ? this.doc.amounts : undefined;
    this.later({ ...bcFields(order), ...(this.request.runId ? { lastRunId: this.request.runId } : {}) });
    if (decision.kind === 'nothing' && invoiced) {
      const differences = amountDifferences(invoiced, orderAmounts(order));
      if (differences.length) {
        const reason = `Edited in BigCommerce after it was invoiced in Zoho: ${differences.join(', ')}. The Zoho invoice was left as it is.`;
        await this.save({ edited: { at: new Date(), differences } });
        return { status: 'unchanged', outcome: { operation: 'conflict', zohoId: this.doc.zoho?.invoiceId ?? undefined, reason } };
      }
    }
    return this.act(decision, order, storeHash);
  }

  private async act(decision: Decision, order: BcOrder, storeHash: string): Promise<AttemptResult> {
    switch (decision.kind) {
      case 'nothing':
        return { status: 'unchanged', outcome: { operation: 'unchanged', reason: decision.reason } };
      case 'ignore':
        await this.save({ status: 'ignored', note: decision.note }, ['nextAttemptAt', 'lastError', 'held', 'firstFailureAt']);
        return { status: 'ignored', outcome: { operation: 'skip', reason: decision.note } };
      case 'record_refund': {
        const refunded = `Refunded ${money(order.refunded_amount).toFixed(2)} in BigCommerce`;
        const note =
          this.doc.status === 'cancelled'
            ? `${refunded} after it was cancelled. Its paid invoice ${this.doc.zoho?.invoiceNumber ?? ''} was kept in Zoho: refund it there.`
            : `${refunded}. Credit notes are off in the settings, so Zoho was left as it is.`;
        await this.save({ note });
        return { status: this.doc.status, outcome: { operation: 'update', zohoId: this.doc.zoho?.invoiceId ?? undefined, reason: note } };
      }
      case 'cancel_unsent': {
        const note = 'Cancelled in BigCommerce before it reached Zoho: nothing to void.';
        await this.save({ status: 'cancelled', note }, ['nextAttemptAt', 'lastError', 'held', 'firstFailureAt']);
        return { status: 'cancelled', outcome: { operation: 'update', reason: note } };
      }
      case 'cancel': {
        await this.resolveInFlight(order, storeHash);
        const { note } = await voidInZoho(this.doc, await this.zoho(), (set) => this.save(set));
        await this.save({ status: 'cancelled', note }, ['nextAttemptAt', 'lastError', 'held', 'firstFailureAt']);
        return { status: 'cancelled', outcome: { operation: 'update', zohoId: this.doc.zoho?.invoiceId ?? undefined, reason: note } };
      }
      case 'process':
        return this.advance(order, storeHash);
    }
  }

  /**
   * Before a cancellation voids anything: a sales order or invoice create whose answer never came
   * (a crash, a lost answer) is looked up the way a retry would, and recorded if Zoho made it,
   * so that it is voided rather than left live behind a cancelled order.
   */
  private async resolveInFlight(order: BcOrder, storeHash: string): Promise<void> {
    const ids = this.doc.zoho ?? {};
    const intents = this.doc.intents ?? {};
    const zoho = await this.zoho();
    if (intents.salesorder && !ids.salesorderId) {
      const so = await zoho.findSalesOrderByNumber(salesOrderNumber(this.services.settings.salesOrderPrefix, order.id));
      if (so && (so.reference_number === undefined || so.reference_number === String(order.id))) {
        this.recovered(`Adopted sales order ${so.salesorder_number} after a lost answer.`);
        await this.save(salesOrderFields(so));
      }
    }
    const customerId = this.doc.zoho?.contactId;
    if (intents.invoice && !ids.invoiceId && customerId) {
      const plan = bookedPlan((await this.snapshotAndPlan(order, storeHash)).plan, bookingOf(this.doc));
      await this.adoptLostInvoice(order, plan, customerId);
    }
  }

  /**
   * The invoice a create whose answer was lost made, found by documented fields (customer, date,
   * the sales order's total, every line) and recorded; false when Zoho has none.
   */
  private async adoptLostInvoice(order: BcOrder, plan: LinePlan, customerId: string): Promise<boolean> {
    const zoho = await this.zoho();
    const salesorderTotal = this.doc.zoho?.salesorderId ? this.doc.zoho?.salesorderTotal : undefined;
    const found = await zoho.findLostInvoice({
      reference: String(order.id),
      customerId,
      date: zohoDate(order.date_created, zoho.timeZone),
      lines: plan.lines.map((l) => l.zoho),
      ...(typeof salesorderTotal === 'number' ? { total: salesorderTotal } : {}),
    });
    if (!found) return false;
    this.recovered(`Adopted invoice ${found.invoice_number} after a lost answer.`);
    await this.saveInvoice(found.invoice_id, found.invoice_number, money(found.total));
    return true;
  }

  /** The order's lines, addresses and coupons from BigCommerce, and its lines planned against Zoho's items. */
  private async snapshotAndPlan(order: BcOrder, storeHash: string): Promise<{ snapshot: OrderSnapshot; plan: LinePlan }> {
    const options = { priority: this.priority };
    const snapshot: OrderSnapshot = {
      order,
      products: await getOrderProducts(this.services.bc, order.id, options),
      addresses: await getOrderShippingAddresses(this.services.bc, order.id, options),
      // Coupons only name codes in the notes; the amounts are on the order.
      coupons: money(order.coupon_discount) > 0 ? await getOrderCoupons(this.services.bc, order.id, options) : [],
    };
    const items = await resolveItemsBySku(storeHash, snapshot.products.map(lineSku), await this.zoho());
    return { snapshot, plan: planLines(snapshot.products, order, items, this.services.settings) };
  }

  /** contact → sales order → invoice → sent → payment, each skipped when already recorded. */
  private async advance(order: BcOrder, storeHash: string): Promise<AttemptResult> {
    const settings = this.services.settings;
    const ids = () => this.doc.zoho ?? {};
    const paid = isPaid(order) && settings.recordPayment;
    let createdInvoice = false;

    let snapshot: OrderSnapshot | undefined;
    let plan: LinePlan | undefined;
    if (!ids().invoiceId) {
      ({ snapshot, plan } = await this.snapshotAndPlan(order, storeHash));
      if (plan.unmapped.length > 0 || plan.lines.length === 0) return this.hold(plan);
      this.later({ orderAddressId: snapshot.addresses[0]?.id ?? plan.lines[0]?.orderAddressId });
    }

    // The contact: needed to create anything; a known one is reused (its claim answers without a call).
    let customerId = ids().contactId ?? undefined;
    let terms: ResolvedContact | undefined;
    // The currency Zoho books the order in (currency.ts); an invoiced order keeps the one it was booked in.
    let booking = bookingOf(this.doc);
    if (snapshot) {
      const details = contactDetails(snapshot);
      if (!details) throw new OrderConflictError('The order has no e-mail address: Zoho needs one to find or create the customer.');
      const currency = orderCurrency(order);
      const base = await organizationCurrency(storeHash, await this.zoho());
      terms = await ensureContact(storeHash, details, await this.zoho(), this.lease.owner, creationCurrencyId(currency, base, settings));
      const chosen = chooseBooking(currency, base, terms.currencyCode, settings.foreignCurrency);
      if (chosen.kind === 'hold') return this.holdFor(chosen.reason);
      booking = chosen;
      this.later({ booking });
      customerId ??= terms.contactId;
      // The contact's claim holds it already: the order records it with its next write.
      if (!ids().contactId) this.later({ 'zoho.contactId': customerId, step: 'contact' });
    }
    if (!customerId) throw new OrderConflictError('The Zoho customer of this order is unknown; retry the order.');

    this.booking = booking;
    this.paid = money(order.total_inc_tax);
    // Converted bookings: the order's money in Zoho's currency from here on.
    if (snapshot && plan) ({ snapshot, plan } = { snapshot: { ...snapshot, order: bookedOrder(snapshot.order, booking) }, plan: bookedPlan(plan, booking) });

    if (snapshot && plan && settings.createSalesOrder && !ids().salesorderId) await this.salesOrderStep(snapshot, plan, customerId);

    if (snapshot && plan && !ids().invoiceId) {
      createdInvoice = await this.invoiceStep(snapshot, plan, customerId, terms?.contactId === customerId ? terms : {});
    }

    const invoiceId = ids().invoiceId!;
    if ((settings.markInvoiceSent || paid) && !ids().invoiceSent) {
      await (await this.zoho()).markInvoiceSent(invoiceId);
      await this.save({ 'zoho.invoiceSent': true, step: 'sent' });
    }

    if (paid && !ids().paymentId) await this.paymentStep(bookedOrder(order, booking), customerId, invoiceId);

    const refundNote = settings.creditNotes
      ? await creditRefunds({
          storeHash,
          order,
          doc: this.doc,
          ...(snapshot ? { products: snapshot.products } : {}),
          customerId,
          invoiceId,
          invoiceSent: Boolean(ids().invoiceSent),
          paidThroughApp: Boolean(ids().paymentId),
          salesOrderPrefix: settings.salesOrderPrefix,
          booking,
          zoho: await this.zoho(),
          bc: this.services.bc,
          priority: this.priority,
          save: (set, unset) => this.save(set, unset),
        })
      : undefined;

    const linesNote = plan?.skipped.length
      ? `Lines left out (SKU not in Zoho): ${plan.skipped.map((l) => l.sku || l.name).join(', ')}.`
      : plan?.fallback.length
        ? `Billed as the fallback item: ${plan.fallback.map((l) => l.sku || l.name).join(', ')}.`
        : undefined;
    const note = [linesNote, refundNote].filter(Boolean).join(' ') || undefined;
    const reason = [...this.recoveries, note].filter(Boolean).join(' ') || undefined;
    await this.save(
      { status: 'done', step: 'done', doneAt: new Date(), attempts: 0, ...(note ? { note } : {}) },
      ['nextAttemptAt', 'lastError', 'held', 'firstFailureAt', ...(note ? [] : ['note'])],
    );
    return {
      status: 'done',
      outcome: { operation: createdInvoice ? 'create' : 'update', zohoId: invoiceId, name: this.doc.email ?? undefined, ...(reason ? { reason } : {}) },
    };
  }

  /** How this attempt books the order's money (currency.ts), and what the shopper paid in the order's currency. */
  private booking: Booking | undefined;
  private paid = 0;

  /** Held for a reason the merchant settles (a currency the app cannot book correctly). */
  private async holdFor(reason: string): Promise<AttemptResult> {
    await this.save({ status: 'held', held: { reason, skus: [] } }, ['nextAttemptAt', 'firstFailureAt']);
    return { status: 'held', outcome: { operation: 'skip', reason } };
  }

  private async hold(plan: LinePlan): Promise<AttemptResult> {
    const fallbackMissing = this.services.settings.unmappedSku === 'fallback_item' && !this.services.settings.fallbackItemId;
    const skus = plan.unmapped.map((l) => l.sku || `(no SKU: ${l.name})`);
    const reason =
      plan.unmapped.length === 0
        ? 'None of the order’s lines has a Zoho item (all were left out): nothing to invoice.'
        : `No active Zoho item has SKU ${skus.join(', ')}. Create ${skus.length > 1 ? 'them' : 'it'} in Zoho Inventory (or fix the SKU in BigCommerce), then retry the order.` +
          (fallbackMissing ? ' (The fallback-item setting is on but no fallback item is chosen.)' : '');
    await this.save({ status: 'held', held: { reason, skus } }, ['nextAttemptAt', 'firstFailureAt']);
    return { status: 'held', outcome: { operation: 'skip', reason } };
  }

  private async salesOrderStep(snapshot: OrderSnapshot, plan: LinePlan, customerId: string): Promise<void> {
    const zoho = await this.zoho();
    const orderId = snapshot.order.id;
    const number = salesOrderNumber(this.services.settings.salesOrderPrefix, orderId);
    // An earlier attempt sent a create: it may have gone through before the crash.
    let so = this.doc.intents?.salesorder ? await zoho.findSalesOrderByNumber(number) : undefined;
    if (!so) {
      await this.save({ 'intents.salesorder': new Date() });
      try {
        so = await zoho.createSalesOrder(inBookedCurrency(salesOrderBody(snapshot, plan, customerId, this.services.settings, zoho.timeZone), this.booking, this.paid));
        passCrashPoint('salesorder', orderId);
      } catch (error) {
        // Zoho refuses a number it has: the order is there already (made by us, or not).
        if (!(error instanceof ZohoApiError) || error.transient || error.httpStatus === 429) throw error;
        so = await zoho.findSalesOrderByNumber(number);
        if (!so) throw error;
      }
    }
    if (so.reference_number !== undefined && so.reference_number !== String(orderId)) {
      throw new OrderConflictError(
        `Zoho already has sales order ${number} for another order (reference ${so.reference_number || 'none'}). Give this store its own sales-order prefix in the settings, then retry.`,
      );
    }
    await this.save({
      ...salesOrderFields(so),
      lineMap: lineMapOf(plan.lines, so),
      step: 'salesorder',
    });
  }

  /** True when this attempt created the invoice (false when it found the one a crashed attempt made). */
  private async invoiceStep(snapshot: OrderSnapshot, plan: LinePlan, customerId: string, terms: Pick<ResolvedContact, 'paymentTerms' | 'paymentTermsLabel'>): Promise<boolean> {
    const zoho = await this.zoho();
    const orderId = snapshot.order.id;
    const salesorderId = this.doc.zoho?.salesorderId ?? undefined;
    if (this.doc.intents?.invoice && (await this.adoptLostInvoice(snapshot.order, plan, customerId))) return false;
    await this.save({ 'intents.invoice': new Date() });
    const soLines = new Map((this.doc.lineMap ?? []).map((l) => [l.orderProductId, l.zohoLineItemId]));
    const invoice = await zoho.createInvoice(
      inBookedCurrency(invoiceBody(snapshot, plan, customerId, terms, this.services.settings, zoho.timeZone, salesorderId ? soLines : undefined), this.booking, this.paid),
    );
    passCrashPoint('invoice', orderId);
    await this.saveInvoice(invoice.invoice_id, invoice.invoice_number, money(invoice.total));
    return true;
  }

  private async saveInvoice(invoiceId: string, invoiceNumber: string, total: number): Promise<void> {
    await this.save({ 'zoho.invoiceId': invoiceId, 'zoho.invoiceNumber': invoiceNumber, 'zoho.invoiceTotal': total, step: 'invoice' });
  }

  private async paymentStep(order: BcOrder, customerId: string, invoiceId: string): Promise<void> {
    const zoho = await this.zoho();
    const body = inBookedCurrency(paymentBody(order, customerId, invoiceId, this.doc.zoho?.invoiceTotal ?? money(order.total_inc_tax), zoho.timeZone), this.booking, undefined, 'description');
    if (!((body.amount as number) > 0)) return; // paid entirely with store credit or a gift certificate
    if (this.doc.intents?.payment) {
      // Another store sharing the organization may have an order with the same number: the
      // customer, date and amount (documented on the list) must agree too.
      const found = (await zoho.findPaymentsByReference(String(order.id))).find(
        (p) => p.customer_id === customerId && (p.date === undefined || p.date === body.date) && money(p.amount).toFixed(2) === money(body.amount).toFixed(2),
      );
      if (found) {
        this.recovered(`Adopted payment ${found.payment_number ?? found.payment_id} after a lost answer.`);
        await this.save({ 'zoho.paymentId': found.payment_id, step: 'payment' });
        return;
      }
    }
    await this.save({ 'intents.payment': new Date() });
    const payment = await zoho.createPayment(body);
    passCrashPoint('payment', order.id);
    await this.save({ 'zoho.paymentId': payment.payment_id, step: 'payment' });
  }

  /**
   * Records why the attempt failed: Zoho or BigCommerce unavailable → `waiting` with the next
   * attempt scheduled (backoff, for at least 48 hours); refused for good → `failed`.
   */
  async fail(error: unknown): Promise<AttemptResult> {
    // Nothing may be written for an order whose lease is gone.
    if (error instanceof LeaseLost) throw error;
    const failure = classifyFailure(error);
    const now = new Date();
    const doc = await OrderSync.findById(this._id, { attempts: 1, firstFailureAt: 1 }).lean<Pick<OrderSyncDoc, 'attempts' | 'firstFailureAt'>>();
    const pending = this.takePending();
    const attempts = (doc?.attempts ?? 0) + 1;
    const firstFailureAt = doc?.firstFailureAt ?? now;
    const lastError = { message: failure.message, at: now, ...(failure.code !== undefined ? { code: failure.code } : {}) };
    const at = failure.kind === 'transient' ? nextAttemptAt(attempts, firstFailureAt, now, failure.notBefore) : undefined;
    const log = this.ctx.logger.child({ storeHash: this.request.storeHash, orderId: this.request.orderId });
    // Zoho refused the order as sent: an item remembered by SKU may be what is gone.
    if (failure.kind === 'permanent') forgetItems(this.request.storeHash);
    if (!at) {
      const message = failure.kind === 'transient' ? `Gave up after ${attempts} attempts over ${Math.round((now.getTime() - firstFailureAt.getTime()) / 3_600_000)} h: ${failure.message}` : failure.message;
      await this.lease.write({ $set: { ...pending, status: 'failed', attempts, firstFailureAt, lastError: { ...lastError, message } }, $unset: { nextAttemptAt: 1 } });
      log.warn({ err: error }, 'order failed');
      return { status: 'failed', outcome: { operation: 'fail', reason: message } };
    }
    await this.lease.write({ $set: { ...pending, status: 'waiting', attempts, firstFailureAt, nextAttemptAt: at, lastError } });
    await scheduleRetry(at, { storeHash: this.request.storeHash, orderId: this.request.orderId, at: at.toISOString() }).catch((scheduleError: unknown) => {
      // The reconciliation sweeps due orders too: a lost schedule only delays the retry.
      log.warn({ err: scheduleError }, 'could not schedule the order retry');
    });
    log.info({ attempts, nextAttemptAt: at, reason: failure.message }, 'order waiting');
    return { status: 'waiting', outcome: { operation: 'skip', reason: `Will retry at ${at.toISOString()}: ${failure.message}` } };
  }
}

/** The BigCommerce facts the panel shows, saved at every attempt. */
function bcFields(order: BcOrder): Record<string, unknown> {
  const billing = order.billing_address ?? {};
  const email = typeof billing.email === 'string' ? billing.email.trim().toLowerCase() : '';
  const name = [billing.first_name, billing.last_name].filter((s) => typeof s === 'string' && s.trim()).join(' ');
  return {
    bc: {
      statusId: order.status_id,
      status: order.status,
      dateCreated: parseBcDate(order.date_created),
      dateModified: parseBcDate(order.date_modified),
      paymentStatus: typeof order.payment_status === 'string' ? order.payment_status : undefined,
      paymentMethod: typeof order.payment_method === 'string' ? order.payment_method : undefined,
      currency: orderCurrency(order).code || order.currency_code,
      channelId: typeof order.channel_id === 'number' ? order.channel_id : 1,
      refundedAmount: money(order.refunded_amount),
    },
    ...(email ? { email } : {}),
    ...(name ? { customerName: name } : {}),
    amounts: orderAmounts(order),
  };
}

/**
 * Zoho's sales-order lines ↔ BigCommerce's order products (fulfilment packs and ships by
 * these): each mapped line takes the first unused Zoho line of the same item, in order.
 */
export function lineMapOf(lines: MappedLine[], so: Pick<ZohoSalesOrder, 'line_items'>) {
  const zohoLines = [...(so.line_items ?? [])].sort((a, b) => (a.item_order ?? 0) - (b.item_order ?? 0));
  const used = new Set<ZohoLine>();
  const map: { zohoLineItemId: string; orderProductId: number; orderAddressId: number; sku: string; quantity: number }[] = [];
  for (const line of lines) {
    const match =
      zohoLines.find((z) => !used.has(z) && z.item_id === line.zoho.item_id && Number(z.quantity) === line.quantity) ??
      zohoLines.find((z) => !used.has(z) && z.item_id === line.zoho.item_id);
    if (!match) continue;
    used.add(match);
    map.push({ zohoLineItemId: match.line_item_id, orderProductId: line.orderProductId, orderAddressId: line.orderAddressId, sku: line.sku, quantity: line.quantity });
  }
  return map;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!node[part] || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
