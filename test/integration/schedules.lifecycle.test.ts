import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Schedule, SyncRun } from '../../server/db/models/index.js';
import { runDueSchedules } from '../../server/sync/scheduler.js';
import { signPayload } from '../../sandbox/bigcommerce/signing.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectThroughPanel } from '../support/zohoConnect.js';
import { connectZohoStore } from './zoho.helpers.js';

/**
 * Schedules follow the Zoho connection: connecting schedules orders, fulfilment and their
 * reconciliation at once; the catalog flows wait until the merchant confirms the settings;
 * disconnecting and uninstalling clear them all.
 */
const STORE = 'schedlife';
let h: TestHarness;
let session: string;
let connected: Awaited<ReturnType<typeof connectZohoStore>>;
const auth = () => ({ authorization: `Bearer ${session}` });
const schedules = async () => (await request(h.app).get('/api/schedules').set(auth())).body as { schedules: { task: string; nextRunAt: string }[]; waitingForSettings: string[] };
const tasks = async () => (await schedules()).schedules.map((s) => s.task).sort();

beforeAll(async () => {
  h = await startTestHarness({ storeHash: STORE, zoho: {} });
  connected = await connectZohoStore(h, STORE);
  session = connected.session;
});
afterAll(async () => h?.close());

describe('from the moment Zoho is connected', () => {
  it('orders, fulfilment and the reconciliation have a next run; the catalog flows wait for confirmed settings', async () => {
    const listed = await schedules();
    expect(listed.schedules.map((s) => s.task).sort()).toEqual(['fulfilment', 'orders', 'reconcile']);
    expect(listed.schedules.every((s) => new Date(s.nextRunAt).getTime() > Date.now())).toBe(true);
    expect(listed.waitingForSettings).toEqual(['products', 'pricelists', 'stock']);
  });

  it('the reconciliation compares orders and fulfilment only until then', async () => {
    await Schedule.updateOne({ storeHash: STORE, task: 'reconcile' }, { $set: { nextRunAt: new Date(Date.now() - 1_000) } });
    expect(await runDueSchedules(h.ctx)).toBe(2);
    const runs = await SyncRun.find({ storeHash: STORE, trigger: 'reconcile' }).lean();
    expect(runs.map((r) => r.flow).sort()).toEqual(['fulfilment', 'orders']);
  });

  it('saving the settings (the setup guide does too) starts the catalog flows on schedule', async () => {
    const settings = (await request(h.app).get('/api/settings').set(auth())).body;
    expect((await request(h.app).put('/api/settings').set(auth()).send(settings)).status).toBe(200);
    const listed = await schedules();
    expect(listed.schedules.map((s) => s.task).sort()).toEqual(['fulfilment', 'orders', 'pricelists', 'products', 'reconcile', 'stock']);
    expect(listed.waitingForSettings).toEqual([]);
  });

  it('a reconnect schedules again (a store whose rows were never written gets them)', async () => {
    await Schedule.deleteMany({ storeHash: STORE });
    await connectThroughPanel(h.app, h.zoho!, session, connected.org.id, connected.email);
    expect(await tasks()).toEqual(['fulfilment', 'orders', 'pricelists', 'products', 'reconcile', 'stock']);
  });
});

describe('without Zoho nothing is scheduled', () => {
  it('disconnecting clears every schedule', async () => {
    expect((await request(h.app).delete('/api/zoho/connection').set(auth())).status).toBe(200);
    expect(await schedules()).toEqual({ schedules: [], waitingForSettings: [] });
    // Settings saved while Zoho is away schedule nothing either.
    const settings = (await request(h.app).get('/api/settings').set(auth())).body;
    expect((await request(h.app).put('/api/settings').set(auth()).send(settings)).status).toBe(200);
    expect(await tasks()).toEqual([]);
  });

  it('uninstalling clears every schedule', async () => {
    await connectThroughPanel(h.app, h.zoho!, session, connected.org.id, connected.email);
    expect(await Schedule.countDocuments({ storeHash: STORE })).toBe(6);
    const store = h.bigcommerce.state.defaultStore;
    const jwt = await signPayload({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }, store, store.owner);
    expect((await request(h.app).get('/bigcommerce/uninstall').query({ signed_payload_jwt: jwt })).status).toBe(200);
    expect(await Schedule.countDocuments({ storeHash: STORE })).toBe(0);
  });
});
