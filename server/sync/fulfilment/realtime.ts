import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import type { AppContext } from '../../context.js';
import { getSettings } from '../../settings/service.js';
import { zohoClientFor } from '../../zoho/client.js';
import { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import { withWebhookRun } from '../webhookRun.js';
import { applyStatusMapping } from './orderStatus.js';
import { orderLinksFor, syncShipment, type FulfilmentServices } from './process.js';
import { FulfilmentZohoReads } from './read.js';
import type { OrderLinks, ZohoSalesOrderForFulfilment } from './types.js';

export const FULFILMENT_MODULES = ['package', 'shipmentorder', 'salesorder'] as const;
export type FulfilmentModule = (typeof FULFILMENT_MODULES)[number];
export const isFulfilmentModule = (module: string): module is FulfilmentModule => (FULFILMENT_MODULES as readonly string[]).includes(module);

/** Shipments named by a sales order's packages, each with the packages it ships. */
function shipmentsOf(so: ZohoSalesOrderForFulfilment): Map<string, string[]> {
  const shipments = new Map<string, string[]>();
  for (const p of so.packages ?? []) {
    const id = String(p.shipment_id ?? '');
    if (id) shipments.set(id, [...(shipments.get(id) ?? []), String(p.package_id)]);
  }
  return shipments;
}

/**
 * A Zoho package, shipment-order or sales-order event: find the shipment(s) it is about, re-read
 * them (the body's values are never trusted) and bring BigCommerce in line, at real-time
 * priority, inside the hourly webhook run. Answers a note for the webhook receipt when the
 * event was left alone.
 */
export async function syncFulfilmentFromEvent(ctx: AppContext, storeHash: string, module: FulfilmentModule, recordId: string): Promise<{ note?: string }> {
  const settings = await getSettings(storeHash);
  if (!settings.fulfilment.enabled) return { note: 'Fulfilment is turned off in the settings.' };

  if (module === 'salesorder') {
    // Most sales-order events concern orders that are not the app's: those need no Zoho call.
    const order = (await orderLinksFor(storeHash, [recordId])).get(recordId);
    if (!order) return { note: 'No BigCommerce order of the app has this sales order: left alone.' };
  }

  const zoho = new FulfilmentZohoReads(await zohoClientFor(ctx, storeHash), Priority.realtime);
  let packageIds: string[] | undefined;
  let shipmentIds: string[];
  let so: ZohoSalesOrderForFulfilment | undefined;
  if (module === 'shipmentorder') {
    shipmentIds = [recordId];
  } else if (module === 'package') {
    const pkg = await zoho.package(recordId);
    // Packed but not shipped yet (or deleted): nothing for BigCommerce until it ships.
    if (!pkg?.shipment_order?.shipment_id) return {};
    shipmentIds = [String(pkg.shipment_order.shipment_id)];
    packageIds = [recordId];
  } else {
    so = await zoho.salesOrder(recordId);
    if (!so) return {};
    shipmentIds = [...shipmentsOf(so).keys()];
    if (shipmentIds.length === 0 && settings.fulfilment.statuses.length === 0) return {};
  }

  let note: string | undefined;
  await withWebhookRun(storeHash, 'fulfilment', async (reporter: RunReporter) => {
    const bc = await bigcommerceClientFor(ctx, storeHash);
    const services: FulfilmentServices = { storeHash, bc, zoho, settings: settings.fulfilment, priority: Priority.realtime };
    const byShipment = so ? shipmentsOf(so) : undefined;
    try {
      let mappingOrder: OrderLinks | undefined;
      for (const shipmentId of shipmentIds) {
        const result = await syncShipment(services, shipmentId, { packageIds: byShipment?.get(shipmentId) ?? packageIds });
        await reporter.record(result.outcome);
        note ??= result.note;
        // A shipment written or delivered may move the order on; a repeated event does not.
        if (result.changed) mappingOrder ??= result.order;
      }
      if (module === 'salesorder') mappingOrder ??= (await orderLinksFor(storeHash, [recordId])).get(recordId);
      if (mappingOrder) {
        const status = await applyStatusMapping(services, mappingOrder, so);
        if (status) await reporter.record(status);
      }
    } finally {
      reporter.addApiCalls('zoho', zoho.calls);
      reporter.addApiCalls('bigcommerce', bc.callCount);
    }
  });
  return note ? { note } : {};
}
