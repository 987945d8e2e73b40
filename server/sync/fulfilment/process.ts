import { randomUUID } from 'node:crypto';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { BigCommerceApiError } from '../../bigcommerce/errors.js';
import { isAmbiguous } from '../../bigcommerce/lostAnswers.js';
import { createShipment, getOrderShipments } from '../../bigcommerce/orders.js';
import { OrderSync, ShipmentSync, shipmentSyncId, type ShipmentSyncDoc } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import type { Priority } from '../priority.js';
import type { RecordOutcome } from '../reporter.js';
import { orderLines, updateShipmentTracking } from './bigcommerce.js';
import { carrierFor } from './carriers.js';
import type { Lease } from '../lease.js';
import { claimShipment } from './lease.js';
import { bcTrackingNumber, planShipment, trackingUpdate, type TrackingFields } from './plan.js';
import type { FulfilmentZohoReads } from './read.js';
import type { OrderLinks, ShipmentFacts } from './types.js';

/**
 * One Zoho shipment → its BigCommerce shipment, exactly once: the idempotent unit that Zoho's
 * events and the poll both come to. Run it any number of times, concurrently or after a crash:
 * the shipment's claim (a unique _id), its lease and the intent saved before each post make
 * sure BigCommerce gets one shipment per Zoho shipment, and later runs only follow changes of
 * tracking number or carrier.
 */
export interface FulfilmentServices {
  storeHash: string;
  bc: BigCommerceClient;
  zoho: FulfilmentZohoReads;
  settings: Settings['fulfilment'];
  priority: Priority;
}

export interface ShipmentResult {
  outcome: RecordOutcome;
  /** The order, when the shipment belongs to one the app created (its status mapping may apply). */
  order?: OrderLinks;
  /** For the webhook receipt: why nothing was done. */
  note?: string;
  /** Something changed (a shipment written, tracking or Zoho status changed): worth a status look. */
  changed: boolean;
}

export interface ShipmentHints {
  /** Packages the caller knows this shipment ships (saves reading them). */
  packageIds?: string[];
  /** The order, looked up already by the caller; null when known not to be the app's. */
  order?: OrderLinks | null;
}

/** The lease was lost mid-work (the worker stalled past it): stop before writing anything more. */

/** The orders the app created in Zoho, by sales-order id (one query for a whole poll). */
export async function orderLinksFor(storeHash: string, salesorderIds: string[]): Promise<Map<string, OrderLinks>> {
  const ids = [...new Set(salesorderIds.filter(Boolean))];
  const found = new Map<string, OrderLinks>();
  if (ids.length === 0) return found;
  const docs = await OrderSync.find({ storeHash, 'zoho.salesorderId': { $in: ids } }, { orderId: 1, zoho: 1, lineMap: 1, orderAddressId: 1 }).lean();
  for (const doc of docs) {
    const salesorderId = doc.zoho?.salesorderId;
    if (!salesorderId) continue;
    found.set(salesorderId, {
      orderId: doc.orderId,
      salesorderId,
      salesorderNumber: doc.zoho?.salesorderNumber ?? undefined,
      orderAddressId: doc.orderAddressId ?? undefined,
      lineMap: (doc.lineMap ?? []).map((l) => ({
        zohoLineItemId: String(l.zohoLineItemId),
        orderProductId: Number(l.orderProductId),
        orderAddressId: l.orderAddressId ?? undefined,
        sku: l.sku ?? undefined,
        quantity: l.quantity ?? undefined,
      })),
    });
  }
  return found;
}

export const notOursNote = (salesorderNumber: string) =>
  `Sales order ${salesorderNumber || '(no number)'} was not created by the app from a BigCommerce order: its shipments are left alone.`;

/** What Zoho says now, as stored on the claim. */
const zohoFields = (facts: ShipmentFacts) => ({
  'zoho.shipmentNumber': facts.shipmentNumber,
  'zoho.salesorderNumber': facts.salesorderNumber,
  'zoho.status': facts.status,
  'zoho.trackingNumber': facts.trackingNumber,
  'zoho.deliveryMethod': facts.deliveryMethod,
});

export async function syncShipment(services: FulfilmentServices, shipmentId: string, hints: ShipmentHints = {}): Promise<ShipmentResult> {
  const { storeHash } = services;
  const _id = shipmentSyncId(storeHash, shipmentId);
  let facts = await services.zoho.shipmentFacts(shipmentId, hints.packageIds);
  if (!facts) return shipmentGone(_id, shipmentId);

  const order = hints.order === undefined ? (await orderLinksFor(storeHash, [facts.salesorderId])).get(facts.salesorderId) : (hints.order ?? undefined);
  const base = { entity: 'shipment', zohoId: shipmentId, name: facts.shipmentNumber || undefined } as const;
  if (!order) {
    const note = notOursNote(facts.salesorderNumber);
    const first = await markNotOurs(storeHash, facts, note);
    return { outcome: { ...base, operation: first ? 'skip' : 'unchanged', reason: note }, note, changed: false };
  }

  // A first look without the lease: most repeated events end here.
  const known = await ShipmentSync.findById(_id).lean<ShipmentSyncDoc>();
  if (known?.status === 'synced' && !trackingUpdate(writtenTracking(known), desiredTracking(facts, services.settings))) {
    const zohoChanged = known.zoho?.status !== facts.status;
    if (zohoChanged) await ShipmentSync.updateOne({ _id }, { $set: zohoFields(facts) });
    return { outcome: { ...base, bigcommerceId: String(order.orderId), operation: 'unchanged' }, order, changed: zohoChanged };
  }

  const lease = await claimShipment({ storeHash, zohoShipmentId: shipmentId, salesorderId: facts.salesorderId, orderId: order.orderId }, randomUUID());
  if (!lease) {
    return { outcome: { ...base, bigcommerceId: String(order.orderId), operation: 'unchanged', reason: 'Another worker has this shipment; it will look again.' }, order, changed: false };
  }
  lease.keepAlive();
  for (;;) {
    let result: ShipmentResult;
    try {
      result = await new ShipmentAttempt(services, lease, facts, order).run();
    } catch (error) {
      // Kept pending with the reason; the lease is let go so that the retry need not wait for it.
      const message = error instanceof Error ? error.message : String(error);
      await lease.release({ $set: { lastError: { message, at: new Date() } } }).catch(() => undefined);
      throw error;
    }
    // Another event came while we worked: read the shipment again before letting go.
    if ((await lease.release()) !== 'recheck') return result;
    const again = await services.zoho.shipmentFacts(shipmentId, hints.packageIds);
    if (!again) return result;
    facts = again;
  }
}

const desiredTracking = (facts: ShipmentFacts, settings: Settings['fulfilment']): TrackingFields => ({
  trackingNumber: bcTrackingNumber(facts.trackingNumber),
  ...carrierFor(facts.deliveryMethod, settings.carriers),
});

const writtenTracking = (doc: Pick<ShipmentSyncDoc, 'bigcommerce'>): Partial<TrackingFields> => ({
  trackingNumber: doc.bigcommerce?.trackingNumber ?? undefined,
  shippingProvider: doc.bigcommerce?.shippingProvider ?? undefined,
  trackingCarrier: doc.bigcommerce?.trackingCarrier ?? undefined,
});

async function shipmentGone(_id: string, shipmentId: string): Promise<ShipmentResult> {
  const known = await ShipmentSync.findById(_id, { status: 1, orderId: 1 }).lean();
  const reason = 'The shipment is no longer in Zoho; BigCommerce keeps what it was sent.';
  if (known?.status === 'synced') await ShipmentSync.updateOne({ _id }, { $set: { note: reason, 'zoho.status': 'deleted' } });
  return { outcome: { entity: 'shipment', zohoId: shipmentId, operation: 'unchanged', reason }, changed: false };
}

/** Records once that the shipment's sales order is not the app's; true the first time. */
async function markNotOurs(storeHash: string, facts: ShipmentFacts, note: string): Promise<boolean> {
  try {
    await ShipmentSync.create({
      _id: shipmentSyncId(storeHash, facts.shipmentId),
      storeHash,
      zohoShipmentId: facts.shipmentId,
      salesorderId: facts.salesorderId,
      status: 'not_ours',
      note,
      zoho: { shipmentNumber: facts.shipmentNumber, salesorderNumber: facts.salesorderNumber, status: facts.status, trackingNumber: facts.trackingNumber, deliveryMethod: facts.deliveryMethod },
      claimedAt: new Date(),
    });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}

/** A BigCommerce shipment written for a Zoho shipment, as the claim stores it. */
interface WrittenShipment {
  shipmentId: number;
  orderAddressId: number;
  items: { orderProductId: number; quantity: number }[];
}

const writtenShipments = (doc: Pick<ShipmentSyncDoc, 'bigcommerce'>): WrittenShipment[] =>
  (doc.bigcommerce?.shipments ?? []).map((s) => ({
    shipmentId: Number(s.shipmentId),
    orderAddressId: Number(s.orderAddressId),
    items: (s.items ?? []).map((i) => ({ orderProductId: Number(i.orderProductId), quantity: Number(i.quantity) })),
  }));

/** BigCommerce refused the request itself (not a limit, not an outage): retrying as is cannot help. */
const refusedForGood = (error: unknown) => error instanceof BigCommerceApiError && !error.retryable && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403;

/** One pass over a shipment under the lease. */
class ShipmentAttempt {
  private doc!: ShipmentSyncDoc;

  constructor(
    private readonly services: FulfilmentServices,
    private readonly lease: Lease,
    private readonly facts: ShipmentFacts,
    private readonly order: OrderLinks,
  ) {}

  private get base() {
    return { entity: 'shipment', zohoId: this.facts.shipmentId, bigcommerceId: String(this.order.orderId), name: this.facts.shipmentNumber || undefined } as const;
  }

  private get _id(): string {
    return this.lease._id;
  }

  private async save(set: Record<string, unknown>, unset: string[] = []): Promise<void> {
    await this.lease.write({ $set: set, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}) });
  }

  async run(): Promise<ShipmentResult> {
    try {
      try {
        return await this.attempt();
      } catch (error) {
        // A lost answer (a reset, a timeout, a 5xx): once more at once. The intent saved before the
        // post makes the second attempt adopt what BigCommerce made, and post only what it lacks.
        if (!isAmbiguous(error)) throw error;
        return await this.attempt();
      }
    } catch (error) {
      if (!refusedForGood(error)) throw error;
      // BigCommerce refused (e.g. the order was deleted or changed there): the merchant decides; a later event tries again.
      const note = `BigCommerce refused: ${(error as Error).message}`;
      await this.save({ status: 'failed', note }, ['intent']);
      return { outcome: { ...this.base, operation: 'fail', reason: note }, order: this.order, changed: false };
    }
  }

  private async attempt(): Promise<ShipmentResult> {
    this.doc = (await ShipmentSync.findById(this._id).lean<ShipmentSyncDoc>())!;
    const zohoChanged = this.doc.zoho?.status !== this.facts.status;
    await this.save({ ...zohoFields(this.facts), salesorderId: this.facts.salesorderId, orderId: this.order.orderId });
    const desired = desiredTracking(this.facts, this.services.settings);
    if (this.doc.status !== 'synced') {
      const created = await this.create(desired);
      if (created) return created;
      // All of it was in BigCommerce already (a retry after a failure): only its tracking may lag.
      this.doc = (await ShipmentSync.findById(this._id).lean<ShipmentSyncDoc>())!;
    }

    const change = trackingUpdate(writtenTracking(this.doc), desired);
    if (!change) return { outcome: { ...this.base, operation: 'unchanged' }, order: this.order, changed: zohoChanged };
    const shipments = writtenShipments(this.doc);
    for (const shipment of shipments) {
      await this.mustHoldLease();
      await updateShipmentTracking(this.services.bc, this.order.orderId, shipment.shipmentId, change, this.services.priority);
    }
    await this.save(trackingSet(change));
    if (shipments.length === 0) return { outcome: { ...this.base, operation: 'unchanged' }, order: this.order, changed: zohoChanged };
    const reason = `Tracking ${change.trackingNumber || '(none)'}${change.trackingCarrier ? ` (${change.trackingCarrier})` : ''} from Zoho.`;
    return { outcome: { ...this.base, operation: 'update', reason }, order: this.order, changed: true };
  }

  private async mustHoldLease(): Promise<void> {
    await this.lease.check();
  }

  /** Posts what BigCommerce lacks; undefined when shipments were written before and nothing is missing. */
  private async create(desired: TrackingFields): Promise<ShipmentResult | undefined> {
    const { bc, priority } = this.services;
    const orderId = this.order.orderId;
    const products = await orderLines(bc, orderId, priority);
    let shipments = writtenShipments(this.doc);
    // An earlier attempt posted and may have died before saving what BigCommerce answered.
    if (this.doc.intent?.at) shipments = await this.recover(shipments);

    const plan = planShipment({
      lines: this.facts.lines,
      order: this.order,
      products,
      written: shipments.flatMap((s) => s.items),
    });
    if (plan.kind === 'nothing') {
      if (plan.status === 'failed') {
        await this.save({ status: 'failed', note: plan.reason }, ['intent', 'lastError']);
        return { outcome: { ...this.base, operation: 'fail', reason: plan.reason }, order: this.order, changed: false };
      }
      if (shipments.length > 0 && !this.doc.intent?.at) {
        await this.save({ status: 'synced' }, ['intent', 'lastError', 'note']);
        return undefined;
      }
      // Adopted after a crash (the dead attempt's tracking is what BigCommerce has), or shipped in BigCommerce by hand.
      const tracking = shipments.length > 0 ? { ...desired, trackingNumber: this.doc.intent?.trackingNumber ?? desired.trackingNumber } : desired;
      await this.save({ status: 'synced', note: plan.reason, ...trackingSet(tracking), syncedAt: new Date() }, ['intent', 'lastError']);
      const made = shipments.length > 0;
      return { outcome: { ...this.base, operation: made ? 'create' : 'skip', reason: made ? undefined : plan.reason }, order: this.order, changed: made };
    }

    await this.save({ intent: { at: new Date(), trackingNumber: desired.trackingNumber } });
    for (const group of plan.groups) {
      await this.mustHoldLease();
      const created = await createShipment(
        bc,
        orderId,
        {
          order_address_id: group.orderAddressId,
          items: group.items,
          tracking_number: desired.trackingNumber,
          shipping_provider: desired.shippingProvider,
          tracking_carrier: desired.trackingCarrier,
        },
        { priority },
      );
      const saved: WrittenShipment = { shipmentId: Number(created.id), orderAddressId: group.orderAddressId, items: group.items.map((i) => ({ orderProductId: i.order_product_id, quantity: i.quantity })) };
      shipments = [...shipments, saved];
      await this.lease.write({ $push: { 'bigcommerce.shipments': saved } });
    }
    const note = plan.notes.join(' ');
    await this.save({ status: 'synced', ...trackingSet(desired), syncedAt: new Date(), ...(note ? { note } : {}) }, ['intent', 'lastError', ...(note ? [] : ['note'])]);
    return {
      outcome: { ...this.base, operation: 'create', reason: note || undefined, bigcommerceId: `${orderId}/${shipments.map((s) => s.shipmentId).join(',')}` },
      order: this.order,
      changed: true,
    };
  }

  /**
   * Adopts BigCommerce shipments of the order that carry the tracking number the interrupted
   * attempt sent and that no Zoho shipment owns yet: they are the ones it posted.
   */
  private async recover(shipments: WrittenShipment[]): Promise<WrittenShipment[]> {
    const { bc, priority, storeHash } = this.services;
    const existing = await getOrderShipments(bc, this.order.orderId, { priority });
    const owned = await ShipmentSync.find({ storeHash, orderId: this.order.orderId }, { 'bigcommerce.shipments': 1 }).lean<Pick<ShipmentSyncDoc, 'bigcommerce'>[]>();
    const taken = new Set(owned.flatMap((d) => writtenShipments(d).map((s) => s.shipmentId)));
    const mine = new Set(this.order.lineMap.map((l) => l.orderProductId));
    const sent = this.doc.intent?.trackingNumber ?? '';
    const adopted = existing
      .filter((s) => !taken.has(Number(s.id)) && (s.tracking_number ?? '') === sent && s.items.length > 0 && s.items.every((i) => mine.has(Number(i.order_product_id))))
      .map((s): WrittenShipment => ({
        shipmentId: Number(s.id),
        orderAddressId: Number(s.order_address_id),
        items: s.items.map((i) => ({ orderProductId: Number(i.order_product_id), quantity: Number(i.quantity) })),
      }));
    for (const saved of adopted) await this.lease.write({ $push: { 'bigcommerce.shipments': saved } });
    return [...shipments, ...adopted];
  }
}

function trackingSet(fields: TrackingFields): Record<string, string> {
  return {
    'bigcommerce.trackingNumber': fields.trackingNumber,
    'bigcommerce.shippingProvider': fields.shippingProvider,
    'bigcommerce.trackingCarrier': fields.trackingCarrier,
  };
}

