import { BigCommerceAuthError } from '../../bigcommerce/errors.js';
import { bigcommerceClientFor, StoreNotConnectedError } from '../../bigcommerce/clientFactory.js';
import { FulfilmentCursor, ShipmentSync, ZohoConnection, shipmentSyncId, type ShipmentSyncDoc } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import { zohoClientFor } from '../../zoho/client.js';
import { zohoDate } from '../../zoho/dates.js';
import { ZohoAuthError, ZohoBudgetExhausted } from '../../zoho/errors.js';
import type { Trigger } from '../flows.js';
import { registerFlow, type FlowOutcome, type FlowRunContext } from '../registry.js';
import { priorityForTrigger } from '../triggerPriority.js';
import { carrierFor } from './carriers.js';
import { fulfilmentOptions } from './options.js';
import { applyStatusMapping } from './orderStatus.js';
import { bcTrackingNumber, trackingUpdate } from './plan.js';
import { notOursNote, orderLinksFor, syncShipment, type FulfilmentServices } from './process.js';
import { FulfilmentZohoReads } from './read.js';
import type { OrderLinks, ZohoPackage, ZohoPackageSummary } from './types.js';

/**
 * The fulfilment poll, the safety net under Zoho's events: packages shipped since the last
 * poll (`GET /packages?shipment_date_start=`), grouped by shipment, compared with what was
 * written, and only the new or changed shipments taken through the same idempotent
 * `syncShipment` that events use. Then the optional status mapping for the orders that moved.
 */

/** A shipment as the package list shows it (one row per package it ships). */
interface PolledShipment {
  shipmentId: string;
  shipmentNumber: string;
  salesorderId: string;
  salesorderNumber: string;
  packageIds: string[];
  status: string;
  /** Undefined when the list leaves them out: then they are not compared. */
  trackingNumber?: string;
  deliveryMethod?: string;
}

const DAY_MS = 86_400_000;
const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/** Errors no other shipment of the run can escape: stop the run instead of failing each one. */
const stopsTheRun = (error: unknown) =>
  error instanceof ZohoBudgetExhausted || error instanceof ZohoAuthError || error instanceof StoreNotConnectedError || error instanceof BigCommerceAuthError;

/**
 * Where this poll starts reading: the cursor, else the Zoho connection's day; a reconciliation
 * looks further back. Days are the organization's (`timeZone`), as Zoho's shipment dates are.
 */
async function pollStart(storeHash: string, trigger: Trigger, now: Date, timeZone: string): Promise<string> {
  const cursor = await FulfilmentCursor.findById(storeHash).lean();
  let since = cursor?.shippedSince;
  if (!since) {
    const connection = await ZohoConnection.findById(storeHash, { connectedAt: 1, createdAt: 1 }).lean<{ connectedAt?: Date; createdAt?: Date }>();
    const connected = connection?.connectedAt ?? connection?.createdAt;
    since = zohoDate(connected ? daysBefore(connected, 1) : daysBefore(now, fulfilmentOptions.firstPollDays), timeZone);
  }
  if (trigger === 'reconcile') {
    const wide = zohoDate(daysBefore(now, fulfilmentOptions.reconcileDays), timeZone);
    if (wide < since) since = wide;
  }
  return since;
}

/** Groups a read package under the shipment order it documents (`package.shipment_order`). */
function collect(shipments: Map<string, PolledShipment>, pkg: ZohoPackage): void {
  const shipment = pkg.shipment_order;
  const shipmentId = String(shipment?.shipment_id ?? '');
  if (!shipment || !shipmentId) return;
  const known = shipments.get(shipmentId);
  if (known) {
    known.packageIds.push(String(pkg.package_id));
    return;
  }
  shipments.set(shipmentId, {
    shipmentId,
    shipmentNumber: shipment.shipment_number ?? '',
    salesorderId: String(pkg.salesorder_id ?? ''),
    salesorderNumber: pkg.salesorder_number ?? '',
    packageIds: [String(pkg.package_id)],
    status: shipment.status ?? '',
    trackingNumber: shipment.tracking_number,
    deliveryMethod: shipment.delivery_method || shipment.carrier,
  });
}

/** Whether the list shows anything the claim has not seen; a failed claim waits for such a change. */
function worthALook(polled: PolledShipment, claim: ShipmentSyncDoc | undefined, settings: Settings['fulfilment']): boolean {
  if (!claim || claim.status === 'pending' || claim.status === 'not_ours') return true;
  if ((claim.zoho?.status ?? '') !== polled.status) return true;
  if (polled.trackingNumber !== undefined && (claim.zoho?.trackingNumber ?? '') !== polled.trackingNumber) return true;
  if (polled.deliveryMethod !== undefined && (claim.zoho?.deliveryMethod ?? '') !== polled.deliveryMethod) return true;
  if (claim.status === 'failed') return false;
  // The carrier mapping in the settings may have changed since it was written.
  const desired = { trackingNumber: bcTrackingNumber(claim.zoho?.trackingNumber ?? ''), ...carrierFor(claim.zoho?.deliveryMethod ?? '', settings.carriers) };
  const written = { trackingNumber: claim.bigcommerce?.trackingNumber ?? '', shippingProvider: claim.bigcommerce?.shippingProvider ?? '', trackingCarrier: claim.bigcommerce?.trackingCarrier ?? '' };
  return trackingUpdate(written, desired) !== undefined && (claim.bigcommerce?.shipments?.length ?? 0) > 0;
}

export async function runFulfilment({ ctx, run, settings, reporter, heartbeat }: FlowRunContext): Promise<FlowOutcome> {
  if (!settings.fulfilment.enabled) return { status: 'skipped', message: 'Fulfilment is turned off in the settings.' };
  const { storeHash } = run;
  const startedAt = new Date();
  const priority = priorityForTrigger(run.trigger);
  const client = await zohoClientFor(ctx, storeHash);
  const zoho = new FulfilmentZohoReads(client, priority);
  const bc = await bigcommerceClientFor(ctx, storeHash);
  const services: FulfilmentServices = { storeHash, bc, zoho, settings: settings.fulfilment, priority };

  try {
    // Read: shipped packages since the cursor, grouped by shipment.
    const since = await pollStart(storeHash, run.trigger, startedAt, client.timeZone);
    const rows: ZohoPackageSummary[] = [];
    for await (const page of zoho.shippedPackages(since)) {
      rows.push(...page);
      await heartbeat();
    }
    // Load once: the app's orders of these packages' sales orders.
    const orders = await orderLinksFor(storeHash, rows.map((row) => String(row.salesorder_id ?? '')));
    // The list documents neither a package's shipment nor its tracking (packages.yml): a package
    // of the app's orders is read whole, one call each; others' packages cost nothing.
    const polled = new Map<string, PolledShipment>();
    for (const row of rows) {
      if (!orders.has(String(row.salesorder_id ?? ''))) continue;
      const shipped = await zoho.package(String(row.package_id));
      if (shipped) collect(polled, shipped);
      await heartbeat();
    }

    // Load once: the claims of these shipments.
    const claims = new Map(
      (await ShipmentSync.find({ _id: { $in: [...polled.keys()].map((id) => shipmentSyncId(storeHash, id)) } }).lean<ShipmentSyncDoc[]>()).map((c) => [c.zohoShipmentId, c]),
    );

    // Plan: sales orders that are not the app's are noted once; unchanged shipments are only counted.
    const work: { shipment: PolledShipment; order: OrderLinks }[] = [];
    const notOurs: PolledShipment[] = [];
    for (const shipment of polled.values()) {
      const order = orders.get(shipment.salesorderId);
      const claim = claims.get(shipment.shipmentId);
      if (!order) {
        if (claim) await reporter.record({ entity: 'shipment', zohoId: shipment.shipmentId, operation: 'unchanged' });
        else notOurs.push(shipment);
      } else if (worthALook(shipment, claim, settings.fulfilment)) {
        work.push({ shipment, order });
      } else {
        await reporter.record({ entity: 'shipment', zohoId: shipment.shipmentId, bigcommerceId: String(order.orderId), operation: 'unchanged' });
      }
    }
    await noteNotOurs(storeHash, notOurs, run.dryRun ?? false);
    for (const shipment of notOurs) {
      await reporter.record({ entity: 'shipment', zohoId: shipment.shipmentId, name: shipment.shipmentNumber || undefined, operation: 'skip', reason: notOursNote(shipment.salesorderNumber) });
    }

    // Apply, one shipment at a time (each a few calls; both clients pace themselves).
    await reporter.setProgress(0, work.length);
    const moved = new Map<string, OrderLinks>();
    let failures = 0;
    for (const [index, { shipment, order }] of work.entries()) {
      const base = { entity: 'shipment', zohoId: shipment.shipmentId, bigcommerceId: String(order.orderId), name: shipment.shipmentNumber || undefined } as const;
      if (run.dryRun) {
        const claim = claims.get(shipment.shipmentId);
        await reporter.record({ ...base, operation: claim?.status === 'synced' ? 'update' : 'create', reason: 'Dry run: nothing was written.' });
        continue;
      }
      try {
        const result = await syncShipment(services, shipment.shipmentId, { packageIds: shipment.packageIds, order });
        await reporter.record(result.outcome);
        if (result.changed) moved.set(order.salesorderId, order);
      } catch (error) {
        if (stopsTheRun(error)) throw error;
        failures++;
        await reporter.record({ ...base, operation: 'fail', reason: error instanceof Error ? error.message : String(error) });
      }
      await heartbeat();
      await reporter.setProgress(index + 1, work.length);
    }

    // The optional status mapping, for orders whose shipments were written or delivered.
    for (const order of moved.values()) {
      try {
        const outcome = await applyStatusMapping(services, order);
        if (outcome) await reporter.record(outcome);
      } catch (error) {
        if (stopsTheRun(error)) throw error;
        failures++;
        await reporter.record({ entity: 'order', zohoId: order.salesorderId, bigcommerceId: String(order.orderId), operation: 'fail', reason: error instanceof Error ? error.message : String(error) });
      }
    }

    // The next poll starts a little before this one (Zoho's dates are the organization's own),
    // or where this one started if a shipment still has to be retried.
    if (!run.dryRun && failures === 0) {
      await FulfilmentCursor.updateOne(
        { _id: storeHash },
        { $set: { shippedSince: zohoDate(daysBefore(startedAt, fulfilmentOptions.overlapDays), client.timeZone), updatedAt: new Date() } },
        { upsert: true },
      );
    }
  } finally {
    reporter.addApiCalls('zoho', zoho.calls);
    reporter.addApiCalls('bigcommerce', bc.callCount);
  }
}

/** Shipments of sales orders the app did not create: noted once each (one insert for the lot). */
async function noteNotOurs(storeHash: string, shipments: PolledShipment[], dryRun: boolean): Promise<void> {
  if (shipments.length === 0 || dryRun) return;
  const now = new Date();
  try {
    await ShipmentSync.insertMany(
      shipments.map((s) => ({
        _id: shipmentSyncId(storeHash, s.shipmentId),
        storeHash,
        zohoShipmentId: s.shipmentId,
        salesorderId: s.salesorderId,
        status: 'not_ours',
        note: notOursNote(s.salesorderNumber),
        zoho: { shipmentNumber: s.shipmentNumber, salesorderNumber: s.salesorderNumber, status: s.status, trackingNumber: s.trackingNumber, deliveryMethod: s.deliveryMethod },
        claimedAt: now,
      })),
      { ordered: false },
    );
  } catch (error) {
    // Another worker noted some of them first: theirs is as good.
    if ((error as { code?: number }).code !== 11000 && !String((error as Error).message).includes('E11000')) throw error;
  }
}

registerFlow('fulfilment', runFulfilment);
