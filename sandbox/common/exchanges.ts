import type { RequestHandler } from 'express';

/** One request the simulator served and what it answered: what contract tests validate. */
export interface Exchange {
  method: string;
  /** Path without the query string, as received (e.g. /stores/abc/v3/catalog/products). */
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, unknown>;
  responseBody: unknown;
}

export type ExchangeListener = (exchange: Exchange) => void;

/**
 * Records every exchange (after body parsing) for the listeners. Mount it after the JSON
 * body parser and before the routes.
 */
export function recordExchanges(listeners: Set<ExchangeListener>): RequestHandler {
  return (req, res, next) => {
    if (listeners.size === 0) return next();
    let responseBody: unknown;
    const originalSend = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (responseBody === undefined) responseBody = parseMaybeJson(body);
      return originalSend(body as never);
    };
    res.once('finish', () => {
      const exchange: Exchange = {
        method: req.method,
        path: req.originalUrl.split('?')[0]!,
        query: { ...(req.query as Record<string, unknown>) },
        headers: req.headers,
        requestBody: req.body,
        status: res.statusCode,
        responseHeaders: res.getHeaders(),
        responseBody,
      };
      for (const listener of listeners) listener(exchange);
    });
    next();
  };
}

function parseMaybeJson(body: unknown): unknown {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
