import { appendFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { loadContract, referenceAvailable, type Contract, type Platform } from '../../test/contract/openapi.js';
import type { JsonObject } from '../../test/contract/knownErrors.js';

/**
 * The simulators' response layer: every JSON answer to a documented operation is cut down to
 * the fields its OpenAPI response schema documents (the platforms' official files, with the
 * repairs and documented-elsewhere fields of test/contract/knownErrors.ts), so that the app
 * can only come to depend on what the real platforms promise. A field a simulator keeps in its
 * records for its own use (or that the real platform sends but the files omit) never reaches a
 * client unless knownErrors.ts records it with its evidence.
 *
 * Active whenever the reference files are there (tests, CI, the demo beside shared/); without
 * them (a bare demo) answers go out as the simulator made them. `SIM_STRIPPED_LOG=<file>` appends
 * each cut field (`<operationId> <path>`) to a file, to find what an app change came to depend on.
 */
export interface DocumentedAnswers {
  /** Whether answers are being cut down (false when the reference files are missing or it was turned off). */
  readonly active: boolean;
  /** Resolves when the files are loaded (the simulators wait for it before they listen). */
  readonly ready: Promise<void>;
  /** Per operation, the answer fields cut away (JSON paths like `invoices[].salesorder_id`), for diagnosis. */
  readonly stripped: Map<string, Set<string>>;
  middleware: RequestHandler;
}

export function documentedAnswers(platform: Platform, enabled = referenceAvailable()): DocumentedAnswers {
  const stripped = new Map<string, Set<string>>();
  let contract: Contract | undefined;
  const ready = enabled
    ? loadContract(platform).then((loaded) => {
        contract = loaded;
      })
    : Promise.resolve();
  const middleware: RequestHandler = (req, res, next) => {
    if (!enabled) return next();
    ready.then(() => {
      const json = res.json.bind(res);
      const path = req.originalUrl.split('?')[0]!;
      res.json = (body?: unknown) => {
        const documented = contract?.answerSchema({ method: req.method, path, status: res.statusCode });
        if (!documented) return json(body);
        const cut = new Set<string>();
        const kept = keepDocumented(body, [documented.schema], '', cut);
        if (cut.size > 0) {
          const seen = stripped.get(documented.operationId) ?? new Set<string>();
          for (const field of cut) seen.add(field);
          // Diagnosis across processes: which undocumented fields were cut, one line each.
          const log = process.env.SIM_STRIPPED_LOG;
          if (log) appendFileSync(log, [...cut].map((field) => `${documented.operationId} ${field}\n`).join(''));
          stripped.set(documented.operationId, seen);
        }
        return json(kept);
      };
      next();
    }, next);
  };
  return { active: enabled, ready, stripped, middleware };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema and every alternative and part it is made of (allOf, anyOf, oneOf), flattened. */
function parts(schema: JsonObject, into: JsonObject[] = [], depth = 0): JsonObject[] {
  into.push(schema);
  if (depth > 20) return into;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const part of list) if (isObject(part)) parts(part, into, depth + 1);
  }
  return into;
}

/** A schema that says nothing of an object's fields (`{}`, `{type: object}`): any field goes. */
function saysNothingOfFields(schema: JsonObject): boolean {
  if (schema.type !== undefined && schema.type !== 'object') return false;
  return ['properties', 'additionalProperties', 'patternProperties', 'allOf', 'anyOf', 'oneOf', 'items'].every((key) => schema[key] === undefined);
}

/**
 * The value with only the documented fields, recursively. Where alternatives are documented
 * (anyOf/oneOf, the repairs' "either shape") a field documented by any of them is kept: the
 * cut must never remove what one documented shape allows.
 */
export function keepDocumented(value: unknown, schemas: JsonObject[], at: string, cut: Set<string>): unknown {
  const all = schemas.flatMap((schema) => parts(schema));
  if (Array.isArray(value)) {
    const items = all.map((schema) => schema.items).filter(isObject);
    if (items.length === 0) return value;
    return value.map((item) => keepDocumented(item, items, `${at}[]`, cut));
  }
  if (!isObject(value)) return value;
  const objectSchemas = all.filter((schema) => schema.type === undefined || schema.type === 'object');
  if (objectSchemas.length === 0 || objectSchemas.some(saysNothingOfFields)) return value;
  const result: JsonObject = {};
  for (const [key, field] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    const documented = objectSchemas.flatMap((schema) => fieldSchemas(schema, key));
    if (documented.includes('any')) result[key] = field;
    else if (documented.length > 0) result[key] = keepDocumented(field, documented as JsonObject[], path, cut);
    else cut.add(path);
  }
  return result;
}

/** What one object schema documents for a field: its schemas, 'any' (free), or nothing. */
function fieldSchemas(schema: JsonObject, key: string): (JsonObject | 'any')[] {
  const found: (JsonObject | 'any')[] = [];
  const property = isObject(schema.properties) ? schema.properties[key] : undefined;
  if (isObject(property)) found.push(property);
  if (isObject(schema.patternProperties)) {
    for (const [pattern, patternSchema] of Object.entries(schema.patternProperties)) {
      if (isObject(patternSchema) && new RegExp(pattern, 'u').test(key)) found.push(patternSchema);
    }
  }
  if (found.length === 0) {
    if (schema.additionalProperties === true) found.push('any');
    else if (isObject(schema.additionalProperties)) found.push(schema.additionalProperties);
  }
  return found;
}
