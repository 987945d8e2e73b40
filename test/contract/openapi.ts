/**
 * Contract checking against the platforms' official OpenAPI files.
 *
 * Typical use in a test:
 *
 *   describeContract('BigCommerce client against the simulator', () => {
 *     let watch: AttachedContract;
 *     beforeAll(async () => { watch = attachContract(sim.exchangeListeners, await loadContract('bigcommerce')); });
 *     afterAll(() => watch.detach());
 *     it('…', async () => { … });
 *     it('kept to the contract', () => {
 *       expect(watch.checked).toBeGreaterThan(0);
 *       expect(watch.violations).toEqual([]);
 *     });
 *   });
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OpenAPIBackend, type Operation, type ValidationResult } from 'openapi-backend';
import { parse } from 'yaml';
import type { Exchange, ExchangeListener } from '../../sandbox/common/exchanges.js';
import { repairSpec, type JsonObject } from './knownErrors.js';
import { referenceDir } from './reference.js';

export { contractTestMode, describeContract, referenceAvailable, referenceDir } from './reference.js';

export type Platform = 'bigcommerce' | 'zoho';

export interface Contract {
  platform: Platform;
  /** Each file loaded and the repairs applied to it (knownErrors.ts). */
  files: { file: string; repairs: string[] }[];
  /** How long reading, parsing and repairing the files took, in ms (validators compile lazily on first use). */
  loadMs: number;
  /** Whether the exchange is an API call these files describe (not OAuth, not the control panel). */
  covers(exchange: Pick<Exchange, 'path'>): boolean;
  /** The documented operation an exchange is, if any. */
  operation(exchange: Pick<Exchange, 'method' | 'path'>): { file: string; operationId: string } | undefined;
  /** Everything about the exchange that breaks the contract; [] when it keeps it or is not covered. */
  validate(exchange: Exchange): string[];
  /**
   * The documented JSON schema (dereferenced, known errors repaired) of the answer to an
   * exchange with this status, and the operation it belongs to; undefined where the files give
   * no JSON schema for it (not covered, undocumented endpoint or status, no JSON body).
   */
  answerSchema(exchange: Pick<Exchange, 'method' | 'path' | 'status'>): { operationId: string; schema: JsonObject } | undefined;
}

const folders: Record<Platform, string> = { bigcommerce: 'bigcommerce', zoho: 'zoho-inventory' };
const MAX_ERRORS_PER_EXCHANGE = 15;

// One load per platform per process: parsing the files costs seconds (see loadMs).
const loaded = new Map<Platform, Promise<Contract>>();

/** The contract of one platform, built from every `*.yml` of `<reference>/<platform>/openapi/`. */
export function loadContract(platform: Platform): Promise<Contract> {
  let contract = loaded.get(platform);
  if (!contract) {
    contract = buildContract(platform);
    loaded.set(platform, contract);
    contract.catch(() => loaded.delete(platform));
  }
  return contract;
}

interface Spec {
  file: string;
  /** The servers' base path (e.g. /stores/{store_hash}/v3) as a prefix pattern. */
  base: RegExp;
  api: OpenAPIBackend;
  /** The dereferenced security schemes, to check that credentials were sent. */
  securitySchemes: Record<string, JsonObject>;
}

interface Match {
  spec: Spec;
  operation: Operation;
  /** The path below the servers' base path, which the file's paths are relative to. */
  relativePath: string;
}

async function buildContract(platform: Platform): Promise<Contract> {
  const started = performance.now();
  const dir = join(referenceDir(), folders[platform], 'openapi');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.yml') || name.endsWith('.yaml')).sort();
  if (names.length === 0) throw new Error(`no OpenAPI files in ${dir}`);
  const files: Contract['files'] = [];
  const specs: Spec[] = [];
  for (const file of names) {
    const doc = parse(await readFile(join(dir, file), 'utf8')) as JsonObject;
    const repairs = repairSpec(platform, file, doc);
    const api = new OpenAPIBackend({
      definition: doc as never,
      // quick: no meta-validation of the (imperfect) files, validators compiled on first use.
      quick: true,
      strict: true,
      validate: true,
      // Formats (date-time, email, decimal…) are not checked: the platforms' own values do not
      // follow them (Zoho's "2013-11-18T02:17:40-0800"); types, required and enums are.
      ajvOpts: { strict: false, logger: false, validateFormats: false, allErrors: true },
    });
    await api.init();
    specs.push({ file, base: basePattern(doc, file), api, securitySchemes: securitySchemesOf(api) });
    files.push({ file, repairs });
  }
  const loadMs = Math.round(performance.now() - started);

  const match = (method: string, path: string): Match | undefined => {
    let best: { match: Match; score: number } | undefined;
    for (const spec of specs) {
      const found = spec.base.exec(path);
      if (!found) continue;
      const relativePath = path.slice(found[0].length) || '/';
      const operation = spec.api.matchOperation({ method, path: relativePath, headers: {} });
      if (!operation) continue;
      // An exact path beats a template; among templates the one with more literal text wins.
      const exact = operation.path === relativePath.replace(/(.)\/+$/, '$1');
      const score = exact ? Number.MAX_SAFE_INTEGER : operation.path.replace(/\{[^}]*\}/g, '').length;
      if (!best || score > best.score) best = { match: { spec, operation, relativePath }, score };
    }
    return best?.match;
  };

  const covers = (exchange: Pick<Exchange, 'path'>) => specs.some((spec) => spec.base.test(exchange.path));

  return {
    platform,
    files,
    loadMs,
    covers,
    operation(exchange) {
      const found = match(exchange.method, exchange.path);
      return found && { file: found.spec.file, operationId: String(found.operation.operationId) };
    },
    answerSchema(exchange) {
      if (!covers(exchange)) return undefined;
      const found = match(exchange.method, exchange.path);
      if (!found) return undefined;
      const response = documentedResponse(found.operation, exchange.status)?.response;
      const schema = (response?.content as Record<string, JsonObject> | undefined)?.['application/json']?.schema;
      return isObjectSchema(schema) ? { operationId: String(found.operation.operationId), schema } : undefined;
    },
    validate(exchange) {
      if (!covers(exchange)) return [];
      const found = match(exchange.method, exchange.path);
      if (!found) return [`undocumented endpoint ${exchange.method.toUpperCase()} ${exchange.path}`];
      const errors = [...checkRequest(found, exchange), ...checkResponse(found, exchange)];
      const unique = [...new Set(errors)];
      return unique.length > MAX_ERRORS_PER_EXCHANGE
        ? [...unique.slice(0, MAX_ERRORS_PER_EXCHANGE), `… ${unique.length - MAX_ERRORS_PER_EXCHANGE} more`]
        : unique;
    },
  };
}

/** `https://api.bigcommerce.com/stores/{store_hash}/v3` → /^\/stores\/[^/]+\/v3(?=\/|$)/ */
function basePattern(doc: JsonObject, file: string): RegExp {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const url = (servers[0] as JsonObject | undefined)?.url;
  if (typeof url !== 'string') throw new Error(`${file}: no servers[0].url to take the base path from`);
  const pathname = decodeURI(new URL(url).pathname).replace(/\/+$/, '');
  const pattern = pathname
    .split(/\{[^}]+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}(?=/|$)`);
}

function securitySchemesOf(api: OpenAPIBackend): Record<string, JsonObject> {
  const components = (api.definition as { components?: { securitySchemes?: Record<string, JsonObject> } }).components;
  return components?.securitySchemes ?? {};
}

function checkRequest({ spec, operation, relativePath }: Match, exchange: Exchange): string[] {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(exchange.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value : String(value);
  }
  const result = spec.api.validateRequest(
    {
      method: exchange.method,
      path: relativePath,
      headers,
      query: exchange.query as Record<string, string | string[]>,
      body: exchange.requestBody,
    },
    operation,
  );
  return [...missingCredentials(spec, operation, headers), ...describeErrors(result, requestLocation)];
}

/** The security requirement is met by at least one alternative whose headers were all sent. */
function missingCredentials(spec: Spec, operation: Operation, headers: Record<string, unknown>): string[] {
  const requirements = (operation.security ?? []) as Record<string, unknown>[];
  if (requirements.length === 0) return [];
  const headersOf = (requirement: Record<string, unknown>) =>
    Object.keys(requirement).map((name) => {
      const scheme = spec.securitySchemes[name];
      return scheme?.type === 'apiKey' && scheme.in === 'header' ? String(scheme.name).toLowerCase() : 'authorization';
    });
  if (requirements.some((requirement) => headersOf(requirement).every((header) => headers[header] !== undefined))) return [];
  const expected = [...new Set(requirements.flatMap(headersOf))].join(' or ');
  return [`request: no credentials (expected header ${expected})`];
}

/** The response an operation documents for a status: the exact code, else `4XX`-style, else `default`. */
function documentedResponse(operation: Operation, status: number): { key: string; response: JsonObject } | undefined {
  const responses = (operation.responses ?? {}) as Record<string, JsonObject>;
  const key = [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((k) => responses[k] !== undefined);
  return key === undefined ? undefined : { key, response: responses[key]! };
}

function isObjectSchema(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkResponse({ spec, operation }: Match, exchange: Exchange): string[] {
  const { status, responseBody: body } = exchange;
  const documented = documentedResponse(operation, status);
  const where = `response ${status}`;
  if (documented === undefined) {
    if (status >= 400) return isJson(exchange) ? [] : [`${where}: an error body must be JSON`];
    return [`${where}: status not documented for ${operation.operationId} (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`];
  }
  const content = documented.response.content as Record<string, JsonObject> | undefined;
  if (!content) {
    const empty = body === undefined || body === '' || body === null;
    return status < 400 && !empty ? [`${where}: a body was sent where none is documented`] : [];
  }
  if (!content['application/json']?.schema) return [];
  if (!isJson(exchange)) return [`${where}: body is not JSON`];
  return describeErrors(spec.api.validateResponse(body, operation, status), (path) => `${where} ${path || '/'}`);
}

function isJson(exchange: Exchange): boolean {
  const contentType = Object.entries(exchange.responseHeaders).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (contentType !== undefined) return /[/+]json\b/i.test(String(contentType)) && exchange.responseBody !== undefined;
  return typeof exchange.responseBody === 'object' && exchange.responseBody !== null;
}

type AjvError = NonNullable<ValidationResult['errors']>[number];

/** `/requestBody/name` → `request body /name`; `/query/limit` → `request query limit`. */
function requestLocation(instancePath: string): string {
  const [, part = '', ...rest] = instancePath.split('/');
  if (part === 'requestBody') return `request body /${rest.join('/')}`;
  return ['request', part, rest.join('/')].filter(Boolean).join(' ');
}

function describeErrors(result: ValidationResult, location: (instancePath: string) => string): string[] {
  return (result.errors ?? []).map((error: AjvError) => `${location(error.instancePath)}: ${describeError(error)}`);
}

function describeError(error: AjvError): string {
  const params = error.params as Record<string, unknown>;
  const message = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') return `${message}: ${String(params.additionalProperty)}`;
  if (error.keyword === 'enum') return `${message}: ${(params.allowedValues as unknown[]).join(', ')}`;
  return message;
}

// ---------------------------------------------------------------------------------------
// Watching a simulator
// ---------------------------------------------------------------------------------------

export interface Violation {
  /** e.g. "POST /stores/abc/v3/catalog/products → 200" */
  exchange: string;
  errors: string[];
}

export interface AttachedContract {
  /** Exchanges that broke the contract, in order. */
  violations: Violation[];
  /** How many covered exchanges were validated (so a test can tell that something was). */
  checked: number;
  detach(): void;
}

/**
 * Validates every exchange a simulator reports through `listeners` (its Set<ExchangeListener>)
 * and collects the violations. Exchanges outside the API (OAuth, control panel) are ignored.
 */
export function attachContract(listeners: Set<ExchangeListener>, contract: Contract): AttachedContract {
  const watch: AttachedContract = {
    violations: [],
    checked: 0,
    detach: () => listeners.delete(listener),
  };
  const listener: ExchangeListener = (exchange) => {
    if (!contract.covers(exchange)) return;
    watch.checked++;
    let errors: string[];
    try {
      errors = contract.validate(exchange);
    } catch (error) {
      // A listener must not throw into the simulator's response path; report it instead.
      errors = [`validator failed: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (errors.length) watch.violations.push({ exchange: summarize(exchange), errors });
  };
  listeners.add(listener);
  return watch;
}

export function summarize(exchange: Pick<Exchange, 'method' | 'path' | 'status'>): string {
  return `${exchange.method.toUpperCase()} ${exchange.path} → ${exchange.status}`;
}
