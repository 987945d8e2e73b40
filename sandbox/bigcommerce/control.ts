import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { faultControlRoutes } from '../common/faults.js';
import { SimApiError } from './errors.js';
import type { OrderInput } from './orders.js';
import type { BigCommerceState, SimStore } from './state.js';

const stockSchema = z.union([
  z.object({ sku: z.string().min(1), quantity: z.int(), location_id: z.int().optional() }),
  z.object({ variant_id: z.int(), quantity: z.int(), location_id: z.int().optional() }),
  z.object({ product_id: z.int(), quantity: z.int(), location_id: z.int().optional() }),
]);

/** What a test or the demo sees of a store at a glance. */
export function storeSummary(store: SimStore) {
  return {
    hash: store.hash,
    storeId: store.storeId,
    plan: store.plan,
    installed: store.installed,
    products: store.products.size,
    variants: store.variants.size,
    customers: store.customers.size,
    orders: store.orders.size,
    hooks: [...store.hooks.values()].map((h) => ({ id: h.id, scope: h.scope, destination: h.destination, is_active: h.is_active })),
    events: store.events.length,
    totalCalls: store.totalCalls(),
    calls: Object.fromEntries(store.calls),
  };
}

/**
 * `/__sim/…`: a small JSON control surface for the e2e tests and the demo (in-process tests use
 * the simulator object directly). Never part of BigCommerce's API.
 */
export function controlRoutes(state: BigCommerceState): Router {
  const router = Router();
  router.use('/__sim', express.json());
  const storeOf = (req: Request) => {
    const store = state.store(req.params.hash);
    if (!store) throw new SimApiError(404, `No simulated store ${String(req.params.hash)}`);
    return store;
  };

  router.get('/__sim/stores', (_req, res) => {
    res.json([...state.stores.values()].map(storeSummary));
  });
  router.post('/__sim/stores', (req, res) => {
    const body = z.object({ hash: z.string().regex(/^[a-z0-9]+$/), accessToken: z.string().optional(), plan: z.enum(['standard', 'plus', 'pro', 'enterprise']).optional() }).parse(req.body);
    res.json(storeSummary(state.stores.get(body.hash) ?? state.addStore(body.hash, body)));
  });
  router.get('/__sim/stores/:hash', (req, res) => {
    res.json(storeSummary(storeOf(req)));
  });
  router.get('/__sim/stores/:hash/events', (req, res) => {
    res.json(storeOf(req).events);
  });
  router.post('/__sim/stores/:hash/events', (req, res) => {
    const body = z.object({ scope: z.string().min(1), data: z.looseObject({ type: z.string(), id: z.int() }) }).parse(req.body);
    res.json(state.emit(storeOf(req), body.scope, body.data));
  });
  router.post('/__sim/stores/:hash/stock', (req, res) => {
    const { quantity, location_id, ...target } = stockSchema.parse(req.body);
    state.setStock(storeOf(req), target, quantity, location_id);
    res.status(204).end();
  });
  router.post('/__sim/stores/:hash/orders', (req, res) => {
    const order = state.placeOrder(storeOf(req), req.body as OrderInput);
    res.json({ id: order.id, status_id: order.status_id });
  });
  router.post('/__sim/stores/:hash/orders/:id/refunds', (req, res) => {
    const body = z
      .object({
        items: z.array(z.object({ order_product_id: z.int(), quantity: z.int().min(1), amount: z.number().min(0).optional() })).optional(),
        amount: z.number().min(0).optional(),
      })
      .parse(req.body ?? {});
    res.status(201).json(state.refundOrder(storeOf(req), Number(req.params.id), body));
  });
  router.use(faultControlRoutes(state.faults));
  router.put('/__sim/rate-limit', (req, res) => {
    const body = z.object({ quota: z.int().min(1).optional(), windowMs: z.int().min(1).optional(), store: z.string().optional() }).parse(req.body);
    state.rateLimit.configure({ ...(body.quota ? { quota: body.quota } : {}), ...(body.windowMs ? { windowMs: body.windowMs } : {}) }, body.store);
    res.status(204).end();
  });
  router.put('/__sim/limits', (req, res) => {
    state.limits.configure(req.body ?? {});
    res.json(state.limits.current);
  });
  router.put('/__sim/deliveries', (req, res) => {
    state.deliveries.configure(req.body ?? {});
    res.status(204).end();
  });
  router.get('/__sim/deliveries', (_req, res) => {
    res.json(state.deliveries.log);
  });

  router.use('/__sim', ((error, _req, res, _next) => {
    const status = error instanceof SimApiError ? error.status : error instanceof z.ZodError || error?.type === 'entity.parse.failed' ? 400 : 500;
    res.status(status).json({ error: error instanceof Error ? error.message : String(error) });
  }) as express.ErrorRequestHandler);
  return router;
}
