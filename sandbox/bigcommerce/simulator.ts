import type { Server } from 'node:http';
import express from 'express';
import { controlPanelRoutes } from './controlPanel.js';
import { oauthRoutes } from './oauth.js';
import { BigCommerceState, type SimulatorOptions } from './state.js';

/**
 * The BigCommerce simulator: login (OAuth token endpoint), the stand-in control panel and,
 * as it grows, the store's REST API. One process, one store; state lives in memory.
 */
export function createBigCommerceSimulator(options: SimulatorOptions) {
  const state = new BigCommerceState(options);
  const app = express();
  app.disable('x-powered-by');
  app.use(oauthRoutes(state));
  app.use(controlPanelRoutes(state));
  return { app, state };
}

export interface RunningSimulator {
  url: string;
  state: BigCommerceState;
  close(): Promise<void>;
}

export async function startBigCommerceSimulator(options: SimulatorOptions, port = 0): Promise<RunningSimulator> {
  const { app, state } = createBigCommerceSimulator(options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
