import { randomBytes } from 'node:crypto';
import { Router, json } from 'express';
import type { BigCommerceState } from './state.js';

/**
 * `POST /oauth2/token` of login.bigcommerce.com: trades an install code for the store's API
 * token. Checks every field of the documented JSON body, as the real endpoint does.
 */
export function oauthRoutes(state: BigCommerceState): Router {
  const router = Router();
  router.post('/oauth2/token', json(), (req, res) => {
    state.countCall('POST /oauth2/token');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const required = ['client_id', 'client_secret', 'code', 'context', 'scope', 'grant_type', 'redirect_uri'];
    const missing = required.filter((k) => typeof body[k] !== 'string');
    if (missing.length) {
      res.status(400).json({ error: 'invalid_request', error_description: `missing ${missing.join(', ')}` });
      return;
    }
    if (body.client_id !== state.options.clientId || body.client_secret !== state.options.clientSecret) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Invalid client id or secret' });
      return;
    }
    const grant = state.codes.get(body.code as string);
    if (body.grant_type !== 'authorization_code' || !grant || grant.expiresAt < Date.now()) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'Invalid or expired authorization code' });
      return;
    }
    const store = state.store(grant.storeHash)!;
    if (body.context !== `stores/${store.hash}` || body.redirect_uri !== `${state.options.appUrl}/bigcommerce/auth`) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'context or redirect_uri does not match the install' });
      return;
    }
    state.codes.delete(body.code as string);
    const user = store.userById(grant.userId) ?? store.owner;
    store.accessToken = randomBytes(20).toString('hex');
    store.installed = true;
    res.json({
      access_token: store.accessToken,
      scope: grant.scope,
      user: { id: user.id, username: user.username, email: user.email },
      owner: { id: store.owner.id, username: store.owner.username, email: store.owner.email },
      context: `stores/${store.hash}`,
      account_uuid: store.accountUuid,
    });
  });
  return router;
}
