import type { Logger } from '../logger.js';
import { Priority } from '../sync/priority.js';
import { BigCommerceApiError, BigCommerceAuthError, describeErrorBody } from './errors.js';
import { rateLimiterFor, readRateLimitHeaders, readRetryAfterSeconds, type StoreRateLimiter } from './rateLimiter.js';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, mayRetry, sleep, throttleDelayMs, type RetryPolicy } from './retry.js';

/**
 * A typed client of one store's REST API (v2 and v3) over `fetch`. Every call goes through the
 * store's rate limiter (priority + pacing from the X-Rate-Limit-* headers), is retried within
 * bounds, times out, and is reported to `onCall` (which counts calls per store per day).
 * Resource helpers (orders.ts, catalog.ts, batches.ts, hooks.ts) are built on `request`.
 */

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Orders and real-time stock first, scheduled catalog work last. Default: scheduled. */
  priority?: Priority;
  /** May the call be sent again after an ambiguous failure? Default: every method but POST. */
  idempotent?: boolean;
  /** Per attempt. */
  timeoutMs?: number;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON; undefined for 204 or an empty body. */
  body: T;
}

/** The v3 envelope. */
export interface V3Envelope<T> {
  data: T;
  meta?: { pagination?: V3Pagination } & Record<string, unknown>;
}

export interface V3Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}

/** What `onCall` hears after every attempt that reached (or tried to reach) BigCommerce. */
export interface CallEvent {
  storeHash: string;
  method: string;
  path: string;
  /** 0 when no response came (network error, timeout). */
  status: number;
  throttled: boolean;
  durationMs: number;
}

export interface BigCommerceClientOptions {
  storeHash: string;
  accessToken: string;
  /** https://api.bigcommerce.com, or a simulator. */
  apiUrl: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onCall?: (event: CallEvent) => void;
  logger?: Logger;
  /** Defaults to the process-wide limiter of this store. */
  limiter?: StoreRateLimiter;
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const PAGE_LIMIT_V3 = 250;
const PAGE_LIMIT_V2 = 250;

export class BigCommerceClient {
  readonly storeHash: string;
  readonly apiUrl: string;
  readonly limiter: StoreRateLimiter;
  /** Attempts this client made (including retries): what a sync run reports as calls spent. */
  callCount = 0;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: BigCommerceClientOptions) {
    this.storeHash = options.storeHash;
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.limiter = options.limiter ?? rateLimiterFor(this.apiUrl, options.storeHash);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The store's API base: `{apiUrl}/stores/{hash}`; `path` starts with /v2/ or /v3/. */
  url(path: string, query?: Query): string {
    const url = `${this.apiUrl}/stores/${this.storeHash}${path}`;
    const search = encodeQuery(query);
    return search ? `${url}?${search}` : url;
  }

  /**
   * One call, retried within the policy. Resolves for 2xx (207 included: callers read the
   * per-record outcome); throws BigCommerceApiError otherwise (BigCommerceAuthError for 401/403).
   */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    method = method.toUpperCase();
    const priority = options.priority ?? Priority.scheduled;
    const idempotent = options.idempotent ?? method !== 'POST';
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const url = this.url(path, options.query);
    const hasBody = options.body !== undefined;
    // A FormData body (an image upload) is sent as multipart: fetch writes its content type and boundary.
    const form = options.body instanceof FormData ? options.body : undefined;
    const headers: Record<string, string> = {
      'x-auth-token': this.options.accessToken,
      accept: 'application/json',
      ...(hasBody && !form ? { 'content-type': 'application/json' } : {}),
    };
    let retries = 0;
    let throttles = 0;
    for (;;) {
      await this.limiter.acquire(priority);
      const started = Date.now();
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: form ?? (hasBody ? JSON.stringify(options.body) : undefined),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        this.limiter.release(undefined);
        this.report(method, path, 0, false, started);
        const timedOut = (error as Error)?.name === 'TimeoutError';
        const title = timedOut ? `no answer within ${timeoutMs} ms` : `network error: ${(error as Error)?.message ?? String(error)}`;
        if (mayRetry(idempotent, 'network') && retries < this.retry.maxRetries) {
          retries++;
          this.options.logger?.warn({ storeHash: this.storeHash, method, path, retry: retries }, `BigCommerce call failed (${title}); retrying`);
          await sleep(backoffDelayMs(retries, this.retry));
          continue;
        }
        throw new BigCommerceApiError(0, title, undefined, true, { method, path });
      }

      const snapshot = readRateLimitHeaders(response.headers);
      const status = response.status;
      if (status === 429) {
        const wait = throttleDelayMs(
          { resetMs: snapshot?.resetMs, retryAfterS: readRetryAfterSeconds(response.headers) },
          backoffDelayMs(throttles + 1, this.retry) || this.retry.baseDelayMs,
        );
        // The limiter holds every call to this store until then, not only this one.
        this.limiter.release(snapshot, wait);
        this.report(method, path, status, true, started);
        if (throttles < this.retry.maxThrottleRetries) {
          throttles++;
          this.options.logger?.warn({ storeHash: this.storeHash, method, path, waitMs: wait }, 'BigCommerce rate limit hit; waiting');
          continue;
        }
        throw this.errorFor(method, path, status, text, true);
      }
      this.limiter.release(snapshot);
      this.report(method, path, status, false, started);

      if (status >= 200 && status < 300) {
        return { status, headers: response.headers, body: parseJson(text) as T };
      }
      const retryable = mayRetry(idempotent, { status });
      if (retryable && retries < this.retry.maxRetries) {
        retries++;
        this.options.logger?.warn({ storeHash: this.storeHash, method, path, status, retry: retries }, 'BigCommerce server error; retrying');
        await sleep(backoffDelayMs(retries, this.retry));
        continue;
      }
      throw this.errorFor(method, path, status, text, retryable || status >= 500);
    }
  }

  /** A v2 call: the body as is (v2 answers bare objects and arrays). */
  async v2<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>(method, `/v2${path}`, options)).body;
  }

  /** A v3 call: the `{data, meta}` envelope. */
  async v3<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<V3Envelope<T>> {
    return (await this.request<V3Envelope<T>>(method, `/v3${path}`, options)).body;
  }

  /**
   * Pages of a v3 collection, one request per page, read lazily (constant memory): stop
   * iterating and no further page is fetched.
   */
  async *paginateV3<T>(path: string, options: { query?: Query; limit?: number; priority?: Priority } = {}): AsyncGenerator<T[], void, undefined> {
    const limit = options.limit ?? PAGE_LIMIT_V3;
    for (let page = 1; ; page++) {
      const body = await this.v3<T[]>('GET', path, { query: { ...options.query, page, limit }, priority: options.priority });
      const data = Array.isArray(body?.data) ? body.data : [];
      if (data.length > 0) yield data;
      const pagination = body?.meta?.pagination;
      const lastPage = pagination ? page >= pagination.total_pages : data.length < limit;
      if (lastPage || data.length === 0) return;
    }
  }

  /**
   * Pages of a v2 collection. v2 answers 204 (no body) past the last page, and carries no
   * pagination metadata: a short page is the last one.
   */
  async *paginateV2<T>(path: string, options: { query?: Query; limit?: number; priority?: Priority } = {}): AsyncGenerator<T[], void, undefined> {
    const limit = options.limit ?? PAGE_LIMIT_V2;
    for (let page = 1; ; page++) {
      const body = await this.v2<T[] | undefined>('GET', path, { query: { ...options.query, page, limit }, priority: options.priority });
      const data = Array.isArray(body) ? body : [];
      if (data.length > 0) yield data;
      if (data.length < limit) return;
    }
  }

  private report(method: string, path: string, status: number, throttled: boolean, started: number) {
    this.callCount++;
    try {
      this.options.onCall?.({ storeHash: this.storeHash, method, path, status, throttled, durationMs: Date.now() - started });
    } catch {
      // Counting must never break a call.
    }
  }

  private errorFor(method: string, path: string, status: number, text: string, retryable: boolean): BigCommerceApiError {
    const body = parseJson(text) ?? text;
    const { title, errors } = describeErrorBody(body);
    const ErrorClass = status === 401 || status === 403 ? BigCommerceAuthError : BigCommerceApiError;
    return new ErrorClass(status, title, errors, retryable, { method, path }, body);
  }
}

/** BigCommerce's query style: repeated keys are not used; lists are comma-separated (`id:in=1,2`). */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
