import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { startBigCommerceSimulator, type RunningSimulator } from '../../sandbox/bigcommerce/simulator.js';
import type { SimStore, SimulatorOptions } from '../../sandbox/bigcommerce/state.js';

export const TOKEN = 'sim-test-token';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

// Tests read response bodies freely, as supertest's `any` bodies allow.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Api = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse<T>>;

export interface SimHarness {
  sim: RunningSimulator;
  store: SimStore;
  /** Calls `/stores/{hash}{path}` with the store's token and JSON headers. */
  api: Api;
  /** The same, for another store or token. */
  apiFor(hash: string, token?: string): Api;
  close(): Promise<void>;
}

export function apiClient(baseUrl: string, hash: string, token: string | undefined): Api {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { 'x-auth-token': token } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body),
    };
    const res = await fetch(`${baseUrl}/stores/${hash}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as never };
  };
}

/** A simulator over real HTTP with one installed store (`sim1`, token TOKEN). */
export async function startSim(options: Partial<SimulatorOptions> = {}): Promise<SimHarness> {
  const sim = await startBigCommerceSimulator({ clientId: 'sim-client', clientSecret: 'sim-secret', appUrl: 'http://app.test', storeHash: 'unused', ...options });
  const store = sim.state.addStore('sim1', { accessToken: TOKEN });
  return {
    sim,
    store,
    api: apiClient(sim.url, store.hash, TOKEN),
    apiFor: (hash, token) => apiClient(sim.url, hash, token),
    close: () => sim.close(),
  };
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A local webhook destination that records what it gets and answers what `respond` says. */
export async function startReceiver(respond: (index: number, request: ReceivedHook) => number = () => 200) {
  const received: ReceivedHook[] = [];
  let handler = respond;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') };
      received.push(request);
      res.statusCode = handler(received.length - 1, request);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks`;
  return {
    url,
    received,
    respondWith(next: typeof respond) {
      handler = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A minimal product body the API accepts. */
export function productBody(name: string, extra: Record<string, unknown> = {}) {
  return { name, type: 'physical', weight: 1, price: 10, ...extra };
}

/** A 1×1 PNG. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
