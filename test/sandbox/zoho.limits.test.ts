import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../sandbox/common/clock.js';
import { REAL_ZOHO_LIMITS } from '../../sandbox/zoho/limits.js';
import { ZOHO_DEMO } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { CLIENT, connect, zohoApi, type ZohoApi } from './zohoHelpers.js';

const clock = new ManualClock();
let sim: RunningZohoSimulator;
let api: ZohoApi;

beforeAll(async () => {
  // Tokens outlive the clock jumps of these tests.
  sim = await startZohoSimulator({ clients: [CLIENT], clock, seed: true, oauth: { accessTokenTtlMs: 30 * 86_400_000 } });
  api = zohoApi(sim, (await connect(sim, ZOHO_DEMO.userEmail)).accessToken, ZOHO_DEMO.organizationId);
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.state.setLimits({});
  sim.faults.clear();
  sim.state.organization(ZOHO_DEMO.organizationId).limiter.reset();
  // Start each test in a fresh minute window.
  clock.advance(REAL_ZOHO_LIMITS.minuteWindowMs);
});

describe('rate limits', () => {
  it('defaults to the real limits', () => {
    expect(sim.state.limits).toEqual(REAL_ZOHO_LIMITS);
    expect(REAL_ZOHO_LIMITS).toMatchObject({ requestsPerMinute: 100, concurrentCalls: { free: 5, paid: 10 } });
    expect(REAL_ZOHO_LIMITS.dailyCalls).toEqual({ free: 1000, standard: 2000, professional: 5000, premium: 10000, enterprise: 10000 });
  });

  it('answers 429 code 44 past the per-minute limit, without rate-limit headers, until the window moves', async () => {
    sim.state.setLimits({ requestsPerMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await api('GET', '/items', { query: { per_page: '1' } })).status).toBe(200);
    const res = await fetch(`${sim.apiUrl}/items?organization_id=${ZOHO_DEMO.organizationId}`, {
      headers: { authorization: `Zoho-oauthtoken ${(await connect(sim, ZOHO_DEMO.userEmail)).accessToken}` },
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: 44 });
    expect([...res.headers.keys()].filter((h) => /rate|retry/i.test(h))).toEqual([]);

    // Rejected calls do not use the budget; the window slides.
    expect((await api('GET', '/items')).body.code).toBe(44);
    clock.advance(60_000);
    expect((await api('GET', '/items')).status).toBe(200);
  });

  it('answers 429 code 45 once the plan\'s daily calls are spent, until the next UTC day', async () => {
    sim.state.setLimits({ dailyCalls: { professional: 8 } });
    const org = sim.state.organization(ZOHO_DEMO.organizationId);
    for (let i = 0; i < 8; i++) expect((await api('GET', '/locations')).status).toBe(200);
    expect(org.limiter.callsToday).toBe(8);
    const spent = await api('GET', '/locations');
    expect(spent).toMatchObject({ status: 429, body: { code: 45 } });

    const nextDay = new Date(clock.now());
    nextDay.setUTCHours(24, 0, 0, 1);
    clock.advance(nextDay.getTime() - clock.now());
    expect((await api('GET', '/locations')).status).toBe(200);
  });

  it('answers 429 code 1070 past the concurrent calls (5 on Free, 10 on paid plans)', async () => {
    sim.state.setLimits({ concurrentCalls: { paid: 2 } });
    // Slow responses keep the first calls in flight while the others arrive.
    sim.faults.set({ latencyMs: 400 });
    const results = await Promise.all(Array.from({ length: 6 }, () => api('GET', '/locations')));
    const codes = results.map((r) => r.body.code).sort();
    expect(codes).toEqual([0, 0, 1070, 1070, 1070, 1070]);
    expect(results.filter((r) => r.status === 429)).toHaveLength(4);

    // Once they are answered the slots are free again.
    sim.faults.clear();
    expect((await api('GET', '/locations')).status).toBe(200);
  });

  it('uses the Free plan\'s lower concurrency', async () => {
    const org = sim.state.organization(ZOHO_DEMO.organizationId);
    org.info.plan = 'free';
    try {
      sim.state.setLimits({ concurrentCalls: { free: 1, paid: 10 } });
      sim.faults.set({ latencyMs: 400 });
      const results = await Promise.all(Array.from({ length: 3 }, () => api('GET', '/locations')));
      expect(results.map((r) => r.body.code).sort()).toEqual([0, 1070, 1070]);
    } finally {
      org.info.plan = 'professional';
    }
  });

  it('counts every call per organization and route, 429s included', async () => {
    const org = sim.state.organization(ZOHO_DEMO.organizationId);
    const before = { calls: org.usage.calls, throttled: org.usage.throttled, items: sim.state.callCount('GET /inventory/v1/items') };
    sim.state.setLimits({ requestsPerMinute: 2 });
    await api('GET', '/items');
    await api('GET', '/items');
    await api('GET', '/items');
    expect(org.usage.calls - before.calls).toBe(3);
    expect(org.usage.throttled - before.throttled).toBe(1);
    expect(sim.state.callCount('GET /inventory/v1/items') - before.items).toBe(3);
    expect(org.usage.byRoute.get('GET /inventory/v1/items/:item_id') ?? 0).toBe(0);
  });
});

describe('fault injection', () => {
  it('fails calls at the error rate with Zoho\'s envelope', async () => {
    sim.faults.set({ errorRate: 1 });
    expect(await api('GET', '/items')).toEqual({ status: 500, body: { code: 1000, message: 'Internal error' } });
    expect((await api('GET', '/organizations', { noOrg: true })).status).toBe(500);
  });

  it('fails every call during an outage window, then recovers', async () => {
    sim.faults.outageFor(5_000);
    expect(await api('GET', '/items')).toMatchObject({ status: 503, body: { code: 1000 } });
    clock.advance(5_000);
    expect((await api('GET', '/items')).status).toBe(200);
  });
});
