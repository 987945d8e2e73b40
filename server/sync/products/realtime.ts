import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import type { AppContext } from '../../context.js';
import { Link, linkId } from '../../db/models/index.js';
import { getSettings } from '../../settings/service.js';
import type { ZohoClient } from '../../zoho/client.js';
import { zohoClientFor } from '../../zoho/client.js';
import { ZohoApiError } from '../../zoho/errors.js';
import { Priority } from '../priority.js';
import { withWebhookRun } from '../webhookRun.js';
import { applyProducts } from './apply.js';
import { groupZohoId, planProducts, type ProductOperation } from './plan.js';
import { readBigCommerceSkus } from './read.js';
import type { LinkRow, ZohoItem, ZohoItemGroup } from './types.js';

const isNotFound = (error: unknown) => error instanceof ZohoApiError && (error.httpStatus === 404 || error.code === 1002 || error.code === 2006);

/** The item (or, for an item in a group, its whole group) as Zoho has it now; undefined when gone. */
async function readRecord(zoho: ZohoClient, module: 'item' | 'itemgroup', id: string): Promise<{ items: ZohoItem[]; group?: ZohoItemGroup; gone: boolean }> {
  try {
    let groupId = id;
    if (module === 'item') {
      const { item } = await zoho.get<{ item: ZohoItem }>(`/items/${id}`, { priority: Priority.realtime });
      if (!item.group_id) return { items: [item], gone: false };
      groupId = item.group_id;
    }
    const answer = await zoho.get<{ item_group?: ZohoItemGroup & { items?: ZohoItem[] } } & Partial<ZohoItemGroup> & { items?: ZohoItem[] }>(
      `/itemgroups/${groupId}`,
      { priority: Priority.realtime },
    );
    // Zoho's documentation puts the retrieved group's fields at the top level; the API nests them.
    const group = answer.item_group ?? (answer as ZohoItemGroup & { items?: ZohoItem[] });
    const items = (group.items ?? []).map((i) => ({ ...i, group_id: String(group.group_id), group_name: group.group_name }));
    return { items, group, gone: false };
  } catch (error) {
    if (isNotFound(error)) return { items: [], gone: true };
    throw error;
  }
}

/**
 * A Zoho item or item-group webhook: re-read that record (the body's values are never trusted),
 * plan it against its links and apply, at real-time priority, inside the hourly webhook run.
 */
export async function syncProductFromWebhook(ctx: AppContext, storeHash: string, module: 'item' | 'itemgroup', recordId: string): Promise<void> {
  const settings = await getSettings(storeHash);
  if (!settings.products.enabled) return;
  await withWebhookRun(storeHash, 'products', async (reporter) => {
    const zoho = await zohoClientFor(ctx, storeHash);
    const bc = await bigcommerceClientFor(ctx, storeHash);
    const { items, group, gone } = await readRecord(zoho, module, recordId);
    reporter.addApiCalls('zoho', module === 'item' && group ? 2 : 1);

    const zohoIds = gone
      ? [module === 'itemgroup' ? groupZohoId(recordId) : recordId]
      : [...items.map((i) => i.item_id), ...(group ? [groupZohoId(String(group.group_id))] : [])];
    const links = (await Link.find({ _id: { $in: zohoIds.flatMap((z) => [linkId(storeHash, 'product', z), linkId(storeHash, 'variant', z)]) } }).lean()) as unknown as LinkRow[];

    let ops: ProductOperation[];
    if (gone) {
      // Deleted in Zoho: hide its product, never delete.
      ops = links.filter((l) => l.entity === 'product' && !l.hidden).map((l) => ({ kind: 'hide', zohoId: l.zohoId, sku: l.sku, productId: Number(l.bigcommerceId) }));
    } else {
      const linked = new Set(links.map((l) => l.zohoId));
      const needsAdoption = items.some((i) => i.status === 'active' && !linked.has(i.item_id));
      const bigcommerceSkus = needsAdoption ? await readBigCommerceSkus(bc, Priority.realtime) : new Map();
      const groups = new Map(group ? [[String(group.group_id), group]] : []);
      // Not a complete read, but the record itself was read: if it went inactive, the plan hides it.
      ops = planProducts({ items, groups, links, bigcommerceSkus, settings: settings.products, complete: false });
    }
    const callsRead = zoho.callsMade;
    await applyProducts(ops, { storeHash, bc, zoho, reporter, priority: Priority.realtime, heartbeat: async () => {} });
    // Image downloads are Zoho calls too.
    reporter.addApiCalls('zoho', zoho.callsMade - callsRead);
    reporter.addApiCalls('bigcommerce', bc.callCount);
  });
}
