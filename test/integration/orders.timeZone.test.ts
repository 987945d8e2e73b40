import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { saveSettings } from '../../server/settings/service.js';
import { handleOrderJob } from '../../server/sync/orders/jobs.js';
import { chooseOrganizationInZone, zoneOffUtcDay } from '../support/timeZones.js';
import { authorizeAtZoho, completeConsent } from '../support/zohoConnect.js';
import { placeOrder, startOrdersWorld, stopOrdersWorld, zohoRecords, type OrdersWorld } from './orders.support.js';

/**
 * Documents are dated in the Zoho organization's time zone (its `time_zone`, read when the
 * organization is chosen and at each reconnect): an evening order in Los Angeles is in that
 * day's books, not the next UTC day's (at month end, the next month's).
 */
let world: OrdersWorld;
const auth = () => ({ authorization: `Bearer ${world.session}` });
const email = () => `owner@${world.storeHash}.example`;

beforeAll(async () => {
  world = await startOrdersWorld('tzstore');
  // The orders below were placed before the connection: a backfill date brings them in.
  await saveSettings(world.storeHash, { orders: { backfillFrom: '2026-03-01', creditNotes: true } });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await stopOrdersWorld(world);
});

const connection = async () => (await request(world.h.app).get('/api/zoho/connection').set(auth())).body as { status: string; timeZone?: string };

/** The organization's zone changed in Zoho; the merchant reconnects (consent again, same organization). */
async function reconnectWithZone(zone: string) {
  world.org.info.time_zone = zone;
  const done = await completeConsent(world.h.app, world.session, await authorizeAtZoho(world.h.app, world.h.zoho!, world.session, email()));
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'connected', timeZone: zone === 'Mars/Olympus' ? 'UTC' : zone });
}

const chooseWithZone = (zone: string) => chooseOrganizationInZone(world.h.app, world.session, world.org, zone);

/** An order placed at `placedAt` (BigCommerce keeps the moment), processed into Zoho. */
async function orderPlacedAt(placedAt: string, who: string) {
  const order = placeOrder(world, { email: who });
  world.store.orders.get(order.id)!.dateCreated = Date.parse(placedAt);
  expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: order.id }, 'manual'))?.status).toBe('done');
  return zohoRecords(world.org, order.id, who);
}

describe('the organization’s time zone', () => {
  it('is read at connect, again at each reconnect and choice, and shown as timeZone in GET /api/zoho/connection', async () => {
    // The simulator's US organizations are in Los Angeles, as organizations.yml's time_zone says.
    expect(await connection()).toMatchObject({ status: 'connected', timeZone: 'America/Los_Angeles' });
    await reconnectWithZone('Asia/Kolkata');
    expect((await connection()).timeZone).toBe('Asia/Kolkata');
    expect((await chooseWithZone('America/Los_Angeles')).timeZone).toBe('America/Los_Angeles');
    expect((await connection()).timeZone).toBe('America/Los_Angeles');
  });

  it('dates the sales order, invoice and payment of an evening order in Los Angeles by its own day (month end)', async () => {
    await reconnectWithZone('America/Los_Angeles');
    // 23:30 on 31 March in Los Angeles (PDT) is 06:30 UTC on 1 April.
    const zoho = await orderPlacedAt('2026-03-31T23:30:00-07:00', 'evening@example.com');
    expect(zoho.salesOrders.map((s) => s.date)).toEqual(['2026-03-31']);
    expect(zoho.invoices.map((i) => i.date)).toEqual(['2026-03-31']);
    expect(zoho.payments.map((p) => p.date)).toEqual(['2026-03-31']);
  });

  it('dates by UTC when Zoho’s zone is unknown, and says so in the log', async () => {
    const warn = vi.spyOn(world.h.ctx.logger, 'warn');
    await reconnectWithZone('Mars/Olympus');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ storeHash: world.storeHash, timeZone: 'Mars/Olympus' }), expect.stringMatching(/dated by UTC/));
    expect((await connection()).timeZone).toBe('UTC');
    const zoho = await orderPlacedAt('2026-03-31T23:30:00-07:00', 'utc@example.com');
    expect(zoho.invoices.map((i) => i.date)).toEqual(['2026-04-01']);
  });

  it('dates a refund’s credit note and its refund by the organization’s day', async () => {
    const { zone, day: localDay } = zoneOffUtcDay();
    expect((await chooseWithZone(zone)).timeZone).toBe(zone);

    const placed = placeOrder(world, { email: 'refunded@example.com' });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: placed.id }, 'manual'))?.status).toBe('done');
    world.h.bigcommerce.state.refundOrder(world.store, placed.id, { amount: 5 });
    expect((await handleOrderJob(world.h.ctx, { storeHash: world.storeHash, orderId: placed.id }, 'manual'))?.status).toBe('done');
    const notes = [...world.org.creditNotes.values()].filter((c) => c.reference_number === String(placed.id));
    expect(notes.map((n) => n.date)).toEqual([localDay]);
    expect(notes[0]!.refunds.map((r) => r.date)).toEqual([localDay]);
  });
});
