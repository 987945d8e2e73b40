import type { AppContext } from '../context.js';
import { Store, WebhookReceipt } from '../db/models/index.js';
import { unauthorized } from '../http/errors.js';
import { requeueIfStuck, type ReceiptJob } from '../jobs/receiptSweep.js';
import { isZohoConnected } from '../zoho/connectionStatus.js';
import {
  bigcommerceReceiptId,
  jobForScope,
  storeHashOf,
  type BigCommerceDelivery,
  type BigCommerceEventJobData,
} from './webhookDelivery.js';
import { webhookSecretMatches } from './webhookSecret.js';

export type DeliveryOutcome = 'queued' | 'ignored' | 'duplicate' | 'requeued';

/**
 * Records one authenticated delivery exactly once and queues its job. The receipt's insert is
 * the claim: concurrent redeliveries race on its natural _id and all but one get a duplicate-key
 * error, so exactly one job is queued whatever the timing. A redelivery of a receipt still
 * `queued` five minutes on whose job is gone queues it again (`requeued`, see
 * jobs/receiptSweep.ts). Deliveries the app cannot use are recorded as `ignored` with the
 * reason (the merchant sees them) and still acknowledged: refusing them would count against
 * the app's delivery success rate.
 */
export async function recordBigCommerceDelivery(
  ctx: AppContext,
  delivery: BigCommerceDelivery,
  presentedSecret: string,
): Promise<{ outcome: DeliveryOutcome; receiptId: string }> {
  const storeHash = storeHashOf(delivery);
  const store = await Store.findById(storeHash, { status: 1, webhookSecretHash: 1 }).lean();
  // The secret must be the one of the store the delivery names: another store's is refused too.
  if (!store || !webhookSecretMatches(presentedSecret, store.webhookSecretHash)) {
    throw unauthorized('invalid_webhook_secret', 'The delivery’s secret does not belong to the store it names.');
  }

  const receiptId = bigcommerceReceiptId(delivery);
  const job = jobForScope(delivery.scope);
  const note = !job
    ? `The app does not handle ${delivery.scope} events.`
    : store.status !== 'installed'
      ? 'The app is not installed in this store.'
      : !(await isZohoConnected(storeHash))
        ? 'Zoho Inventory is not connected yet: the next reconciliation after connecting catches up.'
        : undefined;
  const resourceId = delivery.data.id === undefined ? undefined : String(delivery.data.id);
  const data: BigCommerceEventJobData = {
    storeHash,
    receiptId,
    scope: delivery.scope,
    ...(resourceId !== undefined ? { resourceId } : {}),
    data: delivery.data,
    createdAt: delivery.created_at,
  };
  const now = new Date();

  try {
    await WebhookReceipt.create({
      _id: receiptId,
      source: 'bigcommerce',
      storeHash,
      topic: delivery.scope,
      ...(resourceId !== undefined ? { resourceId } : {}),
      status: note ? 'ignored' : 'queued',
      ...(note || !job ? { note } : { job: { name: job, data } satisfies ReceiptJob, queuedAt: now }),
      receivedAt: now,
      payload: delivery,
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    return { outcome: (await requeueIfStuck(ctx, receiptId)) ? 'requeued' : 'duplicate', receiptId };
  }
  if (note || !job) return { outcome: 'ignored', receiptId };

  try {
    await ctx.jobs.enqueue(job, data);
  } catch (error) {
    // Without its job the receipt would swallow the event: give the claim back so that
    // BigCommerce's redelivery (it retries anything but 2xx) can take it again.
    await WebhookReceipt.deleteOne({ _id: receiptId }).catch(() => undefined);
    throw error;
  }
  return { outcome: 'queued', receiptId };
}
