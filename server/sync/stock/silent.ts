import { StockState } from '../../db/models/index.js';
import type { Settings } from '../../settings/schema.js';
import { stockRealtime } from './options.js';

/**
 * The "silent webhook" check, made by every scheduled stock run: with a real-time method on,
 * Zoho quantities that moved without any Zoho webhook for a day mean the workflow rules are
 * missing, disabled or not allowed by the Zoho plan. The run says so and the panel shows it
 * (GET /api/stock/status) until a Zoho webhook arrives again.
 */
export async function checkSilentWebhooks(storeHash: string, method: Settings['stock']['method'], zohoChanged: number, now = new Date()): Promise<string | undefined> {
  if (method === 'scheduled') {
    await StockState.updateOne({ _id: storeHash }, { $unset: { realtimeSince: 1, silent: 1 } });
    return undefined;
  }
  const state = await StockState.findById(storeHash, { lastZohoEventAt: 1, realtimeSince: 1 }).lean();
  if (!state?.realtimeSince) await StockState.updateOne({ _id: storeHash }, { $set: { realtimeSince: now } }, { upsert: true });
  const since = state?.realtimeSince ?? now;
  const heardAt = Math.max(since.getTime(), state?.lastZohoEventAt?.getTime() ?? 0);
  const quietMs = now.getTime() - heardAt;
  if (zohoChanged > 0 && quietMs >= stockRealtime.silentAfterMs) {
    const hours = Math.floor(quietMs / 3_600_000);
    const message =
      `No Zoho webhook has arrived for ${hours} h, yet ${zohoChanged} item(s) changed in Zoho: real-time stock needs Zoho workflow rules ` +
      `with webhooks (a feature of Zoho's higher plans). Check them in Zoho Inventory; meanwhile the scheduled sync keeps stock right.`;
    await StockState.updateOne({ _id: storeHash }, { $set: { silent: { detectedAt: now, changedItems: zohoChanged, message } } });
    return message;
  }
  if (state?.lastZohoEventAt && now.getTime() - state.lastZohoEventAt.getTime() < stockRealtime.silentAfterMs) {
    await StockState.updateOne({ _id: storeHash }, { $unset: { silent: 1 } });
  }
  return undefined;
}
