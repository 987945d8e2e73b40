import type { Request, Response } from 'express';
import type { AccessTokenRecord } from '../accounts.js';
import { invalidValue, requiredField, ZohoCode, ZohoError } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import { parseZohoTime } from '../org.js';
import type { ZohoUser } from '../state.js';

/** Who is calling and for which organization (set by the gateway). */
export interface ApiCaller {
  user: ZohoUser;
  token: AccessTokenRecord;
  org?: ZohoOrg;
}

export const callerOf = (res: Response): ApiCaller => res.locals.zoho as ApiCaller;

export function orgOf(res: Response): ZohoOrg {
  const org = callerOf(res).org;
  if (!org) throw new Error('route needs an organization but the gateway set none');
  return org;
}

export type Body = Record<string, unknown>;

/** The request's JSON: a JSON body, or a form/query field `JSONString` (Zoho accepts both). */
export function readBody(req: Request): Body {
  const raw = req.body as unknown;
  const jsonString =
    raw && typeof raw === 'object' && !Buffer.isBuffer(raw) && typeof (raw as Body).JSONString === 'string'
      ? ((raw as Body).JSONString as string)
      : typeof (req.query as Body).JSONString === 'string'
        ? ((req.query as Body).JSONString as string)
        : undefined;
  if (jsonString !== undefined) {
    try {
      const parsed = JSON.parse(jsonString) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Body;
    } catch {
      // fall through
    }
    throw new ZohoError(400, ZohoCode.malformedJson, 'JSON is not well formed');
  }
  if (raw && typeof raw === 'object' && !Buffer.isBuffer(raw) && !Array.isArray(raw)) return raw as Body;
  return {};
}

/** Zoho's success envelope. */
export function ok(res: Response, status: number, message: string, payload: Record<string, unknown> = {}): void {
  res.status(status).json({ code: 0, message, ...payload });
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

// --- field readers: Zoho's validation answers 400 with a non-zero code naming the field ---

export function requireString(body: Body, field: string, label = field): string {
  const v = body[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) throw requiredField(label);
  if (typeof v !== 'string' && typeof v !== 'number') throw invalidValue(label);
  return String(v);
}

export function optString(body: Body, field: string, fallback = ''): string {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalidValue(field);
  return String(v);
}

function toNumber(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw invalidValue(field);
  return n;
}

export function requireNumber(body: Body, field: string, label = field): number {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw requiredField(label);
  return toNumber(v, label);
}

export function optNumber(body: Body, field: string, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  return toNumber(v, field);
}

export function optBool(body: Body, field: string, fallback: boolean): boolean {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidValue(field);
}

export function oneOf<T extends string>(body: Body, field: string, allowed: readonly T[], fallback: T): T {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (!allowed.includes(v as T)) throw invalidValue(field);
  return v as T;
}

export function requireArray(body: Body, field: string): Body[] {
  const v = body[field];
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) throw requiredField(field);
  if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object')) throw invalidValue(field);
  return v as Body[];
}

export function optArray(body: Body, field: string): Body[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object')) throw invalidValue(field);
  return v as Body[];
}

export function optObject(body: Body, field: string): Body | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidValue(field);
  return v as Body;
}

/** A YYYY-MM-DD date field. */
export function optDate(body: Body, field: string, fallback: string): string {
  const v = optString(body, field, '');
  if (v === '') return fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw invalidValue(field);
  return v;
}

export function requireDate(body: Body, field: string): string {
  requireString(body, field);
  return optDate(body, field, '');
}

export const query = (req: Request, name: string): string | undefined => {
  const v = (req.query as Body)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

// --- lists ---

export interface ListOptions<T> {
  reportName?: string;
  appliedFilter?: string;
  /** Sortable columns and how to read them. */
  sortable?: Record<string, (row: T) => string | number>;
  defaultSort?: string;
}

/**
 * Sorts and pages a list like Zoho: `page` (1-based), `per_page` (default and maximum 200;
 * larger values are capped), `sort_column`, `sort_order` A|D; answers the page and Zoho's
 * `page_context`.
 */
export function paginate<T>(req: Request, rows: T[], options: ListOptions<T> = {}): { page: T[]; page_context: Record<string, unknown> } {
  const pageParam = query(req, 'page');
  const perPageParam = query(req, 'per_page');
  const page = pageParam === undefined ? 1 : Number(pageParam);
  const perPageAsked = perPageParam === undefined ? 200 : Number(perPageParam);
  if (!Number.isInteger(page) || page < 1) throw invalidValue('page');
  if (!Number.isInteger(perPageAsked) || perPageAsked < 1) throw invalidValue('per_page');
  const perPage = Math.min(perPageAsked, 200);

  const sortColumn = query(req, 'sort_column') ?? options.defaultSort ?? 'created_time';
  const sortOrder = query(req, 'sort_order') === 'D' ? 'D' : 'A';
  const read = options.sortable?.[sortColumn];
  if (query(req, 'sort_column') !== undefined && !read) throw invalidValue('sort_column');
  let sorted = rows;
  if (read) {
    sorted = [...rows].sort((a, b) => {
      const x = read(a);
      const y = read(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sortOrder === 'D' ? -c : c;
    });
  }
  const start = (page - 1) * perPage;
  return {
    page: sorted.slice(start, start + perPage),
    page_context: {
      page,
      per_page: perPage,
      has_more_page: sorted.length > start + perPage,
      report_name: options.reportName ?? '',
      applied_filter: options.appliedFilter ?? 'Status.All',
      sort_column: sortColumn,
      sort_order: sortOrder,
    },
  };
}

/** `last_modified_time` filter: records modified at or after the given time. */
export function modifiedSince(req: Request): ((r: { last_modified_time: string }) => boolean) | undefined {
  const since = query(req, 'last_modified_time');
  if (since === undefined) return undefined;
  const at = parseZohoTime(since);
  if (Number.isNaN(at)) throw invalidValue('last_modified_time');
  return (r) => parseZohoTime(r.last_modified_time) >= at;
}

/** Text search variants Zoho offers on a field: exact, _startswith, _contains (case-insensitive). */
export function textFilter(req: Request, name: string): ((value: string) => boolean) | undefined {
  const exact = query(req, name);
  const starts = query(req, `${name}_startswith`);
  const contains = query(req, `${name}_contains`);
  if (exact === undefined && starts === undefined && contains === undefined) return undefined;
  return (value) => {
    const v = value.toLowerCase();
    if (exact !== undefined && v !== exact.toLowerCase()) return false;
    if (starts !== undefined && !v.startsWith(starts.toLowerCase())) return false;
    if (contains !== undefined && !v.includes(contains.toLowerCase())) return false;
    return true;
  };
}

/** `filter_by=Status.Active|Status.Inactive|Status.All` (and lower-case `status=`). */
export function statusFilter(req: Request): { filter: ((status: string) => boolean) | undefined; applied: string } {
  const filterBy = query(req, 'filter_by');
  const status = query(req, 'status');
  if (filterBy !== undefined) {
    const wanted = filterBy.replace(/^Status\./i, '').toLowerCase();
    if (wanted === 'all') return { filter: undefined, applied: 'Status.All' };
    return { filter: (s) => s.toLowerCase() === wanted, applied: filterBy };
  }
  if (status !== undefined) return { filter: (s) => s.toLowerCase() === status.toLowerCase(), applied: `Status.${status}` };
  return { filter: undefined, applied: 'Status.All' };
}

/** Keeps only the listed keys (list endpoints return a summary of each record). */
export function pick<T extends Record<string, unknown>>(record: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (record[k] !== undefined) out[k] = record[k];
  return out as Partial<T>;
}

/**
 * A document's number: Zoho's own (`<prefix>00001`…, or the one it has) unless the request
 * gives one, which no other document of the kind may have (Zoho's "already exists").
 */
export function documentNumber<T>(
  org: ZohoOrg,
  kind: { records: Iterable<T>; numberOf: (record: T) => string; prefix: string; label: string },
  given: string | undefined,
  existing?: T,
): string {
  if (!given) return existing ? kind.numberOf(existing) : org.nextNumber(kind.prefix);
  for (const other of kind.records) {
    if (other !== existing && kind.numberOf(other) === given) throw new ZohoError(400, ZohoCode.alreadyExists, `${kind.label} number "${given}" already exists.`);
  }
  return given;
}
