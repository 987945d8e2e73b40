import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET_HEADER, hashWebhookSecret } from '../../server/bigcommerce/webhookSecret.js';
import { Store, WebhookReceipt } from '../../server/db/models/index.js';
import { agendaJobQueue, createAgenda, type AppAgenda } from '../../server/jobs/agenda.js';
import { defineJobs } from '../../server/jobs/definitions.js';
import { RECEIPT_SWEEP_JOB, sweepStuckReceipts } from '../../server/jobs/receiptSweep.js';
import { ZOHO_WEBHOOK_SECRET_HEADER } from '../../server/zoho/webhookTemplates.js';
import { markZohoConnected } from '../support/sessions.js';
import { startTestHarness, type TestHarness } from '../support/testApp.js';
import { until } from '../support/workerProcesses.js';

/**
 * No webhook receipt stays `queued` forever: one whose job was lost (the process died between
 * the receipt and its job) is queued again by the `webhooks.requeue` sweep five minutes on, or
 * at once by a redelivery from then; a younger one, or one whose job still waits, is left alone.
 */
const STORE = 'sweepstore01';
const BC_SECRET = 'bc-webhook-secret';
let h: TestHarness;

beforeAll(async () => {
  h = await startTestHarness({ storeHash: STORE });
  // Installed without an API token: an order job finds the store not connected and is done.
  await Store.create({ _id: STORE, status: 'installed', webhookSecretHash: hashWebhookSecret(BC_SECRET) });
  await markZohoConnected(h.ctx, STORE);
});
afterAll(async () => h?.close());

const jobs = () => mongoose.connection.db!.collection('jobs');
const jobsFor = (receiptId: string) => jobs().countDocuments({ 'data.receiptId': receiptId });
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

let orderId = 9_000;
/** A BigCommerce order delivery, recorded and queued; then its job is lost, `minutes` ago. */
async function lostOrderEvent(minutes: number) {
  const delivery = {
    scope: 'store/order/created',
    store_id: '1',
    data: { type: 'order', id: ++orderId },
    hash: `hash-${orderId}`,
    created_at: 1_760_000_000 + orderId,
    producer: `stores/${STORE}`,
  };
  const deliver = () => request(h.app).post('/webhooks/bigcommerce').set(WEBHOOK_SECRET_HEADER, BC_SECRET).set('content-type', 'application/json').send(JSON.stringify(delivery));
  const first = await deliver();
  expect(first.body.outcome).toBe('queued');
  const receiptId = `bigcommerce:${STORE}:${delivery.scope}:${delivery.hash}:${delivery.created_at}`;
  await age(receiptId, minutes);
  await jobs().deleteMany({ 'data.receiptId': receiptId });
  return { receiptId, deliver };
}

async function age(receiptId: string, minutes: number) {
  await WebhookReceipt.updateOne({ _id: receiptId }, { $set: { receivedAt: minutesAgo(minutes), queuedAt: minutesAgo(minutes) } });
}

describe('a redelivery', () => {
  it('of a receipt queued 6 minutes ago whose job is gone queues it again, once', async () => {
    const { receiptId, deliver } = await lostOrderEvent(6);
    const again = await deliver();
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('requeued');
    expect(await jobsFor(receiptId)).toBe(1);
    const receipt = await WebhookReceipt.findById(receiptId).lean();
    expect(receipt).toMatchObject({ status: 'queued', requeues: 1 });
    expect(receipt!.queuedAt!.getTime()).toBeGreaterThan(minutesAgo(1).getTime());
    // Queued again just now: the next copy is a duplicate.
    expect((await deliver()).body.outcome).toBe('duplicate');
    expect(await jobsFor(receiptId)).toBe(1);
  });

  it('of a receipt queued 1 minute ago is a duplicate', async () => {
    const { receiptId, deliver } = await lostOrderEvent(1);
    expect((await deliver()).body.outcome).toBe('duplicate');
    expect(await jobsFor(receiptId)).toBe(0);
  });

  it('from Zoho queues a stuck receipt again too', async () => {
    const body = JSON.stringify({ module: 'item', record_id: '4600000000000777', last_modified_time: '2026-02-01T10:00:00+0000' });
    const deliver = () =>
      request(h.app).post(`/webhooks/zoho/key-${STORE}`).set(ZOHO_WEBHOOK_SECRET_HEADER, 'secret').set('content-type', 'application/json').send(body);
    expect((await deliver()).body).toEqual({ ok: true });
    const receipt = await WebhookReceipt.findOne({ source: 'zoho', resourceId: '4600000000000777' }).lean();
    await age(receipt!._id, 6);
    await jobs().deleteMany({ 'data.receiptId': receipt!._id });
    expect((await deliver()).body).toEqual({ ok: true, requeued: true });
    expect(await jobs().findOne({ 'data.receiptId': receipt!._id })).toMatchObject({
      name: 'zoho.event',
      data: { storeHash: STORE, receiptId: receipt!._id, module: 'item', recordId: '4600000000000777' },
    });
    expect((await deliver()).body).toEqual({ ok: true, duplicate: true });
  });
});

describe('the sweep', () => {
  it('leaves a receipt whose job still waits (a retry) for later, and marks one whose job failed for good', async () => {
    const waiting = await lostOrderEvent(6);
    await h.ctx.jobs.enqueue('bigcommerce.order', { storeHash: STORE, receiptId: waiting.receiptId });
    const failed = await lostOrderEvent(6);
    await jobs().insertOne({ name: 'bigcommerce.order', data: { storeHash: STORE, receiptId: failed.receiptId }, nextRunAt: null, lockedAt: null, failReason: 'Zoho said no' });

    const counts = await sweepStuckReceipts(h.ctx);
    expect(counts).toMatchObject({ waiting: 1, failed: 1 });
    expect(await jobsFor(waiting.receiptId)).toBe(1);
    const stillWaiting = await WebhookReceipt.findById(waiting.receiptId).lean();
    expect(stillWaiting?.status).toBe('queued');
    expect(stillWaiting!.queuedAt!.getTime()).toBeGreaterThan(minutesAgo(1).getTime());
    expect(await WebhookReceipt.findById(failed.receiptId).lean()).toMatchObject({ status: 'failed', note: 'Its job failed: Zoho said no' });
    await jobs().deleteMany({ 'data.receiptId': { $in: [waiting.receiptId, failed.receiptId] } });
    await WebhookReceipt.deleteMany({ _id: { $in: [waiting.receiptId, failed.receiptId] } });
  });

  describe('as the recurring job of a worker', () => {
    let worker: AppAgenda;
    afterAll(async () => worker?.stop());

    it('queues a receipt left queued 6 minutes ago again, and its job processes it; one queued 1 minute ago is left alone', async () => {
      // What the redelivery tests left queued is done with.
      await WebhookReceipt.updateMany({ status: 'queued' }, { $set: { status: 'processed' } });
      await jobs().deleteMany({});
      const stuck = await lostOrderEvent(6);
      const young = await lostOrderEvent(1);
      const youngBefore = await WebhookReceipt.findById(young.receiptId).lean();

      worker = createAgenda(mongoose.connection.db!, { name: 'sweep-worker', processEvery: 200 });
      await worker.ready;
      defineJobs(worker, { ...h.ctx, jobs: agendaJobQueue(worker) });
      await worker.start();
      await worker.now(RECEIPT_SWEEP_JOB);

      await until(async () => (await WebhookReceipt.findById(stuck.receiptId).lean())?.status === 'processed', 15_000, 'the stuck receipt to be processed');
      expect(await WebhookReceipt.findById(stuck.receiptId).lean()).toMatchObject({ status: 'processed', requeues: 1 });
      const youngAfter = await WebhookReceipt.findById(young.receiptId).lean();
      expect(youngAfter).toMatchObject({ status: 'queued', queuedAt: youngBefore!.queuedAt });
      expect(youngAfter?.requeues).toBeUndefined();
      expect(await jobsFor(young.receiptId)).toBe(0);
    });
  });
});
