import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import { zohoClientFor } from '../../zoho/client.js';
import { registerFlow, type FlowOutcome, type FlowRunContext } from '../registry.js';
import { priorityForTrigger } from '../triggerPriority.js';
import { writeFromZoho } from './fromZoho.js';
import { readAllZohoStock, withLocations } from './read.js';
import { itemsWrittenSince } from './levels.js';
import { ordersNotInZohoYet } from './pendingOrders.js';
import { checkSilentWebhooks } from './silent.js';
import { waitForStockWriter } from './writer.js';

/**
 * The stock flow (`POST /api/sync/stock`, the schedule, the daily reconciliation): every active
 * Zoho item's quantity (the setting picks which), per mapped location, minus the units of
 * claimed orders Zoho does not have yet, written to BigCommerce where it changed. Real-time
 * methods run it too, as the safety net that also notices a silent Zoho webhook.
 */
export async function runStock({ ctx, run, settings, reporter, heartbeat }: FlowRunContext): Promise<FlowOutcome> {
  const priority = priorityForTrigger(run.trigger);
  const zoho = await zohoClientFor(ctx, run.storeHash);
  const bc = await bigcommerceClientFor(ctx, run.storeHash);

  // Read without the store's writer lease (minutes, on a large catalog); write holding it, and
  // only the items no flush has written since this read began (their level is newer than ours).
  // An order invoiced while the read goes on may be counted in what was read: the orders not in
  // Zoho when it began stay pending for this run.
  const readAt = new Date();
  const pendingAtRead = await ordersNotInZohoYet(run.storeHash);
  const read = await withLocations(zoho, await readAllZohoStock(zoho, priority), settings.stock.locations, priority);
  reporter.addApiCalls('zoho', read.calls);
  await heartbeat();
  await reporter.setProgress(0, read.items.length);

  const writer = run.dryRun ? undefined : await waitForStockWriter(run.storeHash, 'run', run._id, heartbeat);
  let result: Awaited<ReturnType<typeof writeFromZoho>>;
  try {
    const newer = await itemsWrittenSince(run.storeHash, readAt);
    const items = newer.size ? read.items.filter((i) => !newer.has(i.item_id)) : read.items;
    await writer?.check();
    const guarded = async () => {
      await heartbeat();
      await writer?.check();
    };
    result = await writeFromZoho({ storeHash: run.storeHash, items, complete: true, settings: settings.stock, bc, zoho, reporter, priority, heartbeat: guarded, dryRun: run.dryRun, pendingAtRead });
  } finally {
    await writer?.release().catch(() => undefined);
  }
  reporter.addApiCalls('bigcommerce', bc.callCount);
  await reporter.setProgress(read.items.length, read.items.length);

  const notes: string[] = [];
  if (result.unlinked > 0) notes.push(`${result.unlinked} Zoho item(s) have no BigCommerce product yet (the products sync links them).`);
  if (!run.dryRun) {
    const silent = await checkSilentWebhooks(run.storeHash, settings.stock.method, result.zohoChanged);
    if (silent) notes.unshift(silent);
  }
  if (result.failed > 0) notes.unshift(`${result.failed} level(s) were refused by BigCommerce.`);
  return notes.length ? { message: notes.join(' ') } : undefined;
}

registerFlow('stock', runStock);
