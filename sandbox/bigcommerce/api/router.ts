import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { recordExchanges } from '../../common/exchanges.js';
import { SimApiError, sendApiError, v2ErrorBody, v3ErrorBody } from '../errors.js';
import type { BigCommerceState } from '../state.js';
import { catalogRoutes } from './catalog.js';
import { customerGroupRoutes, customerRoutes } from './customers.js';
import { hookRoutes } from './hooks.js';
import { inventoryRoutes } from './inventory.js';
import { orderRoutes } from './orders.js';
import { priceListRoutes } from './priceLists.js';
import { channelRoutes, storeInformationRoutes } from './store.js';

type Version = 'v2' | 'v3';

const STATUS_TITLES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** "GET /v3/catalog/products/{id}": how calls are counted (ids folded so routes add up). */
export function callKey(method: string, version: Version, path: string): string {
  return `${method} /${version}${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

/** The store named in the path, if the `X-Auth-Token` is its current API token; 401 otherwise. */
function authenticate(state: BigCommerceState, version: Version): RequestHandler {
  return (req, res, next) => {
    res.locals.apiVersion = version;
    const hash = req.params.storeHash as string;
    const store = state.store(hash);
    state.countCall(callKey(req.method, version, req.path), store);
    const token = req.get('x-auth-token');
    if (!store || !store.installed || !store.accessToken || token !== store.accessToken) {
      return sendApiError(res, 401, 'Unauthorized: the X-Auth-Token is not a valid API token for this store.');
    }
    res.locals.store = store;
    res.locals.storeHash = store.hash;
    next();
  };
}

/** The API speaks JSON only: an Accept that excludes it gets 406. */
const acceptJson: RequestHandler = (req, res, next) => {
  const accept = req.get('accept');
  if (accept && !req.accepts('application/json')) return sendApiError(res, 406, 'Not Acceptable: the API answers application/json.');
  next();
};

/**
 * Bodies: JSON for every write, multipart only for product image uploads. A write with a body
 * of another type gets 415, as the platform answers.
 */
function parseBodies(state: BigCommerceState): RequestHandler[] {
  const json = express.json({ limit: '50mb', type: ['application/json', 'application/*+json'] });
  const raw = express.raw({ type: 'multipart/form-data', limit: state.limits.current.imageBytes + 1024 * 1024 });
  const uploadPath = /^\/catalog\/products\/\d+\/images\/?$/;
  const gate: RequestHandler = (req, res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    if (!hasBody || req.is('application/json') || req.is('application/*+json')) return next();
    if (req.is('multipart/form-data') && req.method === 'POST' && uploadPath.test(req.path)) return next();
    sendApiError(res, 415, 'Unsupported Media Type: send application/json.');
  };
  return [gate, json, raw];
}

/** Only so many concurrent calls of some endpoints per store (price-list record upserts: 2). */
function concurrencyGate(state: BigCommerceState): RequestHandler {
  const inFlight = new Map<string, number>();
  const records = /^\/pricelists\/\d+\/records\/?$/;
  return (req, res, next) => {
    if (req.method !== 'PUT' || !records.test(req.path)) return next();
    const key = res.locals.storeHash as string;
    const running = inFlight.get(key) ?? 0;
    if (running >= state.limits.current.priceListRecordsConcurrency) return sendApiError(res, 429, 'Too many concurrent requests: upsert price records one batch at a time.');
    inFlight.set(key, running + 1);
    res.once('close', () => inFlight.set(key, (inFlight.get(key) ?? 1) - 1));
    next();
  };
}

function errorHandler(version: Version): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof SimApiError) {
      if (version === 'v2') return void res.status(error.status).json(v2ErrorBody(error.status, error.title));
      return void res.status(error.status).json(error.body ?? v3ErrorBody(error.status, error.title, error.errors));
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      return void (version === 'v2' ? res.status(400).json(v2ErrorBody(400, 'The request body is not valid JSON.')) : res.status(400).json(v3ErrorBody(400, 'Input is invalid.')));
    }
    if (type === 'entity.too.large') return sendApiError(res, 413, 'The request payload is too large.');
    console.error('BigCommerce simulator error', error);
    sendApiError(res, 500, 'Internal Server Error');
  };
}

/**
 * The store API as api.bigcommerce.com serves it: `/stores/{hash}/v3/…` and `/stores/{hash}/v2/…`.
 * In order: exchange recording, documented answers only, call counting and token check, rate limit (headers on every
 * answer), concurrency limits, fault injection, body parsing, then the resource routes.
 */
export function storeApiRoutes(state: BigCommerceState): Router {
  const router = Router();
  const resources: Record<Version, Router[]> = {
    v3: [catalogRoutes(state), inventoryRoutes(state), priceListRoutes(state), customerRoutes(state), channelRoutes(state), hookRoutes(state)],
    v2: [orderRoutes(state), customerGroupRoutes(state), storeInformationRoutes(state)],
  };
  for (const version of ['v3', 'v2'] as const) {
    const api = Router({ mergeParams: true });
    api.use(recordExchanges(state.exchanges));
    api.use(state.answers.middleware);
    api.use(authenticate(state, version));
    api.use(acceptJson);
    api.use(state.rateLimit.middleware());
    api.use(concurrencyGate(state));
    api.use(state.faults.middleware((res, status) => sendApiError(res, status, STATUS_TITLES[status] ?? 'Error')));
    api.use(...parseBodies(state));
    for (const routes of resources[version]) api.use(routes);
    api.use((_req, _res) => {
      throw new SimApiError(404, 'The requested resource was not found.');
    });
    api.use(errorHandler(version));
    router.use(`/stores/:storeHash/${version}`, api);
  }
  return router;
}
