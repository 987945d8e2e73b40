import type { Server } from 'node:http';
import express from 'express';
import { storeApiRoutes } from './api/router.js';
import { controlPanelRoutes } from './controlPanel.js';
import { controlRoutes } from './control.js';
import { oauthRoutes } from './oauth.js';
import { BigCommerceState, type SimulatorOptions } from './state.js';

/**
 * The BigCommerce simulator: login (OAuth token endpoint), the stand-in control panel, the
 * store REST API (`/stores/{hash}/v3|v2/…`), uploaded product images, and `/__sim` controls.
 * State lives in memory. The knobs tests turn are on the returned object (all on `state`).
 */
export function createBigCommerceSimulator(options: SimulatorOptions) {
  const state = new BigCommerceState(options);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(oauthRoutes(state));
  app.use(controlPanelRoutes(state));
  app.use(storeApiRoutes(state));
  app.use(controlRoutes(state));
  // Stand-in for the CDN that serves uploaded product images.
  app.get('/product_images/:hash/:imageId/:name', (req, res) => {
    const image = state.store(req.params.hash)?.images.get(Number(req.params.imageId));
    if (!image?.file) return void res.status(404).end();
    res.type(image.file.contentType).send(image.file.data);
  });
  return { app, state, ...knobs(state) };
}

/** The parts of the state tests configure, named as the brief and the tests use them. */
function knobs(state: BigCommerceState) {
  return {
    clock: state.clock,
    /** `faults.set({latencyMs, errorRate, errorStatus, outages})`, `faults.outageFor(ms)`, `faults.loseAnswers({times, mode, match})`. */
    faults: state.faults,
    /** `deliveries.configure({retryDelaysMs, duplicateRate, reorderWindowMs})`, `settle()`, `log`. */
    deliveries: state.deliveries,
    /** `rateLimit.configure({quota, windowMs}, storeHash?)`. */
    rateLimit: state.rateLimit,
    /** `limits.configure({productsBatch, variantsBatch, …})`. */
    limits: state.limits,
    /** Add a listener to see every API exchange (contract tests); `exchanges` is the same set. */
    exchangeListeners: state.exchanges,
    exchanges: state.exchanges,
    /** `answers.stripped`: the undocumented fields cut from answers, per operation. */
    answers: state.answers,
  };
}

export interface RunningSimulator extends ReturnType<typeof knobs> {
  url: string;
  state: BigCommerceState;
  close(): Promise<void>;
}

export async function startBigCommerceSimulator(options: SimulatorOptions, port = 0): Promise<RunningSimulator> {
  const { app, state } = createBigCommerceSimulator(options);
  await state.answers.ready;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  state.publicUrl = url;
  return {
    url,
    state,
    ...knobs(state),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
