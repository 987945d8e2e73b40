import { Router } from 'express';
import { invalidValue, ZohoCode, ZohoError } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { PricebookItem, ZohoPricebook } from '../records.js';
import {
  ok,
  oneOf,
  optArray,
  optBool,
  optNumber,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireNumber,
  requireString,
  type Body,
} from './support.js';

/** Zoho's spelling (pricelists.yml lists "round_to_dollor", which Zoho does not accept). */
export const ROUNDING_TYPES = ['no_rounding', 'round_to_dollar', 'round_to_dollar_minus_01', 'round_to_half_dollar', 'round_to_half_dollar_minus_01'] as const;

export function serializePricebook(org: ZohoOrg, book: ZohoPricebook) {
  return {
    pricebook_id: book.pricebook_id,
    name: book.name,
    description: book.description,
    currency_id: book.currency_id,
    currency_code: book.currency_code,
    decimal_place: book.decimal_place,
    is_default: false,
    is_increase: book.is_increase,
    percentage: book.percentage,
    pricebook_type: book.pricebook_type,
    pricing_scheme: book.pricing_scheme,
    rounding_type: book.rounding_type,
    sales_or_purchase_type: book.sales_or_purchase_type,
    status: book.status,
    pricebook_items: book.pricebook_items.map((p) => {
      const item = org.items.get(p.item_id);
      return { ...p, name: item?.name ?? '', sku: item?.sku ?? '', rate: item?.rate ?? 0, pricing_scheme: p.pricing_scheme ?? 'unit' };
    }),
    created_time: book.created_time,
    last_modified_time: book.last_modified_time,
  };
}

function readPricebookItems(org: ZohoOrg, body: Body): PricebookItem[] {
  return (optArray(body, 'pricebook_items') ?? []).map((line) => {
    const itemId = requireString(line, 'item_id', 'pricebook_items.item_id');
    if (!org.items.has(itemId)) throw invalidValue('pricebook_items.item_id');
    return {
      pricebook_item_id: optString(line, 'pricebook_item_id') || org.newId(),
      item_id: itemId,
      pricebook_rate: requireNumber(line, 'pricebook_rate', 'pricebook_items.pricebook_rate'),
      ...(line.pricebook_discount !== undefined ? { pricebook_discount: optString(line, 'pricebook_discount') } : {}),
    };
  });
}

function assertUniqueName(org: ZohoOrg, name: string, exceptId?: string) {
  for (const other of org.pricebooks.values()) {
    if (other.pricebook_id !== exceptId && other.name.toLowerCase() === name.toLowerCase()) {
      throw new ZohoError(400, ZohoCode.alreadyExists, `The price list "${name}" already exists.`);
    }
  }
}

/** Validates a full price book body (create, or PUT which replaces it). */
function readPricebook(org: ZohoOrg, body: Body, existing?: ZohoPricebook): Omit<ZohoPricebook, 'pricebook_id' | 'created_time' | 'last_modified_time'> {
  const name = requireString(body, 'name');
  assertUniqueName(org, name, existing?.pricebook_id);
  requireString(body, 'pricebook_type');
  const pricebook_type = oneOf(body, 'pricebook_type', ['per_item', 'fixed_percentage'] as const, 'per_item');
  requireString(body, 'sales_or_purchase_type');
  const sales_or_purchase_type = oneOf(body, 'sales_or_purchase_type', ['sales', 'purchases'] as const, 'sales');
  const percentage = pricebook_type === 'fixed_percentage' ? requireNumber(body, 'percentage') : optNumber(body, 'percentage', 0);
  if (percentage < 0 || percentage > 100) throw invalidValue('percentage');
  const decimal_place = optNumber(body, 'decimal_place', 2);
  if (![1, 2, 3].includes(decimal_place)) throw invalidValue('decimal_place');
  return {
    name,
    description: optString(body, 'description', existing?.description ?? ''),
    currency_id: optString(body, 'currency_id', `${org.id}000`),
    currency_code: org.info.currency_code,
    pricebook_type,
    sales_or_purchase_type,
    percentage,
    is_increase: optBool(body, 'is_increase', false),
    rounding_type: oneOf(body, 'rounding_type', ROUNDING_TYPES, 'no_rounding'),
    decimal_place,
    pricing_scheme: oneOf(body, 'pricing_scheme', ['unit', 'volume'] as const, 'unit'),
    status: existing?.status ?? 'active',
    pricebook_items: pricebook_type === 'per_item' ? readPricebookItems(org, body) : [],
  };
}

export function createPricebook(org: ZohoOrg, body: Body): ZohoPricebook {
  const now = org.now();
  const book: ZohoPricebook = { pricebook_id: org.newId(), ...readPricebook(org, body), created_time: now, last_modified_time: now };
  org.pricebooks.set(book.pricebook_id, book);
  return book;
}

/** /pricebooks (price lists). GET /pricebooks/{id} exists on Zoho although pricelists.yml omits it. */
export function pricebooksRoutes(): Router {
  const router = Router();

  router.get('/pricebooks', (req, res) => {
    const org = orgOf(res);
    const filterBy = query(req, 'filter_by') ?? 'SalesOrPurchaseType.All';
    const filters: ((b: ZohoPricebook) => boolean)[] = [];
    if (/^SalesOrPurchaseType\.Sales$/i.test(filterBy)) filters.push((b) => b.sales_or_purchase_type === 'sales');
    else if (/^SalesOrPurchaseType\.Purchases$/i.test(filterBy)) filters.push((b) => b.sales_or_purchase_type === 'purchases');
    else if (/^Status\.(Active|Inactive)$/i.test(filterBy)) filters.push((b) => b.status === filterBy.slice(7).toLowerCase());
    else if (!/^(SalesOrPurchaseType|Status)\.All$/i.test(filterBy)) throw invalidValue('filter_by');
    const search = query(req, 'search_text')?.toLowerCase();
    if (search) filters.push((b) => b.name.toLowerCase().includes(search));
    const rows = [...org.pricebooks.values()].filter((b) => filters.every((f) => f(b)));
    const { page, page_context } = paginate(req, rows, {
      reportName: 'Price Lists',
      appliedFilter: filterBy,
      sortable: { name: (b) => b.name.toLowerCase(), created_time: (b) => b.created_time },
    });
    ok(res, 200, 'success', { pricebooks: page.map((b) => serializePricebook(org, b)), page_context });
  });

  router.post('/pricebooks', (req, res) => {
    const org = orgOf(res);
    const book = createPricebook(org, readBody(req));
    const json = serializePricebook(org, book);
    org.emit('pricebook', 'create', json);
    ok(res, 201, 'The price list has been created.', { pricebook: json });
  });

  router.get('/pricebooks/:pricebook_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { pricebook: serializePricebook(org, org.get(org.pricebooks, req.params.pricebook_id, 'Price list')) });
  });

  router.put('/pricebooks/:pricebook_id', (req, res) => {
    const org = orgOf(res);
    const book = org.get(org.pricebooks, req.params.pricebook_id, 'Price list');
    Object.assign(book, readPricebook(org, readBody(req), book), { last_modified_time: org.now() });
    const json = serializePricebook(org, book);
    org.emit('pricebook', 'update', json);
    ok(res, 200, 'The price list has been updated.', { pricebook: json });
  });

  router.delete('/pricebooks/:pricebook_id', (req, res) => {
    const org = orgOf(res);
    const book = org.get(org.pricebooks, req.params.pricebook_id, 'Price list');
    org.pricebooks.delete(book.pricebook_id);
    org.emit('pricebook', 'delete', serializePricebook(org, book));
    ok(res, 200, 'The price list has been deleted.');
  });

  for (const status of ['active', 'inactive'] as const) {
    router.post(`/pricebooks/:pricebook_id/${status}`, (req, res) => {
      const org = orgOf(res);
      const book = org.get(org.pricebooks, req.params.pricebook_id, 'Price list');
      book.status = status;
      book.last_modified_time = org.now();
      org.emit('pricebook', 'update', serializePricebook(org, book));
      ok(res, 200, `The price list has been marked as ${status}.`);
    });
  }

  return router;
}
