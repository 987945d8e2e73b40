import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../sandbox/common/exchanges.js';
import { seedZoho, ZOHO_DEMO } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { productBody, startSim, TOKEN, type SimHarness } from './bigcommerce.support.js';
import { CLIENT, connect } from './zohoHelpers.js';

// "Do the work, lose the answer": the call is carried out, then the connection is reset or the
// answer never comes. Real HTTP, so what the client sees is what the app's clients would see.

/** Sends a JSON request; resolves with the answer, or rejects as fetch does. */
async function send(url: string, method: string, headers: Record<string, string>, body?: unknown, signal?: AbortSignal) {
  const res = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, never> };
}

/** The connection was reset: fetch fails at the socket, with no answer. */
async function expectReset(call: Promise<unknown>) {
  const error = (await call.then(
    () => expect.unreachable('the answer should have been lost'),
    (e: unknown) => e,
  )) as Error & { cause?: { code?: string } };
  expect(error).toBeInstanceOf(TypeError);
  expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(error.cause?.code);
}

/** No answer came before the client's timeout. */
async function expectTimeout(call: Promise<unknown>) {
  await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
}

describe('Zoho simulator', () => {
  let sim: RunningZohoSimulator;
  let token: string;
  const seen: Exchange[] = [];
  const org = () => sim.state.organizations.get(ZOHO_DEMO.organizationId)!;
  const contactNamed = (name: string) => [...org().contacts.values()].find((c) => c.contact_name === name);
  const zoho = (method: string, path: string, body?: unknown, signal?: AbortSignal) =>
    send(`${sim.apiUrl}${path}?organization_id=${ZOHO_DEMO.organizationId}`, method, { authorization: `Zoho-oauthtoken ${token}` }, body, signal);

  beforeAll(async () => {
    sim = await startZohoSimulator({ clients: [CLIENT], oauth: { accessTokenTtlMs: 86_400_000 } });
    seedZoho(sim.state);
    token = (await connect(sim, ZOHO_DEMO.userEmail)).accessToken;
    sim.exchangeListeners.add((exchange) => seen.push(exchange));
  });
  afterAll(async () => sim?.close());

  it('reset: the contact is created, the connection reset, and the next call answered', async () => {
    const lost = sim.faults.loseAnswers({ times: 1, mode: 'reset', match: { method: 'POST', path: '/contacts$' } });
    const before = sim.faults.lostAnswers;
    const postsBefore = sim.state.callCount('POST /inventory/v1/contacts');
    seen.length = 0;
    await expectReset(zoho('POST', '/contacts', { contact_name: 'Reset Retail' }));
    expect(contactNamed('Reset Retail')).toBeDefined();
    expect(lost.lost()).toBe(1);
    expect(lost.remaining()).toBe(0);
    expect(sim.faults.lostAnswers).toBe(before + 1);

    const again = await zoho('POST', '/contacts', { contact_name: 'Answered Retail' });
    expect(again).toMatchObject({ status: 201, body: { code: 0, contact: { contact_name: 'Answered Retail' } } });
    // The lost call was counted as made, and the exchange listeners only saw the answered one.
    await expect.poll(() => sim.state.callCount('POST /inventory/v1/contacts')).toBe(postsBefore + 2);
    expect(seen.map((e) => [e.method, e.status, e.requestBody])).toEqual([['POST', 201, { contact_name: 'Answered Retail' }]]);
  });

  it('timeout: the contact is created and no answer comes before the client gives up', async () => {
    const lost = sim.faults.loseAnswers({ times: 1, mode: 'timeout', match: (req) => (req.body as { contact_name?: string } | undefined)?.contact_name === 'Held Retail' });
    await expectTimeout(zoho('POST', '/contacts', { contact_name: 'Held Retail' }, AbortSignal.timeout(300)));
    expect(contactNamed('Held Retail')).toBeDefined();
    expect(lost.lost()).toBe(1);
    expect((await zoho('GET', '/contacts')).status).toBe(200);
  });

  it('a predicate that does not match leaves the call answered, and the fault armed', async () => {
    const lost = sim.faults.loseAnswers({ times: 1, mode: 'reset', match: { path: '/invoices' } });
    expect(await zoho('POST', '/contacts', { contact_name: 'Unmatched Retail' })).toMatchObject({ status: 201 });
    expect(lost.lost()).toBe(0);
    lost.cancel();
    expect(await zoho('GET', '/invoices')).toMatchObject({ status: 200 });
  });

  it('is set over HTTP at /__sim/faults/lost-answers', async () => {
    const control = `${sim.url}/__sim/faults/lost-answers`;
    const armed = await send(control, 'POST', {}, { times: 1, mode: 'reset', match: { method: 'post', path: '/contacts$' } });
    expect(armed).toMatchObject({ status: 201, body: { mode: 'reset', remaining: 1, lost: 0, match: { method: 'post', path: '/contacts$' } } });
    expect((await zoho('GET', '/contacts')).status).toBe(200);
    await expectReset(zoho('POST', '/contacts', { contact_name: 'Remote Retail' }));
    expect(contactNamed('Remote Retail')).toBeDefined();
    const { body } = await send(control, 'GET', {});
    expect(body).toEqual({ lostAnswers: sim.faults.lostAnswers, armed: [] });

    expect((await send(control, 'POST', {}, { times: 0, mode: 'reset' })).status).toBe(400);
    expect((await send(control, 'POST', {}, { times: 1, mode: 'reset', match: { path: '(' } })).status).toBe(400);
    expect((await send(control, 'POST', {}, { times: 2, mode: 'timeout' })).status).toBe(201);
    expect((await send(`${sim.url}/__sim/faults`, 'DELETE', {})).status).toBe(204);
    expect((await send(control, 'GET', {})).body.armed).toEqual([]);
  });
});

describe('BigCommerce simulator', () => {
  let h: SimHarness;
  const products = (path = '/v3/catalog/products') => `${h.sim.url}/stores/${h.store.hash}${path}`;
  const bc = (method: string, body?: unknown, signal?: AbortSignal) => send(products(), method, { 'x-auth-token': TOKEN }, body, signal);
  const productNamed = (name: string) => [...h.store.products.values()].find((p) => p.name === name);
  const createdEvents = (id: number | undefined) => h.store.events.filter((e) => e.scope === 'store/product/created' && e.data.id === id);

  beforeAll(async () => {
    h = await startSim();
  });
  afterAll(async () => h?.close());

  it('reset: the product is created, its event raised, the connection reset, and the next call answered', async () => {
    const lost = h.sim.faults.loseAnswers({ times: 1, mode: 'reset', match: { method: 'POST', path: '/v3/catalog/products$' } });
    await expectReset(bc('POST', productBody('Reset Mug')));
    expect(createdEvents(productNamed('Reset Mug')?.id)).toHaveLength(1);
    expect(lost.lost()).toBe(1);
    expect(await bc('POST', productBody('Answered Mug'))).toMatchObject({ status: 200, body: { data: { name: 'Answered Mug' } } });
  });

  it('timeout: the product is created and no answer comes before the client gives up', async () => {
    const lost = h.sim.faults.loseAnswers({ times: 1, mode: 'timeout' });
    await expectTimeout(bc('POST', productBody('Held Mug'), AbortSignal.timeout(300)));
    expect(createdEvents(productNamed('Held Mug')?.id)).toHaveLength(1);
    expect(lost.lost()).toBe(1);
    expect((await bc('GET')).status).toBe(200);
  });

  it('a predicate that does not match leaves the call answered', async () => {
    const lost = h.sim.faults.loseAnswers({ times: 1, mode: 'reset', match: { method: 'DELETE' } });
    expect(await bc('POST', productBody('Unmatched Mug'))).toMatchObject({ status: 200 });
    expect(lost.lost()).toBe(0);
    h.sim.faults.clear();
  });

  it('is set over HTTP at /__sim/faults/lost-answers, and a held answer does not keep close() waiting', async () => {
    const other = await startSim();
    try {
      const control = `${other.sim.url}/__sim/faults/lost-answers`;
      expect((await send(control, 'POST', {}, { times: 1, mode: 'timeout', match: { path: '/catalog/products$' } })).status).toBe(201);
      const held = send(`${other.sim.url}/stores/${other.store.hash}/v3/catalog/products`, 'POST', { 'x-auth-token': TOKEN }, productBody('Remote Mug'));
      held.catch(() => undefined);
      await expect.poll(() => [...other.store.products.values()].some((p) => p.name === 'Remote Mug')).toBe(true);
      expect((await send(control, 'GET', {})).body).toEqual({ lostAnswers: 1, armed: [] });
      await other.close();
      await expect(held).rejects.toBeInstanceOf(TypeError);
    } finally {
      await other.close().catch(() => undefined);
    }
  });
});
