import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../server/context.js';
import { decryptSecret } from '../../server/crypto.js';
import { ApiUsage, ZohoConnection, apiUsageId, utcDay } from '../../server/db/models/index.js';
import { zohoClientFor } from '../../server/zoho/client.js';
import { ZohoApiError, ZohoAuthError, ZohoBudgetExhausted, ZohoRateLimited } from '../../server/zoho/errors.js';
import { configureZohoRuntime, zohoRuntime, type ZohoRuntimeOverrides } from '../../server/zoho/runtime.js';
import { createItem } from '../../sandbox/zoho/api/items.js';
import type { Exchange } from '../../sandbox/common/exchanges.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { connectZohoStore } from './zoho.helpers.js';

/** Zoho's 100 calls per minute, scaled: 50 per quarter second, on both sides. */
const WINDOW_MS = 250;
const PER_WINDOW = 50;
const SCALED: ZohoRuntimeOverrides = {
  perInterval: PER_WINDOW,
  intervalMs: WINDOW_MS,
  rateLimitPauseMs: 50,
  concurrencyPauseMs: 10,
  transientPauseMs: 5,
  maxRateLimitRetries: 3,
  tokens: { pollMs: 10 },
  budget: { flushMs: 20 },
};

let h: TestHarness;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  h = await startTestHarness({
    storeHash: 'zcli0',
    zoho: { limits: { requestsPerMinute: PER_WINDOW, minuteWindowMs: WINDOW_MS, dailyCalls: { standard: 40 } } },
  });
  h.zoho!.exchangeListeners.add((exchange) => exchanges.push(exchange));
});
afterAll(async () => h?.close());
beforeEach(() => {
  configureZohoRuntime(h.ctx, SCALED);
  h.zoho!.faults.clear();
});

const refreshes = () => h.zoho!.state.oauth.refreshCount;
const apiCalls = () => h.zoho!.state.callCount('GET /inventory/v1') + h.zoho!.state.callCount('POST /inventory/v1');

function seedItems(org: Parameters<typeof createItem>[0], count: number) {
  for (let i = 0; i < count; i++) createItem(org, { name: `Item ${i}`, sku: `SKU-${i}`, rate: 10 });
}

/** Makes the stored access token look expired to the app (Zoho still knows it). */
async function expireStoredToken(storeHash: string) {
  await ZohoConnection.updateOne({ _id: storeHash }, { $set: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
}

describe('calls', () => {
  it('sends organization_id and the Zoho-oauthtoken header on every call and reads the envelope', async () => {
    const { org } = await connectZohoStore(h, 'zcli1');
    seedItems(org, 3);
    const client = await zohoClientFor(h.ctx, 'zcli1');
    exchanges.length = 0;
    const answer = await client.get<{ items: { sku: string }[] }>('/items', { priority: 'realtime' });
    expect(answer.code).toBe(0);
    expect(answer.items.map((i) => i.sku)).toEqual(['SKU-0', 'SKU-1', 'SKU-2']);
    const sent = exchanges.find((e) => e.path === '/inventory/v1/items')!;
    expect(sent.query.organization_id).toBe(org.id);
    expect(String(sent.headers.authorization)).toMatch(/^Zoho-oauthtoken 1000\./);
  });

  it('pages through a list until has_more_page is false', async () => {
    const { org } = await connectZohoStore(h, 'zcli2');
    seedItems(org, 450);
    const client = await zohoClientFor(h.ctx, 'zcli2');
    const before = apiCalls();
    const sizes: number[] = [];
    for await (const page of client.pages('/items', 'items', { priority: 'scheduled' })) sizes.push(page.length);
    expect(sizes).toEqual([200, 200, 50]);
    expect(apiCalls() - before).toBe(3);
    const skus = new Set<string>();
    for await (const item of client.records<{ sku: string }>('/items', 'items', { priority: 'scheduled', query: { per_page: 100 } })) skus.add(item.sku);
    expect(skus.size).toBe(450);
  });

  it('turns Zoho’s envelope into typed errors', async () => {
    await connectZohoStore(h, 'zcli3');
    const client = await zohoClientFor(h.ctx, 'zcli3');
    const missing = await client.get('/items/123', { priority: 'realtime' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ZohoApiError);
    expect(missing).toMatchObject({ httpStatus: 404, code: 1002 });
    expect(missing).not.toBeInstanceOf(ZohoAuthError);

    const invalid = await client.post('/items', { rate: 1 }, { priority: 'realtime' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ httpStatus: 400 });
    expect((invalid as ZohoApiError).code).toBeGreaterThan(0);

    // A server error: GETs are retried, then reported as transient.
    h.zoho!.faults.set({ errorRate: 1, errorStatus: 503 });
    const before = apiCalls();
    const down = await client.get('/items', { priority: 'realtime' }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ZohoApiError);
    expect((down as ZohoApiError).transient).toBe(true);
    expect(apiCalls() - before).toBe(3);

    // A per-minute limit that never lifts: waits and retries, then says so.
    h.zoho!.faults.set({ errorRate: 1, errorStatus: 429 });
    const limited = await client.get('/items', { priority: 'realtime' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ZohoRateLimited);
    expect(limited).toMatchObject({ code: 44, httpStatus: 429 });
  });
});

describe('tokens', () => {
  it('20 concurrent callers with an expired token cause exactly one refresh', async () => {
    await connectZohoStore(h, 'zcli4');
    await expireStoredToken('zcli4');
    configureZohoRuntime(h.ctx, SCALED);
    const client = await zohoClientFor(h.ctx, 'zcli4');
    const before = refreshes();
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.get('/items', { priority: 'realtime' })));
    expect(answers.every((a) => a.code === 0)).toBe(true);
    expect(refreshes() - before).toBe(1);
    expect((await ZohoConnection.findById('zcli4').lean())?.tokenVersion).toBe(2);
  });

  it('processes that share the database refresh once between them', async () => {
    await connectZohoStore(h, 'zcli5');
    await expireStoredToken('zcli5');
    // Three "processes": their own runtime (token cache, in-flight promise), one database.
    const contexts: AppContext[] = [1, 2, 3].map(() => ({ ...h.ctx, config: { ...h.ctx.config } }));
    for (const ctx of contexts) configureZohoRuntime(ctx, SCALED);
    const clients = await Promise.all(contexts.map((ctx) => zohoClientFor(ctx, 'zcli5')));
    const before = refreshes();
    await Promise.all(clients.flatMap((client) => Array.from({ length: 7 }, () => client.get('/items', { priority: 'realtime' }))));
    expect(refreshes() - before).toBe(1);
  });

  it('a token Zoho no longer accepts (401, code 57) is refreshed once and the calls retried', async () => {
    await connectZohoStore(h, 'zcli6');
    const client = await zohoClientFor(h.ctx, 'zcli6');
    await client.get('/items', { priority: 'realtime' });
    // Zoho forgets every access token it issued (the app still thinks them valid).
    h.zoho!.state.oauth.accessTokens.clear();
    const before = refreshes();
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.get('/items', { priority: 'realtime' })));
    expect(answers).toHaveLength(20);
    expect(refreshes() - before).toBe(1);
  });

  it('a revoked refresh token marks the connection "needs reconnecting" and stops calls', async () => {
    const { session } = await connectZohoStore(h, 'zcli7');
    const doc = await ZohoConnection.findById('zcli7').lean();
    h.zoho!.state.oauth.revoke(decryptSecret(doc!.refreshTokenSealed!, h.ctx.config.encryptionKey));
    const client = await zohoClientFor(h.ctx, 'zcli7');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.get('/items', { priority: 'realtime' })));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ZohoAuthError)).toBe(true);
    expect(await ZohoConnection.findById('zcli7').lean()).toMatchObject({ status: 'needs_reconnect' });

    const status = await request(h.app).get('/api/session').set('authorization', `Bearer ${session}`);
    expect(status.body.connections.zoho.status).toBe('needs_reconnect');
    expect(status.body.connections.zoho.lastError.message).toMatch(/connect Zoho Inventory again/);

    // From now on nothing goes to Zoho: neither API calls nor refreshes.
    const calls = h.zoho!.state.callCount();
    await expect(client.get('/items', { priority: 'realtime' })).rejects.toBeInstanceOf(ZohoAuthError);
    await expect(zohoClientFor(h.ctx, 'zcli7')).rejects.toBeInstanceOf(ZohoAuthError);
    expect(h.zoho!.state.callCount()).toBe(calls);
  });
});

describe('limits', () => {
  it(`500 calls at ${PER_WINDOW} per ${WINDOW_MS} ms (Zoho's 100 a minute, scaled): none rejected`, async () => {
    const { org } = await connectZohoStore(h, 'zcli8');
    const client = await zohoClientFor(h.ctx, 'zcli8');
    const priorities = ['scheduled', 'reconcile', 'realtime'] as const;
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => client.get('/items', { priority: priorities[i % 3]! })));
    expect(answers).toHaveLength(500);
    expect(org.usage.throttled).toBe(0);
    expect(org.usage.byRoute.get('GET /inventory/v1/items')).toBe(500);
    await client.budget.flush();
    const usage = await ApiUsage.findById(apiUsageId('zcli8', 'zoho', utcDay())).lean();
    // 500 list calls plus the GET /organizations made while connecting.
    expect(usage?.calls).toBeGreaterThanOrEqual(500);
    expect(usage?.throttled).toBe(0);
  });

  it('two processes calling one organization pace to half each: together they keep to its minute', async () => {
    const { org } = await connectZohoStore(h, 'zcli15');
    // Another process: its own runtime (keyed by its configuration), the same database.
    const otherProcess = { ...h.ctx, config: { ...h.ctx.config } };
    // A member counts for 5 s after its last heartbeat: a busy test machine's timer lag cannot drop one.
    const share = { heartbeatMs: 50, activeMs: 5_000 };
    configureZohoRuntime(h.ctx, { ...SCALED, share });
    configureZohoRuntime(otherProcess, { ...SCALED, share });
    const a = await zohoClientFor(h.ctx, 'zcli15');
    const b = await zohoClientFor(otherProcess, 'zcli15');
    // Both join (each learns of the other within a heartbeat), then Zoho's window drains.
    await Promise.all([a.get('/items', { priority: 'scheduled' }), b.get('/items', { priority: 'scheduled' })]);
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS * 2));
    const before = org.usage.throttled;
    const calls = (client: typeof a) => Array.from({ length: 150 }, () => client.get('/items', { priority: 'scheduled' }));
    await Promise.all([...calls(a), ...calls(b)]);
    expect(org.usage.throttled - before).toBe(0);
    expect(a.limiter.sharedBy).toBe(2);
    // Once one process stops, the other has the whole pace again (at its next heartbeat).
    await zohoRuntime(otherProcess).leaveAll();
    await a.get('/items', { priority: 'scheduled' });
    await expect.poll(() => a.limiter.sharedBy).toBe(1);
  });

  it('a process joining an organization waits to be counted only when the others have spent too much of the window for its share', async () => {
    // A long window and heartbeat, so that a wait for one heartbeat is plain to see.
    const share = { heartbeatMs: 1_500, activeMs: 30_000 };
    const slow = { ...SCALED, perInterval: 20, intervalMs: 20_000, share };
    const otherProcess = { ...h.ctx, config: { ...h.ctx.config } };
    configureZohoRuntime(h.ctx, slow);
    configureZohoRuntime(otherProcess, slow);
    const firstCallOfB = async (storeHash: string, callsOfA: number) => {
      await connectZohoStore(h, storeHash);
      const a = await zohoClientFor(h.ctx, storeHash);
      await Promise.all(Array.from({ length: callsOfA }, () => a.get('/items', { priority: 'scheduled' })));
      // A's next heartbeat records what it spent.
      await new Promise((resolve) => setTimeout(resolve, share.heartbeatMs + 300));
      const b = await zohoClientFor(otherProcess, storeHash);
      const started = Date.now();
      await b.get('/items', { priority: 'realtime' });
      return { ms: Date.now() - started, b };
    };

    // A quiet organization (1 of 20 calls spent): B's share (10) fits beside it, so B starts at once.
    const quiet = await firstCallOfB('zcli16', 1);
    expect(quiet.ms).toBeLessThan(share.heartbeatMs);
    expect(quiet.b.limiter.sharedBy).toBe(2);
    // A busy one (15 of 20 spent): B waits one heartbeat, so that A counts it before it spends.
    const busy = await firstCallOfB('zcli17', 15);
    expect(busy.ms).toBeGreaterThanOrEqual(share.heartbeatMs - 50);
    await zohoRuntime(otherProcess).leaveAll();
  });

  it('keeps to 5 calls at once on the Free plan (Zoho answers 1070 above)', async () => {
    const { org } = await connectZohoStore(h, 'zcli9', { plan: 'free' });
    const client = await zohoClientFor(h.ctx, 'zcli9');
    h.zoho!.faults.set({ latencyMs: 15 });
    await Promise.all(Array.from({ length: 30 }, () => client.get('/items', { priority: 'reconcile' })));
    expect(org.usage.throttled).toBe(0);
  });

  it('waits and retries when Zoho answers 1070 (too many at once)', async () => {
    const { org } = await connectZohoStore(h, 'zcli10', { plan: 'free' });
    // A client that believes it may run 12 at once against a Free organization (5).
    configureZohoRuntime(h.ctx, { ...SCALED, concurrency: 12, maxRateLimitRetries: 50 });
    const client = await zohoClientFor(h.ctx, 'zcli10');
    h.zoho!.faults.set({ latencyMs: 15 });
    const answers = await Promise.all(Array.from({ length: 24 }, () => client.get('/items', { priority: 'realtime' })));
    expect(answers).toHaveLength(24);
    expect(org.usage.throttled).toBeGreaterThan(0);
    expect(org.usage.byRoute.get('GET /inventory/v1/items')! - org.usage.throttled).toBe(24);
  });

  it('learns the daily limit from code 45, then holds calls back without asking Zoho', async () => {
    // The simulator gives Standard organizations 40 calls a day; the app expects the plan's 2,000.
    await connectZohoStore(h, 'zcli11', { plan: 'standard' });
    const client = await zohoClientFor(h.ctx, 'zcli11');
    const results = await Promise.allSettled(Array.from({ length: 45 }, () => client.get('/items', { priority: 'realtime' })));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as unknown);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e instanceof ZohoBudgetExhausted && e.refusedByZoho)).toBe(true);
    const doc = await ZohoConnection.findById('zcli11').lean();
    expect(doc).toMatchObject({ budgetSource: 'learned' });
    // 40 accepted list calls, plus the GET /organizations of the connect (which Zoho does not count against the organization).
    expect(doc!.dailyBudget).toBeGreaterThanOrEqual(40);
    expect(doc!.dailyBudget).toBeLessThanOrEqual(41);
    expect(doc!.budgetExhaustedUntil!.getTime()).toBeGreaterThan(Date.now());

    const calls = h.zoho!.state.callCount();
    const fresh = await zohoClientFor(h.ctx, 'zcli11');
    await expect(fresh.get('/items', { priority: 'realtime' })).rejects.toBeInstanceOf(ZohoBudgetExhausted);
    expect(h.zoho!.state.callCount()).toBe(calls);
  });

  it('two stores on one Zoho organization share its daily budget, and both learn when Zoho says it is spent', async () => {
    const { org, email } = await connectZohoStore(h, 'zcli13');
    const { session } = await connectZohoStore(h, 'zcli14', { organization: { id: org.id, email } });
    await ZohoConnection.updateMany({ _id: { $in: ['zcli13', 'zcli14'] } }, { $set: { dailyBudget: 30, budgetSource: 'configured' } });
    configureZohoRuntime(h.ctx, SCALED);
    const first = await zohoClientFor(h.ctx, 'zcli13');
    for (let i = 0; i < 15; i++) await first.get('/items', { priority: 'realtime' });
    await zohoRuntime(h.ctx).flush();
    // The second store's scheduled work sees the organization's 15+ calls: 7 more reach the 25 % reserve of 30.
    const second = await zohoClientFor(h.ctx, 'zcli14');
    for (let i = 0; i < 7; i++) await second.get('/items', { priority: 'scheduled' }).catch(() => undefined);
    const held = await second.get('/items', { priority: 'scheduled' }).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(ZohoBudgetExhausted);
    // The panel shows each store its own calls and the organization's.
    await zohoRuntime(h.ctx).flush();
    const usage = await request(h.app).get('/api/usage').set({ authorization: `Bearer ${session}` });
    expect(usage.body.platforms.zoho.today.calls).toBeLessThan(usage.body.platforms.zoho.organizationToday);

    // Zoho's 45 met by one store stops the other too.
    await first.budget.exhausted();
    expect((await ZohoConnection.findById('zcli14').lean())?.budgetExhaustedUntil?.getTime()).toBeGreaterThan(Date.now());
  });

  it('keeps the end of the daily budget for orders: scheduled work waits first', async () => {
    await connectZohoStore(h, 'zcli12');
    await ZohoConnection.updateOne({ _id: 'zcli12' }, { $set: { dailyBudget: 20, budgetSource: 'configured' } });
    // A new runtime (as a restarted process would) reads the day's count from the database.
    await zohoRuntime(h.ctx).flush();
    configureZohoRuntime(h.ctx, SCALED);
    const client = await zohoClientFor(h.ctx, 'zcli12');
    // Connecting spent one call (GET /organizations); 14 more leave 5 of 20 = the scheduled reserve (25 %).
    for (let i = 0; i < 14; i++) await client.get('/items', { priority: 'realtime' });
    const held = await client.get('/items', { priority: 'scheduled' }).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(ZohoBudgetExhausted);
    expect(held).toMatchObject({ refusedByZoho: false });
    await expect(client.get('/items', { priority: 'reconcile' })).resolves.toMatchObject({ code: 0 });
    await expect(client.get('/items', { priority: 'realtime' })).resolves.toMatchObject({ code: 0 });
  });
});
