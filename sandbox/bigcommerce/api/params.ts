import type { Request, Response } from 'express';
import { SimApiError } from '../errors.js';
import type { SimStore } from '../state.js';

/** The store the request is for (set by the API router once the token checks out). */
export function storeOf(res: Response): SimStore {
  return res.locals.store as SimStore;
}

export type Query = Record<string, unknown>;

/** A single query value (the last one when repeated). */
export function queryString(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** `name:in=a,b,c` (or repeated) as a list; undefined when absent. */
export function listParam(query: Query, name: string): string[] | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function intListParam(query: Query, name: string): number[] | undefined {
  return listParam(query, name)
    ?.map(Number)
    .filter((n) => Number.isInteger(n));
}

export function intParam(query: Query, name: string): number | undefined {
  const value = queryString(query, name);
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

export function numberParam(query: Query, name: string): number | undefined {
  const value = queryString(query, name);
  if (value === undefined || value.trim() === '' || Number.isNaN(Number(value))) return undefined;
  return Number(value);
}

/** `true`/`1` and `false`/`0`; anything else leaves the filter off. */
export function boolParam(query: Query, name: string): boolean | undefined {
  const value = queryString(query, name);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

/** A numeric path segment, or the 404 the platform gives for a malformed id. */
export function pathId(req: Request, name: string, what: string): number {
  const raw = req.params[name];
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new SimApiError(404, `The requested ${what} was not found.`);
  return Number(raw);
}

/** Keeps only the items every given predicate accepts (undefined predicates are off). */
export function filterAll<T>(items: Iterable<T>, predicates: ((item: T) => boolean)[]): T[] {
  return [...items].filter((item) => predicates.every((p) => p(item)));
}
