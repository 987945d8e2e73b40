import type { NextFunction, Request, Response } from 'express';
import { verifySessionToken, type SessionClaims } from '../auth/sessionToken.js';
import { Store, StoreUser, storeUserId } from '../db/models/index.js';
import { unauthorized } from '../http/errors.js';
import { mayManage } from '../users/service.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireSession: the store and user every /api route is scoped to. */
    session?: PanelSession;
  }
}

/** The store and user a panel request speaks for, with what they may do there. */
export type PanelSession = SessionClaims & { role: string; canManage: boolean };

/**
 * Every panel request: a valid Bearer session token, for a store that is still installed and a
 * user who still belongs to it (so uninstall and remove-user take effect at once).
 */
export function requireSession(sessionSecret: string) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('missing_session', 'Open the app from the BigCommerce control panel (no session token).');
    let claims: SessionClaims;
    try {
      claims = await verifySessionToken(match[1]!, sessionSecret);
    } catch {
      throw unauthorized('invalid_session', 'The session has expired or is invalid: reopen the app from the control panel.');
    }
    const [store, membership] = await Promise.all([
      Store.findById(claims.storeHash, { status: 1 }).lean(),
      StoreUser.findById(storeUserId(claims.storeHash, claims.userId), { role: 1, canManage: 1 }).lean(),
    ]);
    if (!store || store.status !== 'installed') throw unauthorized('store_not_installed', 'The app is no longer installed in this store.');
    if (!membership) throw unauthorized('user_removed', 'This user no longer has access to the app in this store.');
    req.session = { ...claims, role: membership.role, canManage: mayManage(membership) };
    next();
  };
}

/** The session set by requireSession; routes behind it can rely on it. */
export function sessionOf(req: Request): PanelSession {
  if (!req.session) throw unauthorized('missing_session', 'No session.');
  return req.session;
}
