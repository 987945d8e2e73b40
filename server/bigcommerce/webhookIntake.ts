import express, { Router } from 'express';
import type { AppContext } from '../context.js';
import { badRequest, unauthorized } from '../http/errors.js';
import { bigcommerceDeliverySchema } from './webhookDelivery.js';
import { recordBigCommerceDelivery } from './webhookReceipts.js';
import { WEBHOOK_SECRET_HEADER } from './webhookSecret.js';

/** BigCommerce's deliveries are a few hundred bytes; anything near this is not from it. */
export const WEBHOOK_BODY_LIMIT = '64kb';

/**
 * `POST /webhooks/bigcommerce`: authenticate, parse, record once, queue, answer 200 at once.
 * Its own body parsing (raw, limited) so that a bad body is a clean 400 and an oversized one 413.
 * Never calls an external API: BigCommerce blocks an app's domain when its deliveries fail or
 * lag, so everything slow happens in the queued job.
 */
export function bigcommerceWebhookIntake(ctx: AppContext): Router {
  const router = Router();
  router.post('/', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const secret = req.get(WEBHOOK_SECRET_HEADER);
    if (!secret) throw unauthorized('missing_webhook_secret', `The delivery has no ${WEBHOOK_SECRET_HEADER} header.`);
    const parsed = bigcommerceDeliverySchema.safeParse(parseJson(req.body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest('invalid_webhook', `The delivery is not a BigCommerce webhook: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unreadable'}.`);
    }
    const result = await recordBigCommerceDelivery(ctx, parsed.data, secret);
    res.status(200).json({ received: true, outcome: result.outcome });
  });
  return router;
}

function parseJson(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
