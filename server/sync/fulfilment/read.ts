import type { ZohoClient } from '../../zoho/client.js';
import { ZohoApiError } from '../../zoho/errors.js';
import type { Priority } from '../priority.js';
import type { ShipmentFacts, ZohoPackage, ZohoPackageLine, ZohoPackageSummary, ZohoSalesOrderForFulfilment, ZohoShipmentOrder } from './types.js';

const isNotFound = (error: unknown) => error instanceof ZohoApiError && (error.httpStatus === 404 || error.code === 1002 || error.code === 2006);

/**
 * The flow's Zoho reads, at one priority, counted (a run reports the calls it spent). A record
 * that is gone reads as undefined.
 */
export class FulfilmentZohoReads {
  calls = 0;

  constructor(
    private readonly zoho: ZohoClient,
    private readonly priority: Priority,
  ) {}

  private async read<T extends object>(path: string): Promise<T | undefined> {
    this.calls++;
    try {
      return await this.zoho.get<T>(path, { priority: this.priority });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Zoho keys one shipment order `shipment_order` or `shipmentorder`, depending on the call. */
  async shipmentOrder(shipmentId: string): Promise<ZohoShipmentOrder | undefined> {
    const answer = await this.read<{ shipment_order?: ZohoShipmentOrder; shipmentorder?: ZohoShipmentOrder }>(`/shipmentorders/${shipmentId}`);
    return answer?.shipment_order ?? answer?.shipmentorder;
  }

  async package(packageId: string): Promise<ZohoPackage | undefined> {
    return (await this.read<{ package?: ZohoPackage }>(`/packages/${packageId}`))?.package;
  }

  async salesOrder(salesorderId: string): Promise<ZohoSalesOrderForFulfilment | undefined> {
    return (await this.read<{ salesorder?: ZohoSalesOrderForFulfilment }>(`/salesorders/${salesorderId}`))?.salesorder;
  }

  /** Pages of packages shipped on or after a Zoho date (YYYY-MM-DD). */
  async *shippedPackages(since: string): AsyncGenerator<ZohoPackageSummary[]> {
    const pages = this.zoho.pages<ZohoPackageSummary>('/packages', 'packages', { priority: this.priority, query: { shipment_date_start: since } });
    for await (const page of pages) {
      this.calls++;
      yield page;
    }
  }

  /**
   * A shipment with its lines as sales-order lines. Zoho's shipment answer may leave out which
   * sales-order line each of its lines ships (`so_line_item_id`); the packages it ships say it,
   * so they are read then: from the shipment's own list, the caller's, or the sales order's.
   */
  async shipmentFacts(shipmentId: string, packageIds: string[] = []): Promise<ShipmentFacts | undefined> {
    const shipment = await this.shipmentOrder(shipmentId);
    if (!shipment) return undefined;
    let lines: ZohoPackageLine[] = shipment.line_items ?? [];
    if (lines.length === 0 || lines.some((l) => !l.so_line_item_id)) {
      let ids = shipment.packages?.map((p) => String(p.package_id)) ?? packageIds;
      if (ids.length === 0 && shipment.salesorder_id) {
        const so = await this.salesOrder(shipment.salesorder_id);
        ids = (so?.packages ?? []).filter((p) => String(p.shipment_id ?? '') === String(shipmentId)).map((p) => String(p.package_id));
      }
      if (ids.length > 0) {
        const packages = await Promise.all(ids.map((id) => this.package(id)));
        lines = packages.flatMap((p) => p?.line_items ?? []);
      }
    }
    return {
      shipmentId: String(shipment.shipment_id),
      shipmentNumber: shipment.shipment_number ?? '',
      salesorderId: String(shipment.salesorder_id ?? ''),
      salesorderNumber: shipment.salesorder_number ?? '',
      status: shipment.status ?? '',
      deliveryMethod: shipment.delivery_method || shipment.carrier || '',
      trackingNumber: shipment.tracking_number ?? '',
      lines: lines
        .map((l) => ({ soLineItemId: String(l.so_line_item_id ?? l.line_item_id ?? ''), quantity: Number(l.quantity) }))
        .filter((l) => l.soLineItemId !== '' && Number.isFinite(l.quantity) && l.quantity > 0),
    };
  }
}
