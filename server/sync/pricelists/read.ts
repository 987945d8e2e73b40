import type { BigCommerceClient } from '../../bigcommerce/client.js';
import type { ZohoClient } from '../../zoho/client.js';
import type { Priority } from '../priority.js';
import type { BcPriceListRow, BcPriceRecordRow, ZohoItemLabel, ZohoItemRate, ZohoPricebook } from './types.js';

/**
 * Every Zoho sales price book, page by page. Zoho's list answer carries each book's items; a
 * per-item book answered without them (`pricebook_items` absent) is read on its own.
 */
export async function readZohoPricebooks(zoho: ZohoClient, priority: Priority): Promise<{ books: ZohoPricebook[]; calls: number }> {
  let calls = 0;
  const books: ZohoPricebook[] = [];
  for await (const page of zoho.pages<ZohoPricebook>('/pricebooks', 'pricebooks', { priority, query: { filter_by: 'SalesOrPurchaseType.Sales' } })) {
    calls++;
    books.push(...page.map((b) => ({ ...b, pricebook_id: String(b.pricebook_id) })));
  }
  for (const [i, book] of books.entries()) {
    if ((book.pricebook_type ?? 'per_item') !== 'per_item' || book.pricebook_items !== undefined) continue;
    const answer = await zoho.get<{ pricebook?: ZohoPricebook }>(`/pricebooks/${book.pricebook_id}`, { priority });
    calls++;
    books[i] = { ...book, pricebook_items: answer.pricebook?.pricebook_items ?? [] };
  }
  return { books, calls };
}

/**
 * Sales rates of the active Zoho items (read only when some book is a percentage one), and their
 * SKUs and names, which name the price book items the run skips.
 */
export async function readZohoRates(zoho: ZohoClient, priority: Priority): Promise<{ rates: Map<string, number>; labels: Map<string, ZohoItemLabel>; calls: number }> {
  let calls = 0;
  const rates = new Map<string, number>();
  const labels = new Map<string, ZohoItemLabel>();
  for await (const page of zoho.pages<ZohoItemRate>('/items', 'items', { priority, query: { filter_by: 'Status.Active' } })) {
    calls++;
    for (const item of page) {
      const rate = Number(item.rate);
      if (item.status !== 'inactive' && Number.isFinite(rate)) rates.set(String(item.item_id), rate);
      labels.set(String(item.item_id), { sku: item.sku, name: item.name });
    }
  }
  return { rates, labels, calls };
}

/**
 * Every BigCommerce price list. Also the run's first call, so that a store without price lists
 * (not on Enterprise: BigCommerce answers 403) spends nothing else.
 */
export async function readBigCommercePriceLists(bc: BigCommerceClient, priority: Priority): Promise<BcPriceListRow[]> {
  const lists: BcPriceListRow[] = [];
  for await (const page of bc.paginateV3<BcPriceListRow>('/pricelists', { priority })) {
    for (const l of page) lists.push({ id: l.id, name: l.name, active: l.active });
  }
  return lists;
}

/** A list's records in one currency, with their tiers: compared only when the list changed. */
export async function readPriceRecords(bc: BigCommerceClient, priceListId: number, currency: string, priority: Priority): Promise<BcPriceRecordRow[]> {
  const records: BcPriceRecordRow[] = [];
  for await (const page of bc.paginateV3<BcPriceRecordRow>(`/pricelists/${priceListId}/records`, { query: { currency, include: 'bulk_pricing_tiers' }, priority })) {
    for (const r of page) {
      if (r.currency && r.currency.toLowerCase() !== currency) continue;
      records.push({ variant_id: r.variant_id, currency: r.currency, price: Number(r.price), bulk_pricing_tiers: r.bulk_pricing_tiers ?? [] });
    }
  }
  return records;
}
