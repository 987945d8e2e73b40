import { Router, type Request } from 'express';
import { z } from 'zod';
import { epochSeconds } from '../dates.js';
import { SimApiError, invalidJson, notFound } from '../errors.js';
import type { SimHook } from '../model.js';
import { pageRequest, v3Page } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { parseV3 } from '../validation.js';
import { WEBHOOK_SCOPES } from '../webhooks.js';
import { boolParam, pathId, queryString, storeOf, type Query } from './params.js';

const headersSchema = z.record(z.string(), z.string()).nullable();
const hookCreateSchema = z.looseObject({ scope: z.string().min(1), destination: z.string().min(1), is_active: z.boolean().optional(), headers: headersSchema.optional() });
const hookUpdateSchema = z.looseObject({ scope: z.string().min(1).optional(), destination: z.string().min(1).optional(), is_active: z.boolean().optional(), headers: headersSchema.optional() });

export function hookView(hook: SimHook) {
  return {
    id: hook.id,
    client_id: hook.client_id,
    store_hash: hook.store_hash,
    scope: hook.scope,
    destination: hook.destination,
    is_active: hook.is_active,
    headers: hook.headers,
    created_at: epochSeconds(hook.createdAt),
    updated_at: epochSeconds(hook.updatedAt),
  };
}

/**
 * Production requires an https destination on port 443; the simulator also takes http on any
 * port so that local apps can receive deliveries.
 */
function checkHook(scope: string | undefined, destination: string | undefined): void {
  if (scope !== undefined && !WEBHOOK_SCOPES.has(scope)) throw invalidJson({ scope: `${scope} is not a valid webhook scope` });
  if (destination !== undefined) {
    let url: URL;
    try {
      url = new URL(destination);
    } catch {
      throw invalidJson({ destination: 'error.url' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidJson({ destination: 'The destination must be an https URL' });
  }
}

/** `/v3/hooks`: the hooks of the app calling (every call here is the one app). */
export function hookRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;
  const hookOf = (req: Request, store: SimStore) => {
    const hook = store.hooks.get(pathId(req, 'hookId', 'webhook'));
    if (!hook) throw notFound('webhook');
    return hook;
  };

  router.get('/hooks', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const active = boolParam(q, 'is_active');
    const scope = queryString(q, 'scope');
    const destination = queryString(q, 'destination');
    const hooks = [...store.hooks.values()].filter(
      (h) => (active === undefined || h.is_active === active) && (scope === undefined || h.scope === scope) && (destination === undefined || h.destination === destination),
    );
    res.json(v3Page(hooks, pageRequest(q, limits().maxPageSize), hookView));
  });

  router.post('/hooks', (req, res) => {
    const store = storeOf(res);
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new SimApiError(400, 'Input is invalid.');
    }
    const input = parseV3(hookCreateSchema, req.body);
    checkHook(input.scope, input.destination);
    // Like the platform, a second identical hook is created (and doubles every delivery).
    const now = state.clock.now();
    const hook: SimHook = {
      id: store.nextId('hook'),
      client_id: state.options.clientId,
      store_hash: store.hash,
      scope: input.scope,
      destination: input.destination,
      is_active: input.is_active ?? true,
      headers: input.headers ?? null,
      createdAt: now,
      updatedAt: now,
    };
    store.hooks.set(hook.id, hook);
    res.json({ data: hookView(hook), meta: {} });
  });

  router.get('/hooks/:hookId', (req, res) => {
    res.json({ data: hookView(hookOf(req, storeOf(res))), meta: {} });
  });

  router.put('/hooks/:hookId', (req, res) => {
    const hook = hookOf(req, storeOf(res));
    const input = parseV3(hookUpdateSchema, req.body);
    if (Object.keys(input).length === 0) throw invalidJson({ body: 'At least one field is required' });
    checkHook(input.scope, input.destination);
    if (input.scope !== undefined) hook.scope = input.scope;
    if (input.destination !== undefined) hook.destination = input.destination;
    if (input.is_active !== undefined) hook.is_active = input.is_active;
    if (input.headers !== undefined) hook.headers = input.headers;
    hook.updatedAt = state.clock.now();
    res.json({ data: hookView(hook), meta: {} });
  });

  router.delete('/hooks/:hookId', (req, res) => {
    const store = storeOf(res);
    const hook = hookOf(req, store);
    store.hooks.delete(hook.id);
    res.json({ data: hookView(hook), meta: {} });
  });

  return router;
}
