import { SyncRun, ZohoConnection } from '../db/models/index.js';
import type { Settings } from '../settings/schema.js';
import { FLOWS } from './flows.js';
import { runsPerDay } from './nextOccurrence.js';

/** Share of the Zoho plan's daily calls kept free for orders and real-time stock. */
export const ORDERS_RESERVE = 0.3;
/** Zoho calls a run is assumed to cost before its flow has run once. */
const DEFAULT_CALLS_PER_RUN = 5;

/**
 * How much a store's interval schedules must be stretched so that scheduled work fits inside
 * its share of the Zoho plan's daily budget (an organization's stores share it) with room left for orders: 1 when it fits, 2 when it needs twice
 * the room, and so on. Each flow's cost per run is what its latest scheduled or manual run spent.
 */
export async function scheduleStretch(storeHash: string, settings: Settings): Promise<number> {
  const connection = await ZohoConnection.findById(storeHash, { dailyBudget: 1, organizationId: 1 }).lean();
  if (!connection?.dailyBudget) return 1;
  // Stores sharing one Zoho organization share its daily limit: each plans with its part.
  const sharing = connection.organizationId ? await ZohoConnection.countDocuments({ organizationId: connection.organizationId, status: 'connected' }) : 1;
  const budget = connection.dailyBudget / Math.max(1, sharing);
  const recent = await SyncRun.find({ storeHash, trigger: { $in: ['schedule', 'manual'] }, status: { $in: ['succeeded', 'partial'] } }, { flow: 1, apiCalls: 1, queuedAt: 1 })
    .sort({ queuedAt: -1 })
    .limit(100)
    .lean();
  let demand = 0;
  for (const flow of FLOWS) {
    if (!settings[flow].enabled || flow === 'orders') continue;
    const last = recent.find((run) => run.flow === flow);
    demand += runsPerDay(settings[flow].schedule) * Math.max(1, last?.apiCalls?.zoho ?? DEFAULT_CALLS_PER_RUN);
  }
  const usable = budget * (1 - ORDERS_RESERVE);
  return demand <= usable ? 1 : Math.ceil((demand / usable) * 10) / 10;
}
