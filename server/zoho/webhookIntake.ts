import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import type { AppContext } from '../context.js';
import { decryptSecret } from '../crypto.js';
import { WebhookReceipt, ZohoConnection } from '../db/models/index.js';
import { HttpError, badRequest, notFound, unauthorized } from '../http/errors.js';
import { requeueIfStuck, type ReceiptJob } from '../jobs/receiptSweep.js';
import { markZohoStockEvent, onlyStockFollows } from '../sync/stock/events.js';
import { ZOHO_WEBHOOK_SECRET_HEADER, parseZohoEvent, type ParsedZohoEvent } from './webhookTemplates.js';

/**
 * `POST /webhooks/zoho/:storeKey`: Zoho workflow-rule webhooks. The key in the path finds the
 * store (an opaque id, not the store hash), the secret header proves the sender; the delivery
 * is recorded once (a receipt keyed by what it is about) and handed to a `zoho.event` job
 * that re-reads the record through the API. Answered at once: the work is the job's. An event
 * only the stock flow follows is marked for the store's next stock flush here instead (see below).
 * A body that is not JSON (or not an object) is refused with 400 `unreadable_body`, so that
 * Zoho's webhook log shows the failure; it is recorded for the panel's alert all the same.
 */
export const ZOHO_EVENT_JOB = 'zoho.event';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();
const sameSecret = (given: string, expected: string) => timingSafeEqual(sha256(given), sha256(expected));

/** Without last_modified_time, identical bodies within this window count as one delivery. */
const BODY_DEDUPE_WINDOW_MS = 60_000;

export function zohoWebhookRoutes(ctx: AppContext): Router {
  const router = Router();
  // Raw body: whatever Zoho sends (JSON or a form) is parsed here, and hashed as received.
  router.post('/webhooks/zoho/:storeKey', express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
    const storeKey = String(req.params.storeKey);
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(storeKey)) throw notFound('unknown_webhook', 'No such webhook.');
    const connection = await ZohoConnection.findOne({ webhookKey: storeKey }, { webhookSecretSealed: 1 }).lean();
    if (!connection) throw notFound('unknown_webhook', 'No such webhook.');
    const given = req.get(ZOHO_WEBHOOK_SECRET_HEADER) ?? '';
    if (!given || !sameSecret(given, decryptSecret(connection.webhookSecretSealed, ctx.config.encryptionKey))) {
      throw unauthorized('invalid_webhook_secret', 'The webhook secret header is missing or wrong.');
    }
    const storeHash = connection._id;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const body = parseBody(raw, req.get('content-type'));
    const event = parseZohoEvent(body);
    const receiptId = receiptIdFor(storeHash, event, raw);
    const readable = isObject(body);

    const job: ReceiptJob | undefined = event && { name: ZOHO_EVENT_JOB, data: { storeHash, receiptId, module: event.module, recordId: event.recordId } };
    const now = new Date();
    let duplicate = false;
    try {
      await WebhookReceipt.create({
        _id: receiptId,
        source: 'zoho',
        storeHash,
        topic: event?.module ?? 'unknown',
        resourceId: event?.recordId,
        status: event ? 'queued' : readable ? 'ignored' : 'unreadable',
        note: event ? undefined : readable ? 'The body names no record the app follows; see the webhook templates in the app.' : UNREADABLE,
        ...(job ? { job, queuedAt: now } : {}),
        receivedAt: now,
        // Kept for support only: jobs never use a webhook's values, they re-read the record.
        payload: readable ? body : raw.toString('utf8').slice(0, 2_000),
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      duplicate = true;
    }
    // Refused however often it comes: Zoho's log must show the rule as failing.
    if (!readable) throw badRequest('unreadable_body', UNREADABLE);
    if (duplicate) {
      // Still queued five minutes on with its job gone: this delivery queues it again.
      res.status(200).json((await requeueIfStuck(ctx, receiptId)) ? { ok: true, requeued: true } : { ok: true, duplicate: true });
      return;
    }
    if (!job) {
      res.status(200).json({ ok: true, ignored: true });
      return;
    }
    // Stock in real time: marking the record is a few writes, the same the job would make, so it
    // is done here. A job per event cost five writes to the jobs collection and a worker's poll
    // (up to 2 s) before the flush's window even opened; on the embedded database, 10 events a
    // second put the jobs collection behind and the event → BigCommerce p95 at 4 s. When stock is
    // off or not real-time, or the marking fails, the job does it as before (and says why not).
    if (event?.recordId && onlyStockFollows(event.module)) {
      const marked = await markZohoStockEvent(ctx, storeHash, event.module, event.recordId).catch((error: unknown) => {
        req.log?.warn({ err: error, storeHash }, 'zoho stock event not marked at intake; its job will');
        return undefined;
      });
      if (marked?.marked) {
        // Left `queued` only if this process dies here: the receipt sweep then queues its job, which marks it again.
        await WebhookReceipt.updateOne({ _id: receiptId }, { $set: { status: 'processed' } });
        res.status(200).json({ ok: true });
        return;
      }
    }
    try {
      await ctx.jobs.enqueue(job.name, job.data);
    } catch (error) {
      // Without its job the receipt would swallow Zoho's retry: drop it so the retry counts.
      await WebhookReceipt.deleteOne({ _id: receiptId }).catch(() => undefined);
      req.log?.error({ err: error, storeHash }, 'zoho webhook not queued');
      throw new HttpError(503, 'not_queued', 'The event could not be queued; please retry.');
    }
    res.status(200).json({ ok: true });
  });
  return router;
}

/**
 * A delivery's natural key. Zoho sends no delivery id, so it is the record and its
 * last_modified_time when the body has them (the templates ask for it); otherwise the
 * body's hash within a one-minute window.
 */
export function receiptIdFor(storeHash: string, event: ParsedZohoEvent | undefined, raw: Buffer, now = Date.now()): string {
  if (event?.lastModifiedTime) return `zoho:${storeHash}:${event.module}:${event.recordId}:${event.lastModifiedTime}`;
  return `zoho:${storeHash}:${sha256(raw).toString('hex')}:${Math.floor(now / BODY_DEDUPE_WINDOW_MS)}`;
}

const UNREADABLE =
  'The body is not a JSON object, so the app cannot tell which record changed: give the workflow rule\'s webhook the JSON body template the app shows for its module.';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * JSON, or a form (`JSONString=…` as Zoho's form posts carry, or plain fields); undefined when
 * it is neither (or a form's JSONString is not JSON).
 */
function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (!text.trim()) return undefined;
  const json = tryJson(text);
  if (json !== undefined) return json;
  if (/x-www-form-urlencoded/i.test(contentType ?? '') || /^[\w%.-]+=/.test(text)) {
    const form = Object.fromEntries(new URLSearchParams(text));
    return typeof form.JSONString === 'string' ? tryJson(form.JSONString) : form;
  }
  return undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
