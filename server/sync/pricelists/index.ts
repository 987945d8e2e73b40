import { getStoreInformation } from '../../bigcommerce/catalog.js';
import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import type { BigCommerceApiError } from '../../bigcommerce/errors.js';
import { Link } from '../../db/models/index.js';
import { zohoClientFor } from '../../zoho/client.js';
import { registerFlow, type FlowOutcome, type FlowRunContext } from '../registry.js';
import { priorityForTrigger } from '../triggerPriority.js';
import { PRICELIST_ENTITY, RECORD_ENTITY, applyPriceLists, isPriceListsUnavailable } from './apply.js';
import { planPriceLists, type PriceListPlan } from './plan.js';
import { readBigCommercePriceLists, readZohoPricebooks, readZohoRates } from './read.js';
import { BASE_VARIANT_ENTITY, resolvePriceTargets, type CatalogLinkRow } from './targets.js';
import type { PriceListLinkRow } from './types.js';

/** The one message a store without price lists gets, instead of a failing job. */
export function noPriceListsMessage(error: unknown): string {
  const said = (error as BigCommerceApiError | undefined)?.title;
  return `Price lists skipped: this BigCommerce store has no price lists (they come with the Enterprise plan).${said ? ` BigCommerce answered: ${said}` : ''}`;
}

/**
 * The price lists flow: Zoho sales price books → BigCommerce price lists of the same name, by
 * read → plan → apply → link. Per-item books become records of the items' variants; percentage
 * books price every synced item from its Zoho rate with Zoho's rounding; inactive or removed
 * books deactivate their list. Runs after products (it prices the variants products linked).
 * A dry run plans and records what it would do, writing nothing to BigCommerce.
 */
export async function runPricelists({ ctx, run, settings, reporter, heartbeat }: FlowRunContext): Promise<FlowOutcome> {
  const priority = priorityForTrigger(run.trigger);
  const bc = await bigcommerceClientFor(ctx, run.storeHash);
  const skipped = (error: unknown) => {
    reporter.addApiCalls('bigcommerce', bc.callCount);
    return { status: 'skipped' as const, message: noPriceListsMessage(error) };
  };

  // BigCommerce first: a store without price lists spends no Zoho calls.
  let bigcommerceLists;
  try {
    bigcommerceLists = await readBigCommercePriceLists(bc, priority);
  } catch (error) {
    if (isPriceListsUnavailable(error)) return skipped(error);
    throw error;
  }

  const zoho = await zohoClientFor(ctx, run.storeHash);
  const { books, calls } = await readZohoPricebooks(zoho, priority);
  reporter.addApiCalls('zoho', calls);
  const rates = books.some((b) => b.pricebook_type === 'fixed_percentage') ? await readZohoRates(zoho, priority) : { rates: new Map<string, number>(), labels: undefined, calls: 0 };
  reporter.addApiCalls('zoho', rates.calls);
  await heartbeat();

  const links = (await Link.find(
    { storeHash: run.storeHash, entity: { $in: ['product', 'variant', BASE_VARIANT_ENTITY, PRICELIST_ENTITY] } },
    { entity: 1, zohoId: 1, bigcommerceId: 1, bigcommerceParentId: 1, sku: 1, hash: 1, hidden: 1 },
  ).lean()) as unknown as (CatalogLinkRow & PriceListLinkRow)[];
  const targets = await resolvePriceTargets(
    run.storeHash,
    bc,
    links.filter((l) => l.entity !== PRICELIST_ENTITY),
    priority,
  );
  // Zoho names each book's currency; only a book without one needs the store's (one more read).
  const defaultCurrency = books.some((b) => !b.currency_code) ? String((await getStoreInformation(bc, { priority })).currency ?? 'USD') : 'USD';

  const plan = planPriceLists({
    books,
    rates: rates.rates,
    labels: rates.labels,
    targets,
    links: links.filter((l) => l.entity === PRICELIST_ENTITY),
    bigcommerceLists,
    assignments: settings.pricelists.assignments,
    defaultCurrency,
    compareAll: run.trigger === 'reconcile',
  });
  await reporter.setProgress(0, plan.operations.length);
  if (run.dryRun) await recordDryRun(plan, reporter);
  else {
    try {
      await applyPriceLists(plan, { storeHash: run.storeHash, bc, reporter, priority, heartbeat });
    } catch (error) {
      // The plan changed under us (BigCommerce took price lists away mid-run).
      if (isPriceListsUnavailable(error)) return skipped(error);
      throw error;
    }
  }
  reporter.addApiCalls('bigcommerce', bc.callCount);
  await reporter.setProgress(plan.operations.length, plan.operations.length);
}

async function recordDryRun(plan: PriceListPlan, reporter: FlowRunContext['reporter']): Promise<void> {
  for (const skip of plan.skippedRecords) {
    await reporter.record({ entity: RECORD_ENTITY, operation: 'skip', zohoId: skip.zohoItemId, sku: skip.sku, name: skip.pricebookName, reason: skip.reason });
  }
  for (const op of plan.operations) {
    if (op.kind === 'create') await reporter.record({ entity: PRICELIST_ENTITY, operation: 'create', zohoId: op.list.zohoId, name: op.list.name });
    else if (op.kind === 'sync') await reporter.record({ entity: PRICELIST_ENTITY, operation: op.adopted ? 'adopt' : 'update', zohoId: op.list.zohoId, name: op.list.name, bigcommerceId: String(op.priceListId) });
    else if (op.kind === 'deactivate') await reporter.record({ entity: PRICELIST_ENTITY, operation: 'hide', zohoId: op.zohoId, name: op.name, bigcommerceId: String(op.priceListId) });
    else if (op.kind === 'unchanged') await reporter.record({ entity: PRICELIST_ENTITY, operation: 'unchanged', zohoId: op.zohoId, name: op.name });
    else await reporter.record({ entity: PRICELIST_ENTITY, operation: op.kind, zohoId: op.zohoId, name: op.name, reason: op.reason });
  }
}

registerFlow('pricelists', runPricelists);
