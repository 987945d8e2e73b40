import { Router, type Response } from 'express';
import { z } from 'zod';
import { signSessionToken } from '../auth/sessionToken.js';
import type { AppContext } from '../context.js';
import { badRequest } from '../http/errors.js';
import { installStore, loadStore, removeStoreUser, uninstallStore, type StoreSession } from './lifecycle.js';
import { verifySignedPayload } from './signedPayload.js';

const authQuery = z.object({
  code: z.string().min(1, 'code is missing'),
  scope: z.string().default(''),
  context: z.string().min(1, 'context is missing'),
});

/** The four callbacks registered in the BigCommerce Developer Portal. */
export function bigcommerceCallbacks(ctx: AppContext): Router {
  const router = Router();
  const { clientId, clientSecret } = ctx.config.bigcommerce;
  const verify = (token: unknown) => verifySignedPayload(token, clientId, clientSecret);

  // "Into the panel": the session token rides in the fragment, which never reaches a server log.
  const enterPanel = async (res: Response, session: StoreSession) => {
    const token = await signSessionToken(session, ctx.config.sessionSecret);
    res.redirect(302, `${ctx.config.appUrl}/#session=${encodeURIComponent(token)}`);
  };

  router.get('/auth', async (req, res) => {
    const parsed = authQuery.safeParse(req.query);
    if (!parsed.success) throw badRequest('invalid_install', `The install callback is incomplete: ${parsed.error.issues[0]?.message}.`);
    await enterPanel(res, await installStore(ctx, parsed.data));
  });

  router.get('/load', async (req, res) => {
    await enterPanel(res, await loadStore(ctx, await verify(req.query.signed_payload_jwt)));
  });

  router.get('/uninstall', async (req, res) => {
    await uninstallStore(ctx, await verify(req.query.signed_payload_jwt));
    res.status(200).json({ ok: true });
  });

  router.get('/remove-user', async (req, res) => {
    await removeStoreUser(ctx, await verify(req.query.signed_payload_jwt));
    res.status(200).json({ ok: true });
  });

  return router;
}
