import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHarness, type TestHarness } from '../support/testApp.js';

let h: TestHarness;
beforeAll(async () => {
  h = await startTestHarness();
});
afterAll(async () => h?.close());

describe('operations and security', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('lets only the BigCommerce control panel frame the app, and hides the framework', async () => {
    const res = await request(h.app).get('/healthz');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/\*\.bigcommerce\.com https:\/\/\*\.mybigcommerce\.com/);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[\w-]+$/);
  });

  it('refuses an oversized JSON body with 413 and a malformed one with 400', async () => {
    const big = await request(h.app)
      .post('/api/session/refresh')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(200_000) }));
    expect(big.status).toBe(413);
    const bad = await request(h.app).post('/api/session/refresh').set('content-type', 'application/json').send('{nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
  });

  it('refuses the panel API without a session', async () => {
    const res = await request(h.app).get('/api/session');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('missing_session');
  });
});
