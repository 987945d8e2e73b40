import type { NextFunction, Request, Response } from 'express';
import { forbidden } from '../http/errors.js';

/**
 * Guards for the routes that change state or reveal a secret (settings, the Zoho connection and
 * its webhook secret, syncs, previews and retries): only users who may manage the app pass.
 * They follow requireSession, which sets `req.session`; generic so a route keeps its typed params.
 */
export function requireManage<P>(req: Request<P>, _res: Response, next: NextFunction): void {
  if (!req.session?.canManage) {
    throw forbidden('read_only', 'You can see everything here, but only the store owner, or a user the owner lets manage the app, can change it.');
  }
  next();
}

/** Who may manage the app is the owner's to say. */
export function requireOwner<P>(req: Request<P>, _res: Response, next: NextFunction): void {
  if (req.session?.role !== 'owner') throw forbidden('owner_only', 'Only the store owner decides who may manage the app.');
  next();
}
