import { z } from 'zod';
import { invalidJson, SimApiError } from './errors.js';

/**
 * Request-body checks in BigCommerce's words. The v3 API is built on Play JSON, so a bad field
 * is reported as `{"<path>": "error.path.missing" | "error.expected.jsstring" | …}` under
 * "JSON data is missing or invalid"; v2 answers `[{status: 400, message: "The field 'x' …"}]`.
 * Unknown fields pass through (the platform ignores them).
 */

const JS_TYPES: Record<string, string> = {
  string: 'jsstring',
  number: 'jsnumber',
  int: 'jsnumber',
  boolean: 'jsboolean',
  array: 'jsarray',
  object: 'jsobject',
  record: 'jsobject',
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function reason(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) return 'error.path.missing';
  switch (issue.code) {
    case 'invalid_type':
      return `error.expected.${JS_TYPES[issue.expected] ?? 'jsvalue'}`;
    case 'invalid_value':
      return 'error.expected.validenumvalue';
    case 'too_big':
      return issue.origin === 'string' ? 'error.maxLength' : issue.origin === 'array' ? 'error.maxItems' : 'error.max';
    case 'too_small':
      return issue.origin === 'string' ? 'error.minLength' : issue.origin === 'array' ? 'error.minItems' : 'error.min';
    default:
      return 'error.invalid';
  }
}

export function issuesToErrors(issues: readonly z.core.$ZodIssue[], input: unknown, prefix = ''): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'body';
    errors[key] ??= reason(issue, input);
  }
  return errors;
}

/** Parses a v3 body or throws the v3 422. */
export function parseV3<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw invalidJson(issuesToErrors(result.error.issues, body));
}

/** Checks one item of a batch: the errors keyed by field, or null when it is valid. */
export function checkItem<T extends z.ZodType>(schema: T, item: unknown): { data: z.infer<T>; errors: null } | { data: null; errors: Record<string, string> } {
  const result = schema.safeParse(item);
  return result.success ? { data: result.data, errors: null } : { data: null, errors: issuesToErrors(result.error.issues, item) };
}

/** Parses a v2 body or throws the v2 400 naming the first bad field. */
export function parseV2<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  const missing = issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined;
  throw new SimApiError(400, missing ? `The required field '${field}' was not supplied.` : `The field '${field}' is invalid.`);
}

/** Money and measures: BigCommerce takes numbers (v2 also takes numeric strings). */
export const money = z.number().min(0);
export const v2Money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);
export const id = z.int().min(1);
