import type { AppContext } from '../context.js';
import { Schedule, ZohoConnection, scheduleId } from '../db/models/index.js';
import type { Schedule as ScheduleSpec, Settings } from '../settings/schema.js';
import { readStoredSettings, type StoredSettings } from '../settings/service.js';
import { CATALOG_FLOWS, FLOWS, type Flow } from './flows.js';
import { scheduleStretch } from './budgetStretch.js';
import { nextOccurrence } from './nextOccurrence.js';
import { requestRun } from './runs.js';
import { dueSchedules } from '../db/hotQueries.js';

/** Flows a reconciliation compares in full (contacts ride along with orders). */
const RECONCILED_FLOWS: Flow[] = ['products', 'pricelists', 'stock', 'orders', 'fulfilment'];
const RECONCILE = 'reconcile';

/** The schedules a store's settings ask for: one per enabled flow, plus the daily reconciliation. */
function wantedSchedules(settings: Settings): Map<string, ScheduleSpec> {
  const wanted = new Map<string, ScheduleSpec>();
  for (const flow of FLOWS) if (settings[flow].enabled) wanted.set(flow, settings[flow].schedule);
  if (settings.reconciliation.enabled) wanted.set(RECONCILE, settings.reconciliation.schedule);
  return wanted;
}

const specKey = (spec: ScheduleSpec) => JSON.stringify(spec);

/**
 * The settings the schedules follow. Until the merchant confirms the settings (saves them, in
 * Settings or the setup guide), the catalog flows, which overwrite what the store shows, wait;
 * orders, fulfilment and their reconciliation run from the moment Zoho is connected.
 */
function scheduledSettings({ settings, confirmed }: StoredSettings): Settings {
  if (confirmed) return settings;
  const waiting = Object.fromEntries(CATALOG_FLOWS.map((flow) => [flow, { ...settings[flow], enabled: false }]));
  return { ...settings, ...waiting };
}

/** Enabled catalog flows that wait for the merchant to confirm the settings. */
const waitingForSettings = ({ settings, confirmed }: StoredSettings): Flow[] => (confirmed ? [] : CATALOG_FLOWS.filter((flow) => settings[flow].enabled));

/** Zoho connected and an organization chosen (a connection that needs reconnecting keeps its schedules). */
const hasOrganization = async (storeHash: string) => (await ZohoConnection.exists({ _id: storeHash, status: { $ne: 'pending_organization' } })) !== null;

const scheduledSettingsOf = async (storeHash: string) => scheduledSettings(await readStoredSettings(storeHash));

/**
 * Brings a store's schedule rows in line with its settings: new or changed schedules get a
 * fresh next run, disabled ones disappear; a store without Zoho (or without its organization)
 * has none. Called when Zoho is connected (organization chosen, or reconnected) and when
 * settings are saved (`stored` then gives them, confirmed).
 */
export async function syncStoreSchedules(storeHash: string, stored?: StoredSettings, now = new Date()): Promise<void> {
  if (!(await hasOrganization(storeHash))) return clearStoreSchedules(storeHash);
  const wanted = wantedSchedules(scheduledSettings(stored ?? (await readStoredSettings(storeHash))));
  const existing = await Schedule.find({ storeHash }).lean();
  const stale = existing.filter((row) => !wanted.has(row.task)).map((row) => row._id);
  if (stale.length) await Schedule.deleteMany({ _id: { $in: stale } });
  for (const [task, spec] of wanted) {
    const row = existing.find((r) => r.task === task);
    if (row && row.spec === specKey(spec)) continue;
    await Schedule.updateOne(
      { _id: scheduleId(storeHash, task) },
      { $set: { storeHash, task, spec: specKey(spec), nextRunAt: nextOccurrence(spec, now) } },
      { upsert: true },
    );
  }
}

/** Forgets a store's schedules (uninstall, Zoho disconnected). */
export async function clearStoreSchedules(storeHash: string): Promise<void> {
  await Schedule.deleteMany({ storeHash });
}

/** A reconciliation compares the flows the store runs on schedule. */
async function reconciledFlows(storeHash: string): Promise<Flow[]> {
  const settings = await scheduledSettingsOf(storeHash);
  return RECONCILED_FLOWS.filter((flow) => settings[flow].enabled);
}

export interface StoreSchedules {
  schedules: { task: string; nextRunAt: Date }[];
  /** Enabled catalog flows not scheduled yet: they wait for the merchant to confirm the settings. */
  waitingForSettings: Flow[];
}

/** What the Overview shows of a store's schedules. */
export async function readStoreSchedules(storeHash: string): Promise<StoreSchedules> {
  const [rows, connected, stored] = await Promise.all([
    Schedule.find({ storeHash }, { task: 1, nextRunAt: 1 }).lean(),
    hasOrganization(storeHash),
    readStoredSettings(storeHash),
  ]);
  return {
    schedules: rows.map((r) => ({ task: r.task, nextRunAt: r.nextRunAt })),
    waitingForSettings: connected ? waitingForSettings(stored) : [],
  };
}

/**
 * The `scheduler.tick` job (every 15 seconds, one at a time across workers): starts every due run,
 * reading only the due schedules (an index on `nextRunAt`).
 * Each due row is advanced by compare-and-set on its old `nextRunAt`, so with any number of
 * workers a slot starts exactly one run. Stores whose Zoho is not connected are passed over.
 */
export async function runDueSchedules(ctx: AppContext, now = new Date()): Promise<number> {
  const due = await Schedule.find(dueSchedules.filter(now)).lean();
  if (due.length === 0) return 0;
  const connected = new Set(
    (await ZohoConnection.find({ _id: { $in: [...new Set(due.map((d) => d.storeHash))] }, status: 'connected' }, { _id: 1 }).lean()).map((c) => c._id),
  );
  let started = 0;
  const stretches = new Map<string, number>();
  for (const row of due) {
    const spec = JSON.parse(row.spec) as ScheduleSpec;
    // Interval schedules stretch when they would not fit the Zoho plan's daily budget.
    let stretch = stretches.get(row.storeHash);
    if (stretch === undefined && connected.has(row.storeHash)) {
      stretch = await scheduleStretch(row.storeHash, await scheduledSettingsOf(row.storeHash));
      stretches.set(row.storeHash, stretch);
    }
    const plain = nextOccurrence(spec, now);
    const next = 'every' in spec && (stretch ?? 1) > 1 ? new Date(now.getTime() + (plain.getTime() - now.getTime()) * stretch!) : plain;
    const advanced = await Schedule.updateOne({ _id: row._id, nextRunAt: row.nextRunAt }, { $set: { nextRunAt: next, stretch: stretch ?? 1 } });
    if (advanced.modifiedCount !== 1 || !connected.has(row.storeHash)) continue;
    const flows = row.task === RECONCILE ? await reconciledFlows(row.storeHash) : [row.task as Flow];
    for (const flow of flows) {
      await requestRun(ctx, { storeHash: row.storeHash, flow, trigger: row.task === RECONCILE ? 'reconcile' : 'schedule' });
      started++;
    }
  }
  return started;
}
