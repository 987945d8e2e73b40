import type { RequestHandler } from 'express';
import { sendZohoError, ZohoCode } from '../errors.js';
import type { ZohoState } from '../state.js';
import { callerOf, type ApiCaller } from './support.js';

const API_ROOT = '/inventory/v1';

/**
 * Counts every API call, once it is answered (or its answer lost), on the simulator and on the organization asked
 * for (rejected calls included: they were made), by "METHOD /inventory/v1/<route pattern>", or
 * by the path itself when the call was turned away before reaching a route (401, 429...).
 */
export function countCalls(state: ZohoState): RequestHandler {
  return (req, res, next) => {
    // A call whose answer was lost (reset, or held until the client gave up) was made all the same.
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const route = req.route ? `${API_ROOT}${String(req.route.path)}` : req.originalUrl.split('?')[0]!;
      const key = `${req.method} ${route}`;
      state.countCall(key);
      const caller = res.locals.zoho as ApiCaller | undefined;
      caller?.org?.countCall(key);
      if (res.statusCode === 429 && caller?.org) caller.org.usage.throttled++;
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}

const notAuthorized = (res: Parameters<RequestHandler>[1]) =>
  sendZohoError(res, 401, ZohoCode.notAuthorized, 'You are not authorized to perform this operation');

/** `Authorization: Zoho-oauthtoken <token>`: a live token or 401 code 57. */
export function authenticate(state: ZohoState): RequestHandler {
  return (req, res, next) => {
    const match = /^Zoho-oauthtoken\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const token = match ? state.oauth.authenticate(match[1]!) : undefined;
    const user = token ? state.users.get(token.zuid) : undefined;
    if (!token || !user) return notAuthorized(res);
    res.locals.zoho = { user, token } satisfies ApiCaller;
    next();
  };
}

/** The scope module each API path belongs to (Zoho's ZohoInventory.<module>.<operation>). */
const SCOPE_MODULES: Record<string, string> = {
  organizations: 'settings',
  locations: 'settings',
  pricebooks: 'settings',
  items: 'items',
  itemdetails: 'items',
  itemgroups: 'items',
  contacts: 'contacts',
  salesorders: 'salesorders',
  invoices: 'invoices',
  customerpayments: 'customerpayments',
  creditnotes: 'creditnotes',
  packages: 'packages',
  shipmentorders: 'shipmentorders',
  inventoryadjustments: 'inventoryadjustments',
};

/** The operations whose scope allows the call (POSTs below a record, e.g. an image upload or a status change, take either). */
function operations(method: string, segments: string[]): string[] {
  if (method === 'GET') return ['read'];
  if (method === 'DELETE') return ['delete'];
  if (method === 'PUT') return ['update'];
  return segments.length === 1 ? ['create'] : ['create', 'update'];
}

/** The token's scope must cover the module and operation (or be FullAccess / <module>.ALL). */
export function requireScope(): RequestHandler {
  return (req, res, next) => {
    const segments = req.path.split('/').filter(Boolean);
    const module = SCOPE_MODULES[segments[0] ?? ''];
    if (!module) return next();
    const granted = callerOf(res)
      .token.scope.split(/[\s,]+/)
      .map((s) => s.toLowerCase());
    const needed = ['zohoinventory.fullaccess.all', `zohoinventory.${module}.all`, ...operations(req.method, segments).map((op) => `zohoinventory.${module}.${op}`)];
    if (!needed.some((s) => granted.includes(s))) return notAuthorized(res);
    next();
  };
}

/**
 * `organization_id` (query) must name an organization the user belongs to: missing or unknown
 * → 400 code 2; not a member → 401 code 6041.
 */
export function requireOrganization(state: ZohoState): RequestHandler {
  return (req, res, next) => {
    const id = (req.query as Record<string, unknown>).organization_id;
    if (typeof id !== 'string' || id === '' || !state.organizations.has(id)) {
      return sendZohoError(res, 400, ZohoCode.invalidValue, 'Invalid value passed for organization_id');
    }
    const caller = callerOf(res);
    if (!caller.user.organizationIds.has(id)) {
      return sendZohoError(res, 401, ZohoCode.notInOrganization, `This user is not associated with the CompanyID/CompanyName:${id}.`);
    }
    caller.org = state.organizations.get(id)!;
    next();
  };
}

/** Per-organization limits: daily (45), per minute (44), concurrency (1070), all HTTP 429. */
export function enforceLimits(): RequestHandler {
  return (_req, res, next) => {
    const org = callerOf(res).org!;
    const rejection = org.limiter.admit(org.info.plan);
    if (rejection) return sendZohoError(res, rejection.status, rejection.code, rejection.message);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      org.limiter.release();
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
