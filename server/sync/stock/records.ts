import type { ZohoClient } from '../../zoho/client.js';
import { ZohoApiError } from '../../zoho/errors.js';
import { Priority } from '../priority.js';

/**
 * Zoho has no stock-level event: an adjustment, a sales order, an invoice, a purchase receive,
 * a package or a shipment moves stock, and its webhook names only the record. Reading the record
 * tells which items it moved. A record that cannot be read (deleted: its stock came back) names
 * no items, and the caller reads every item instead.
 */
const RECORD_PATHS: Record<string, string> = {
  inventory_adjustment: '/inventoryadjustments',
  salesorder: '/salesorders',
  invoice: '/invoices',
  purchasereceive: '/purchasereceives',
  package: '/packages',
  shipmentorder: '/shipmentorders',
};

/** The Zoho modules whose events concern stock (items themselves included). */
export const STOCK_MODULES: readonly string[] = ['item', ...Object.keys(RECORD_PATHS)];
export const isStockModule = (module: string) => STOCK_MODULES.includes(module);

export interface RecordRef {
  module: string;
  recordId: string;
}

const isNotFound = (error: unknown) => error instanceof ZohoApiError && (error.httpStatus === 404 || error.code === 1002);

/** The item ids of a record's lines (the record sits under a module-named key Zoho spells in several ways). */
export function itemIdsOfAnswer(answer: Record<string, unknown>): string[] | undefined {
  for (const value of Object.values(answer)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const lines = (value as { line_items?: unknown }).line_items;
    if (!Array.isArray(lines)) continue;
    return [...new Set(lines.map((l) => (l as { item_id?: unknown })?.item_id).filter((id): id is string | number => id !== undefined && id !== '').map(String))];
  }
  return undefined;
}

export async function resolveRecordItems(zoho: ZohoClient, records: readonly RecordRef[]): Promise<{ itemIds: Set<string>; unresolved: number; calls: number }> {
  const itemIds = new Set<string>();
  let unresolved = 0;
  let calls = 0;
  for (const { module, recordId } of records) {
    const path = RECORD_PATHS[module];
    if (!path) {
      unresolved++;
      continue;
    }
    try {
      calls++;
      const ids = itemIdsOfAnswer(await zoho.get(`${path}/${encodeURIComponent(recordId)}`, { priority: Priority.realtime }));
      if (ids === undefined) unresolved++;
      else for (const id of ids) itemIds.add(id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      unresolved++;
    }
  }
  return { itemIds, unresolved, calls };
}
