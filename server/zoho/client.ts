import type { AppContext } from '../context.js';
import { ZohoConnection } from '../db/models/index.js';
import type { Priority } from '../sync/priority.js';
import type { DailyBudget } from './budget.js';
import { organizationZone, organizationZoneLogged } from './dates.js';
import { readEnvelope, ZohoApiError, ZohoAuthError, ZohoErrorCode, ZohoRateLimited } from './errors.js';
import type { OrgCallLimiter } from './limiter.js';
import type { ZohoPlan } from './plans.js';
import { zohoRuntime, type ZohoRuntime } from './runtime.js';
import type { AccessToken } from './tokens.js';

/**
 * The app's only way to call Zoho Inventory for a store: `organization_id` on every call, the
 * organization's pace (limiter.ts), the store's daily budget (budget.ts), a shared token
 * refreshed once when Zoho refuses it, and Zoho's `{code, message}` envelope turned into
 * typed errors (errors.ts).
 */
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface ZohoCallOptions {
  /** Who is waiting: orders and real-time stock first, scheduled catalog work last. */
  priority: Priority;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** False for the few calls made before an organization is chosen (GET /organizations). */
  organization?: boolean;
}

/** Every Zoho answer carries these next to the resource. */
export interface ZohoEnvelope {
  code: number;
  message: string;
  page_context?: { page?: number; per_page?: number; has_more_page?: boolean };
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Outcome {
  status: number;
  code: number | undefined;
  message: string;
  body: Record<string, unknown> | undefined;
  token: AccessToken;
  /** A binary answer (an image): its bytes and type, when the call asked for them. */
  file?: ZohoFile;
}

/** What a binary GET returns. */
export interface ZohoFile {
  bytes: Buffer;
  contentType: string;
}

export const ZOHO_PAGE_SIZE = 200;

export class ZohoClient {
  /** Requests this client sent to Zoho (retries included): what a run reports as spent. */
  callsMade = 0;

  constructor(
    private readonly runtime: ZohoRuntime,
    readonly storeHash: string,
    readonly organizationId: string | undefined,
    private readonly apiBase: string,
    readonly limiter: OrgCallLimiter,
    readonly budget: DailyBudget,
    /** The organization's time zone, which dates what the app sends (dates.ts); UTC when unknown. */
    readonly timeZone = 'UTC',
  ) {}

  get<T extends object = Record<string, unknown>>(path: string, options: ZohoCallOptions): Promise<ZohoEnvelope & T> {
    return this.request<T>('GET', path, options);
  }

  post<T extends object = Record<string, unknown>>(path: string, body: unknown, options: ZohoCallOptions): Promise<ZohoEnvelope & T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T extends object = Record<string, unknown>>(path: string, body: unknown, options: ZohoCallOptions): Promise<ZohoEnvelope & T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T extends object = Record<string, unknown>>(path: string, options: ZohoCallOptions): Promise<ZohoEnvelope & T> {
    return this.request<T>('DELETE', path, options);
  }

  /**
   * Pages of a list (`page`, `per_page` = 200) until `page_context.has_more_page` is false.
   * `key` names the list in the answer (`items`, `salesorders`…).
   */
  async *pages<T = Record<string, unknown>>(path: string, key: string, options: ZohoCallOptions): AsyncGenerator<T[], void, undefined> {
    const perPage = Number(options.query?.per_page ?? ZOHO_PAGE_SIZE);
    for (let page = Number(options.query?.page ?? 1); ; page++) {
      const answer = await this.get<Record<string, unknown>>(path, { ...options, query: { ...options.query, page, per_page: perPage } });
      const list = answer[key];
      if (list !== undefined && !Array.isArray(list)) throw new ZohoApiError(200, -1, `Zoho's answer to GET ${path} has no "${key}" list.`);
      yield (list ?? []) as T[];
      if (answer.page_context?.has_more_page !== true) return;
    }
  }

  /** Every record of a list, page after page. */
  async *records<T = Record<string, unknown>>(path: string, key: string, options: ZohoCallOptions): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages<T>(path, key, options)) yield* page;
  }

  async request<T extends object = Record<string, unknown>>(method: Method, path: string, options: ZohoCallOptions): Promise<ZohoEnvelope & T> {
    return (await this.call(method, path, options, false)).body as unknown as ZohoEnvelope & T;
  }

  /**
   * A binary GET (an item's image, which needs our token): the same pacing, budget, token renewal
   * and retries as any call, and counted as one. Zoho's errors still come as its JSON envelope.
   */
  async download(path: string, options: ZohoCallOptions): Promise<ZohoFile> {
    return (await this.call('GET', path, options, true)).file!;
  }

  private async call(method: Method, path: string, options: ZohoCallOptions, binary: boolean): Promise<Outcome> {
    const { priority } = options;
    const retry = this.runtime.options;
    if (options.organization !== false && !this.organizationId) {
      throw new ZohoApiError(409, -1, 'No Zoho Inventory organization is chosen for this store yet.');
    }
    let renewed = false;
    let rateLimited = 0;
    let transient = 0;
    let front = false;
    for (;;) {
      this.budget.check(priority);
      const outcome = await this.limiter.run(priority, () => this.send(method, path, options, binary), front);
      // A retried call goes ahead of its queue: it has waited already.
      front = true;
      const { status, code, message } = outcome;
      if (status >= 200 && status < 300 && (code === undefined || code === 0) && (binary ? outcome.file : outcome.body)) {
        return outcome;
      }
      // 57 (or a bare 401) means the token; other codes sent with 401 (6041: not a member of the organization) do not.
      if (code === ZohoErrorCode.notAuthorized || code === ZohoErrorCode.invalidToken || (status === 401 && code === undefined)) {
        if (!renewed) {
          renewed = true;
          await this.runtime.tokens.renew(this.storeHash, outcome.token);
          continue;
        }
        // A brand-new token refused as well: a permission, not an expired token.
        throw new ZohoApiError(status, code ?? ZohoErrorCode.notAuthorized, message);
      }
      if (code === ZohoErrorCode.dailyLimit) throw await this.budget.exhausted();
      if (status === 429 || code === ZohoErrorCode.perMinuteLimit || code === ZohoErrorCode.concurrencyLimit) {
        const pause = code === ZohoErrorCode.concurrencyLimit ? retry.concurrencyPauseMs : retry.rateLimitPauseMs;
        // Some other process (or app) spends this organization's minute too: everyone here waits.
        this.limiter.pauseUntil(Date.now() + pause);
        if (++rateLimited > retry.maxRateLimitRetries) throw new ZohoRateLimited(code ?? -1, message, Date.now() + pause);
        continue;
      }
      if ((status === 0 || status >= 500) && method === 'GET' && transient < retry.transientRetries) {
        transient++;
        await new Promise((resolve) => setTimeout(resolve, retry.transientPauseMs * transient));
        continue;
      }
      throw new ZohoApiError(status, code ?? -1, message);
    }
  }

  private async send(method: Method, path: string, options: ZohoCallOptions, binary = false): Promise<Outcome> {
    const token = await this.runtime.tokens.get(this.storeHash);
    const url = new URL(`${this.apiBase}${path.startsWith('/') ? path : `/${path}`}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value === undefined || value === null) continue;
      url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    if (options.organization !== false) url.searchParams.set('organization_id', this.organizationId!);
    const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${token.token}`, accept: binary ? '*/*' : 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.runtime.options.requestTimeoutMs),
      });
    } catch (error) {
      return { status: 0, code: undefined, message: `Zoho could not be reached: ${String(error)}`, body: undefined, token };
    }
    this.callsMade++;
    const contentType = response.headers.get('content-type') ?? '';
    if (binary && response.ok && !/json/i.test(contentType)) {
      let bytes: Buffer;
      try {
        bytes = Buffer.from(await response.arrayBuffer());
      } catch (error) {
        return { status: 0, code: undefined, message: `Zoho's answer was cut short: ${String(error)}`, body: undefined, token };
      } finally {
        this.budget.record('call');
      }
      return { status: response.status, code: undefined, message: 'success', body: undefined, token, file: { bytes, contentType: contentType.split(';')[0]!.trim() } };
    }
    const text = await response.text();
    this.budget.record(response.status === 429 ? 'throttled' : 'call');
    const envelope = readEnvelope(text);
    const message = envelope.message ?? (envelope.body ? `HTTP ${response.status}` : `HTTP ${response.status}: not a Zoho answer`);
    return { status: response.status, code: envelope.code, message, body: envelope.body, token };
  }
}

/**
 * The client of a store's connection. Throws ZohoAuthError when there is none or it needs
 * reconnecting (nothing is sent to Zoho then).
 */
export async function zohoClientFor(ctx: AppContext, storeHash: string): Promise<ZohoClient> {
  const runtime = zohoRuntime(ctx);
  const connection = await ZohoConnection.findById(storeHash).lean();
  if (!connection) throw new ZohoAuthError('Zoho Inventory is not connected for this store.');
  if (connection.status === 'needs_reconnect') throw new ZohoAuthError('Zoho Inventory needs reconnecting: the connection was revoked or expired.');
  const plan = (connection.plan ?? 'free') as ZohoPlan;
  // Until an organization is (re)confirmed, only organization-free calls may go out.
  const organizationId = connection.status === 'connected' ? (connection.organizationId ?? undefined) : undefined;
  const limiter = runtime.limiterFor(organizationId ?? storeHash, plan);
  const budget = await runtime.budgetFor(storeHash, connection, organizationId);
  return new ZohoClient(runtime, storeHash, organizationId, connection.apiBase, limiter, budget, timeZoneOf(ctx, storeHash, organizationId, connection.organizationTimeZone));
}

/** Stores whose organization's zone this process found unknown and said so (once each). */
const saidUtc = new Set<string>();

function timeZoneOf(ctx: AppContext, storeHash: string, organizationId: string | undefined, value: string | null | undefined): string {
  const { zone, known } = organizationZone(value);
  if (known || !organizationId || saidUtc.has(storeHash)) return zone;
  saidUtc.add(storeHash);
  return organizationZoneLogged(ctx.logger, value, { storeHash, organizationId });
}
