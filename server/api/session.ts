import { Router } from 'express';
import { signSessionToken } from '../auth/sessionToken.js';
import type { AppContext } from '../context.js';
import { Store, User } from '../db/models/index.js';
import { zohoConnectionSummary } from '../zoho/connection.js';
import { sessionOf } from './requireSession.js';

/** What the panel shows first: the store, the user and the state of each connection. */
export function sessionRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/session', async (req, res) => {
    const session = sessionOf(req);
    const [store, user] = await Promise.all([
      Store.findById(session.storeHash, { accessTokenSealed: 0 }).lean(),
      User.findById(session.userId).lean(),
    ]);
    res.json({
      store: { hash: session.storeHash, status: store?.status, installedAt: store?.installedAt, scope: store?.scope },
      user: { id: session.userId, email: user?.email ?? '', role: session.role, canManage: session.canManage },
      connections: {
        bigcommerce: { status: store?.status === 'installed' ? 'connected' : 'disconnected' },
        zoho: await zohoConnectionSummary(session.storeHash),
      },
    });
  });

  // Trades a still-valid token for a fresh one, so a panel left open keeps working.
  router.post('/session/refresh', async (req, res) => {
    const session = sessionOf(req);
    res.json({ token: await signSessionToken(session, ctx.config.sessionSecret) });
  });

  return router;
}
