import { StockDirty, StockState } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import { getSettings } from '../../settings/service.js';
import { currentStockWriter } from './writer.js';

/**
 * What the stock panel shows: the method and what it needs, how real time is doing (the current
 * coalescing window and why it is wide, when each platform was last heard from, records waiting)
 * and the alerts (a silent Zoho webhook).
 */
export const METHOD_REQUIREMENTS: Record<Settings['stock']['method'], string> = {
  scheduled: 'Reads Zoho Inventory on the stock schedule and needs nothing more. BigCommerce is at most one interval behind.',
  oneway:
    'Needs Zoho workflow rules with webhooks (Zoho Inventory → Settings → Automation; offered on Zoho’s higher plans) for items, inventory adjustments, sales orders, invoices and purchase receives. The scheduled sync keeps running as a safety net.',
  twoway:
    'Everything one-way needs (Zoho workflow webhooks, from Zoho’s Professional plan), plus BigCommerce inventory webhooks, which the app registers itself. Levels set in BigCommerce become Zoho inventory adjustments.',
};

export interface StockAlert {
  kind: 'silent_webhook' | 'budget_low';
  message: string;
  since?: Date;
}

export async function getStockStatus(storeHash: string) {
  const settings = await getSettings(storeHash);
  const { method, enabled, quantity, locations } = settings.stock;
  const [state, waiting, writer] = await Promise.all([StockState.findById(storeHash).lean(), StockDirty.countDocuments({ storeHash }), currentStockWriter(storeHash)]);
  const realtime = enabled && method !== 'scheduled';
  const alerts: StockAlert[] = [];
  if (realtime && state?.silent?.message) alerts.push({ kind: 'silent_webhook', message: state.silent.message, since: state.silent.detectedAt ?? undefined });
  if (realtime && state?.window?.message) alerts.push({ kind: 'budget_low', message: state.window.message, since: state.window.at ?? undefined });
  return {
    enabled,
    method,
    quantity,
    locations,
    requirements: METHOD_REQUIREMENTS[method],
    realtime: {
      active: realtime,
      windowMs: state?.window?.ms ?? null,
      lastZohoEventAt: state?.lastZohoEventAt ?? null,
      lastBigCommerceEventAt: state?.lastBigCommerceEventAt ?? null,
      lastFlushAt: state?.lastFlushAt ?? null,
      waitingRecords: waiting,
    },
    /** Who writes the store's stock now (one writer at a time): a flush, its two-way corrections, or a run. */
    writer,
    alerts,
  };
}
