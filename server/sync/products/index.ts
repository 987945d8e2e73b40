import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import { Link } from '../../db/models/index.js';
import { zohoClientFor } from '../../zoho/client.js';
import { registerFlow, type FlowOutcome, type FlowRunContext } from '../registry.js';
import { priorityForTrigger } from '../triggerPriority.js';
import { applyProducts } from './apply.js';
import { planProducts } from './plan.js';
import { readBigCommerceSkus, readZohoCatalog } from './read.js';
import type { LinkRow } from './types.js';

/**
 * The products flow: Zoho items and item groups → BigCommerce products, by read → plan → apply →
 * link. A dry run plans and records what it would do, writing nothing to BigCommerce.
 */
export async function runProducts({ ctx, run, settings, reporter, heartbeat }: FlowRunContext): Promise<FlowOutcome> {
  const priority = priorityForTrigger(run.trigger);
  const zoho = await zohoClientFor(ctx, run.storeHash);
  const bc = await bigcommerceClientFor(ctx, run.storeHash);

  const catalog = await readZohoCatalog(zoho, priority);
  reporter.addApiCalls('zoho', catalog.calls);
  const zohoCallsRead = zoho.callsMade;
  await heartbeat();
  const links = (await Link.find({ storeHash: run.storeHash, entity: { $in: ['product', 'variant'] } }).lean()) as unknown as LinkRow[];
  const linked = new Set(links.map((l) => l.zohoId));
  const needsAdoption = catalog.items.some((i) => i.status === 'active' && !linked.has(i.item_id) && !(i.group_id && linked.has(`group:${i.group_id}`)));
  const bigcommerceSkus = needsAdoption ? await readBigCommerceSkus(bc, priority) : new Map();

  const ops = planProducts({ items: catalog.items, groups: catalog.groups, links, bigcommerceSkus, settings: settings.products, complete: true });
  await reporter.setProgress(0, ops.length);
  let note: string | undefined;
  if (run.dryRun) {
    for (const op of ops) {
      const reason = op.kind === 'skip' || op.kind === 'conflict' ? op.reason : undefined;
      await reporter.record({ entity: 'product', operation: op.kind, zohoId: op.zohoId, sku: op.sku || undefined, name: 'name' in op ? op.name : undefined, reason });
    }
  } else {
    note = await applyProducts(ops, { storeHash: run.storeHash, bc, zoho, reporter, priority, heartbeat });
  }
  // Image downloads are Zoho calls too.
  reporter.addApiCalls('zoho', zoho.callsMade - zohoCallsRead);
  reporter.addApiCalls('bigcommerce', bc.callCount);
  await reporter.setProgress(ops.length, ops.length);
  return note ? { message: note } : undefined;
}

registerFlow('products', runProducts);
