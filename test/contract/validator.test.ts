import { readFileSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordExchanges, type Exchange, type ExchangeListener } from '../../sandbox/common/exchanges.js';
import { attachContract, contractTestMode, describeContract, loadContract, referenceDir, type Contract } from './openapi.js';

const JSON_RESPONSE = { 'content-type': 'application/json; charset=utf-8' };

/** A BigCommerce API call with the headers a well-behaved client sends. */
function bc(exchange: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange {
  return {
    query: {},
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-auth-token': 'token-abc' },
    requestBody: undefined,
    status: 200,
    responseHeaders: JSON_RESPONSE,
    responseBody: undefined,
    ...exchange,
  };
}

/** A Zoho Inventory API call for organization 10234695. */
function zoho(exchange: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange {
  return {
    query: { organization_id: '10234695' },
    headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'Zoho-oauthtoken 1000.abc' },
    requestBody: undefined,
    status: 200,
    responseHeaders: JSON_RESPONSE,
    responseBody: undefined,
    ...exchange,
  };
}

const pagination = (count: number) => ({
  pagination: { total: count, count, per_page: 2, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=2' } },
});

const simpleProduct = {
  id: 111,
  name: 'Smith Journal 13',
  type: 'physical',
  sku: 'SM-13',
  weight: 1,
  price: 12.5,
  categories: [23],
  inventory_level: 4,
  inventory_tracking: 'product',
  is_visible: true,
  date_modified: '2024-05-14T09:34:00+00:00',
  base_variant_id: 380,
};
// A product with options: BigCommerce sends base_variant_id null (README known error).
const complexProduct = { ...simpleProduct, id: 112, sku: 'TS', name: 'T-shirt', inventory_tracking: 'variant', base_variant_id: null };

/** The one error of a single-error result, so a test shows what it got when it fails. */
function errorsOf(contract: Contract, exchange: Exchange): string {
  return contract.validate(exchange).join('\n');
}

describe('where the reference is', () => {
  it('is REFERENCE_DIR when set, else ../shared/reference beside the repository', () => {
    expect(referenceDir({ REFERENCE_DIR: '/srv/ref' })).toBe('/srv/ref');
    expect(referenceDir({})).toMatch(/[/\\]shared[/\\]reference$/);
  });

  it('decides whether contract tests run, skip, or fail under CI', () => {
    const missing = '/nonexistent/reference';
    expect(contractTestMode({ REFERENCE_DIR: missing })).toBe('skip');
    expect(contractTestMode({ REFERENCE_DIR: missing, CI: 'false' })).toBe('skip');
    expect(contractTestMode({ REFERENCE_DIR: missing, CI: 'true' })).toBe('fail');
  });
});

describeContract('OpenAPI contract validator', () => {
  it('runs because the reference is present', () => {
    expect(contractTestMode()).toBe('run');
  });

  describe('BigCommerce', () => {
    let contract: Contract;
    beforeAll(async () => {
      contract = await loadContract('bigcommerce');
      console.info(`BigCommerce contract: ${contract.files.length} files loaded in ${contract.loadMs} ms`);
    });

    it('loads every file of the reference, with its repairs', () => {
      const files = readdirSync(join(referenceDir(), 'bigcommerce', 'openapi')).filter((f) => f.endsWith('.yml'));
      expect(contract.files.map((f) => f.file)).toEqual(files.sort());
      const products = contract.files.find((f) => f.file === 'products_catalog.v3.yml');
      expect(products?.repairs).toContain('nestedNewVariantsHaveNoIds');
    });

    it('covers the store API, not login or the control panel', () => {
      expect(contract.covers({ path: '/stores/abc123/v3/catalog/products' })).toBe(true);
      expect(contract.covers({ path: '/stores/abc123/v2/orders/1' })).toBe(true);
      expect(contract.covers({ path: '/oauth2/token' })).toBe(false);
      expect(contract.covers({ path: '/manage/app/42' })).toBe(false);
      expect(contract.validate(bc({ method: 'POST', path: '/oauth2/token', responseBody: 'anything' }))).toEqual([]);
    });

    it('maps v3 and v2 paths onto the right files', () => {
      expect(contract.operation({ method: 'GET', path: '/stores/abc123/v3/catalog/products' })).toEqual({
        file: 'products_catalog.v3.yml',
        operationId: 'getProducts',
      });
      expect(contract.operation({ method: 'GET', path: '/stores/abc123/v2/orders/250' })).toEqual({
        file: 'orders.v2.oas2.yml',
        operationId: 'getOrder',
      });
      // A literal path wins over a template that also matches it.
      expect(contract.operation({ method: 'GET', path: '/stores/abc123/v2/orders/count' })?.operationId).toBe('getOrdersCount');
      expect(contract.operation({ method: 'GET', path: '/stores/abc123/v2/store' })?.file).toBe('store_information.v2.yml');
    });

    describe('passes correct exchanges', () => {
      it('GET /v3/catalog/products with filters', () => {
        const exchange = bc({
          method: 'GET',
          path: '/stores/abc123/v3/catalog/products',
          query: { limit: '2', page: '1', include: 'variants,images', 'sku:in': 'SM-13,TS', 'date_modified:min': '2024-05-01' },
          responseBody: { data: [simpleProduct, complexProduct], meta: pagination(2) },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('PUT /v3/catalog/products (batch update)', () => {
        const exchange = bc({
          method: 'PUT',
          path: '/stores/abc123/v3/catalog/products',
          requestBody: [
            { id: 111, price: 10 },
            { id: 112, is_visible: false },
          ],
          responseBody: { data: [{ ...simpleProduct, price: 10 }, { ...complexProduct, is_visible: false }], meta: {} },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('POST /v3/catalog/products with nested new variants (no ids yet)', () => {
        const exchange = bc({
          method: 'POST',
          path: '/stores/abc123/v3/catalog/products',
          requestBody: {
            name: 'T-shirt',
            type: 'physical',
            weight: 0.2,
            price: 20,
            sku: 'TS',
            inventory_tracking: 'variant',
            variants: [
              { sku: 'TS-S', price: 20, inventory_level: 3, option_values: [{ option_display_name: 'Size', label: 'S' }] },
              { sku: 'TS-M', price: 20, inventory_level: 5, option_values: [{ option_display_name: 'Size', label: 'M' }] },
            ],
          },
          responseBody: { data: complexProduct, meta: {} },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('POST /v3/hooks', () => {
        const hook = {
          scope: 'store/product/updated',
          destination: 'https://app.example.com/webhooks/bigcommerce',
          is_active: true,
          headers: { 'X-Webhook-Secret': 's3cret' },
        };
        const exchange = bc({
          method: 'POST',
          path: '/stores/abc123/v3/hooks',
          requestBody: hook,
          responseBody: { data: { id: 18048287, client_id: 'm9r6keqmo7h7f23btnpwernbez1kglkl', store_hash: 'abc123', created_at: 1561488106, updated_at: 1561488106, ...hook }, meta: {} },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('PUT /v3/inventory/adjustments/absolute and GET /v3/inventory/items (sku_id null)', () => {
        const adjust = bc({
          method: 'PUT',
          path: '/stores/abc123/v3/inventory/adjustments/absolute',
          requestBody: { reason: 'Zoho sync', items: [{ location_id: 1, sku: 'SM-13', quantity: 7 }, { location_id: 1, variant_id: 381, quantity: 2 }] },
          responseBody: { transaction_id: 'b5b1c2b4-0a0c-4a4e-9a55-3c1f4b8b2f10' },
        });
        const read = bc({
          method: 'GET',
          path: '/stores/abc123/v3/inventory/items',
          query: { 'variant_id:in': '380,381', limit: '50' },
          responseBody: {
            data: [
              {
                identity: { sku: 'SM-13', variant_id: 380, product_id: 111, sku_id: null },
                locations: [{ location_id: 1, location_code: 'BC-LOCATION-1', location_name: 'Default location', available_to_sell: 7, total_inventory_onhand: 7, location_enabled: true }],
              },
            ],
            meta: pagination(1),
          },
        });
        expect(errorsOf(contract, adjust)).toBe('');
        expect(errorsOf(contract, read)).toBe('');
      });

      it('GET /v2/orders/{id} and /v2/orders/{id}/products', () => {
        const order = bc({
          method: 'GET',
          path: '/stores/abc123/v2/orders/250',
          headers: { accept: 'application/json', 'x-auth-token': 'token-abc' },
          responseBody: {
            id: 250,
            customer_id: 7,
            date_created: 'Tue, 05 Mar 2024 10:00:00 +0000',
            status_id: 11,
            status: 'Awaiting Fulfillment',
            subtotal_ex_tax: '20.0000',
            total_inc_tax: '22.0000',
            currency_code: 'USD',
            payment_status: 'captured',
            billing_address: { first_name: 'Ada', last_name: 'Lovelace', street_1: '12 St James Sq', city: 'London', zip: 'SW1Y 4JH', country_iso2: 'GB', email: 'ada@example.com' },
            products: { url: 'https://api.bigcommerce.com/stores/abc123/v2/orders/250/products', resource: '/orders/250/products' },
          },
        });
        const lines = bc({
          method: 'GET',
          path: '/stores/abc123/v2/orders/250/products',
          headers: { accept: 'application/json', 'x-auth-token': 'token-abc' },
          responseBody: [{ id: 31, order_id: 250, product_id: 111, variant_id: 380, name: 'Smith Journal 13', sku: 'SM-13', quantity: 2, base_price: '10.0000', price_inc_tax: '11.0000' }],
        });
        expect(errorsOf(contract, order)).toBe('');
        expect(errorsOf(contract, lines)).toBe('');
      });

      it('GET /v2/customer_groups with empty discount_rules', () => {
        const exchange = bc({
          method: 'GET',
          path: '/stores/abc123/v2/customer_groups',
          headers: { accept: 'application/json', 'x-auth-token': 'token-abc' },
          responseBody: [{ id: 1, name: 'Wholesale', is_default: false, category_access: { type: 'all' }, discount_rules: [] }],
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('an error status the operation does not document, if its body is JSON', () => {
        const exchange = bc({
          method: 'GET',
          path: '/stores/abc123/v3/catalog/products',
          status: 429,
          responseBody: { status: 429, title: 'Too many requests', type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes' },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });
    });

    describe('reports broken exchanges', () => {
      it('an undocumented endpoint or method', () => {
        expect(contract.validate(bc({ method: 'GET', path: '/stores/abc123/v3/catalog/gadgets', responseBody: {} }))).toEqual([
          'undocumented endpoint GET /stores/abc123/v3/catalog/gadgets',
        ]);
        expect(contract.validate(bc({ method: 'PATCH', path: '/stores/abc123/v3/catalog/products', responseBody: {} }))).toEqual([
          'undocumented endpoint PATCH /stores/abc123/v3/catalog/products',
        ]);
        expect(contract.validate(bc({ method: 'GET', path: '/stores/abc123/v4/catalog/products', responseBody: {} }))).toEqual([]);
      });

      it('a request body without a required field', () => {
        const exchange = bc({
          method: 'POST',
          path: '/stores/abc123/v3/hooks',
          requestBody: { scope: 'store/product/updated', is_active: true },
          status: 422,
          responseBody: { status: 422, title: 'Invalid', type: 'about:blank' },
        });
        expect(contract.validate(exchange)).toEqual(["request body /: must have required property 'destination'"]);
      });

      it('a batch update item without its id', () => {
        const exchange = bc({
          method: 'PUT',
          path: '/stores/abc123/v3/catalog/products',
          requestBody: [{ price: 10 }],
          responseBody: { data: [], meta: {} },
        });
        expect(contract.validate(exchange)).toContain("request body /0: must have required property 'id'");
      });

      it('a nested variant still needs its sku', () => {
        const exchange = bc({
          method: 'POST',
          path: '/stores/abc123/v3/catalog/products',
          requestBody: { name: 'T-shirt', type: 'physical', weight: 0.2, price: 20, variants: [{ price: 20 }] },
          responseBody: { data: complexProduct, meta: {} },
        });
        expect(contract.validate(exchange)).toContain("request body /variants/0: must have required property 'sku'");
      });

      it('a response field of the wrong type, and a null where none is allowed', () => {
        const exchange = bc({
          method: 'GET',
          path: '/stores/abc123/v3/catalog/products',
          responseBody: { data: [{ ...simpleProduct, name: 13 }, { ...complexProduct, base_variant_id: 'none' }], meta: pagination(2) },
        });
        expect(contract.validate(exchange)).toEqual(['response 200 /data/0/name: must be string', 'response 200 /data/1/base_variant_id: must be integer']);
      });

      it('query and path parameters that do not fit', () => {
        const products = bc({
          method: 'GET',
          path: '/stores/abc123/v3/catalog/products',
          query: { limit: 'lots', colour: 'red' },
          responseBody: { data: [], meta: pagination(0) },
        });
        expect(contract.validate(products)).toEqual(['request query: must NOT have additional properties: colour', 'request query limit: must be integer']);
        const order = bc({ method: 'GET', path: '/stores/abc123/v2/orders/abc', responseBody: {} });
        expect(contract.validate(order)).toContain('request path order_id: must be integer');
      });

      it('missing credentials and a missing Accept header', () => {
        const exchange = bc({
          method: 'GET',
          path: '/stores/abc123/v3/catalog/products',
          headers: {},
          responseBody: { data: [], meta: pagination(0) },
        });
        expect(contract.validate(exchange)).toEqual([
          'request: no credentials (expected header x-auth-token)',
          "request header: must have required property 'accept'",
        ]);
      });

      it('a success status the operation does not document', () => {
        const exchange = bc({ method: 'GET', path: '/stores/abc123/v3/catalog/products', status: 201, responseBody: { data: [], meta: {} } });
        expect(errorsOf(contract, exchange)).toMatch(/^response 201: status not documented for getProducts \(documented: 200/);
      });

      it('a body that is not JSON', () => {
        const html = { 'content-type': 'text/html' };
        const failure = bc({ method: 'GET', path: '/stores/abc123/v3/catalog/products', status: 503, responseHeaders: html, responseBody: '<h1>Down</h1>' });
        expect(contract.validate(failure)).toEqual(['response 503: an error body must be JSON']);
        const success = bc({ method: 'GET', path: '/stores/abc123/v3/catalog/products', responseHeaders: html, responseBody: '<h1>Hi</h1>' });
        expect(contract.validate(success)).toEqual(['response 200: body is not JSON']);
      });
    });
  });

  describe('Zoho Inventory', () => {
    let contract: Contract;
    beforeAll(async () => {
      contract = await loadContract('zoho');
      console.info(`Zoho contract: ${contract.files.length} files loaded in ${contract.loadMs} ms`);
    });

    const item = {
      item_id: '4815000000044208',
      name: 'Bag',
      status: 'active',
      sku: 'BAG-1',
      rate: 6,
      product_type: 'goods',
      stock_on_hand: 12,
      available_stock: 10,
      // items.yml types these as strings; Zoho sends numbers (README known error).
      locations: [{ location_id: '4815000000044100', location_name: 'Main', is_primary: true, location_stock_on_hand: 12, location_available_stock: 10, location_actual_available_stock: 10 }],
      last_modified_time: '2024-05-14T09:34:00+0530',
    };
    const salesOrder = {
      salesorder_id: '4815000000044895',
      salesorder_number: 'SO-00001',
      customer_id: '4815000000044080',
      reference_number: 'BC-250',
      status: 'draft',
      line_items: [{ line_item_id: '4815000000044897', item_id: item.item_id, rate: 10, quantity: 2 }],
    };

    it('covers /inventory/v1, not the accounts server', () => {
      expect(contract.covers({ path: '/inventory/v1/items' })).toBe(true);
      expect(contract.covers({ path: '/oauth/v2/token' })).toBe(false);
      expect(contract.operation({ method: 'GET', path: '/inventory/v1/items/4815000000044208' })?.file).toBe('items.yml');
    });

    describe('passes correct exchanges', () => {
      it('GET /items (list, numeric location stock)', () => {
        const exchange = zoho({
          method: 'GET',
          path: '/inventory/v1/items',
          query: { organization_id: '10234695', page: '1', per_page: '200' },
          responseBody: { code: 0, message: 'success', items: [item], page_context: { page: 1, per_page: 200, has_more_page: false } },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('POST /salesorders without a number, answered as sales_order or salesorder', () => {
        const request = { customer_id: salesOrder.customer_id, reference_number: 'BC-250', line_items: [{ item_id: item.item_id, rate: 10, quantity: 2 }] };
        for (const key of ['salesorder', 'sales_order']) {
          const exchange = zoho({
            method: 'POST',
            path: '/inventory/v1/salesorders',
            requestBody: request,
            status: 201,
            responseBody: { code: 0, message: 'Sales Order has been created.', [key]: salesOrder },
          });
          expect(errorsOf(contract, exchange)).toBe('');
        }
      });

      it('GET /itemgroups/{id} wrapped in item_group, with lists', () => {
        const exchange = zoho({
          method: 'GET',
          path: '/inventory/v1/itemgroups/4815000000044220',
          responseBody: {
            code: 0,
            message: 'success',
            item_group: {
              group_id: '4815000000044220',
              group_name: 'T-shirt',
              attribute_name1: 'Size',
              items: [{ ...item, group_id: '4815000000044220', attribute_option_name1: 'Small' }],
              attributes: [{ id: '4815000000044112', name: 'Size', options: [{ id: '4815000000044114', name: 'Small' }] }],
            },
          },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('GET /pricebooks/{id} (served, though undocumented)', () => {
        const exchange = zoho({
          method: 'GET',
          path: '/inventory/v1/pricebooks/4815000000044300',
          responseBody: {
            code: 0,
            message: 'success',
            pricebook: { pricebook_id: '4815000000044300', name: 'Wholesale', pricebook_type: 'fixed_percentage', percentage: 10, is_increase: false, rounding_type: 'round_to_dollar', status: 'active' },
          },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });

      it('POST /packages and /shipmentorders with comma-separated package_ids', () => {
        const pack = zoho({
          method: 'POST',
          path: '/inventory/v1/packages',
          query: { organization_id: '10234695', salesorder_id: salesOrder.salesorder_id },
          requestBody: { date: '2024-05-15', line_items: [{ so_line_item_id: '4815000000044897', quantity: 2 }] },
          status: 201,
          responseBody: { code: 0, message: 'Package created successfully.', package: { package_id: '4815000000017005', salesorder_id: salesOrder.salesorder_id, total_quantity: 2 } },
        });
        const ship = zoho({
          method: 'POST',
          path: '/inventory/v1/shipmentorders',
          query: { organization_id: '10234695', package_ids: '4815000000017005,4815000000017006', salesorder_id: salesOrder.salesorder_id },
          requestBody: { shipment_number: 'SH-00001', date: '2024-05-15', delivery_method: 'UPS', tracking_number: '1Z999' },
          status: 201,
          responseBody: { code: 0, message: 'Shipment created successfully.', shipmentorder: { shipment_id: '4815000000017010', salesorder_id: salesOrder.salesorder_id, tracking_number: '1Z999' } },
        });
        expect(errorsOf(contract, pack)).toBe('');
        expect(errorsOf(contract, ship)).toBe('');
      });

      it('the documented shapes too: repairs widen, they do not swap one error for another', () => {
        const group = zoho({
          method: 'GET',
          path: '/inventory/v1/itemgroups/4815000000044220',
          responseBody: { code: 0, message: 'success', group_id: '4815000000044220', group_name: 'T-shirt', items: { item_id: item.item_id, attribute_option_name1: 1 } },
        });
        const packageAsList = zoho({
          method: 'GET',
          path: '/inventory/v1/packages/4815000000017005',
          responseBody: { code: 0, message: 'success', package: [{ package_id: '4815000000017005', total_quantity: '2' }] },
        });
        const packageList = (key: string) =>
          zoho({ method: 'GET', path: '/inventory/v1/packages', responseBody: { code: 0, message: 'success', [key]: [{ package_id: '4815000000017005' }] } });
        const invoiceWithStrings = zoho({
          method: 'GET',
          path: '/inventory/v1/invoices/4815000000045000',
          responseBody: { code: 0, message: 'success', invoice: { invoice_id: '4815000000045000', shipping_charge: '5.00', total: '40.60', balance: '0.00' } },
        });
        for (const exchange of [group, packageAsList, packageList('packages'), packageList('packagea'), invoiceWithStrings]) {
          expect(errorsOf(contract, exchange), exchange.path).toBe('');
        }
        // …but still check what they widened.
        const badPackage = zoho({ method: 'GET', path: '/inventory/v1/packages/4815000000017005', responseBody: { code: 0, message: 'success', package: 'none' } });
        expect(contract.validate(badPackage)).toContain('response 200 /package: must match a schema in anyOf');
      });

      it('GET /invoices/{id} with numeric amounts', () => {
        const exchange = zoho({
          method: 'GET',
          path: '/inventory/v1/invoices/4815000000045000',
          responseBody: { code: 0, message: 'success', invoice: { invoice_id: '4815000000045000', invoice_number: 'INV-00001', shipping_charge: 5, total: 40.6, balance: 0 } },
        });
        expect(errorsOf(contract, exchange)).toBe('');
      });
    });

    describe('reports broken exchanges', () => {
      it('a call without organization_id', () => {
        const exchange = zoho({ method: 'GET', path: '/inventory/v1/items', query: {}, responseBody: { code: 0, message: 'success', items: [] } });
        expect(contract.validate(exchange)).toEqual(["request query: must have required property 'organization_id'"]);
      });

      it('a sales order without line items, and an unknown query parameter', () => {
        const exchange = zoho({
          method: 'POST',
          path: '/inventory/v1/salesorders',
          query: { organization_id: '10234695', send: 'true' },
          requestBody: { customer_id: salesOrder.customer_id },
          status: 201,
          responseBody: { code: 0, message: 'Sales Order has been created.', salesorder: salesOrder },
        });
        expect(contract.validate(exchange)).toEqual([
          "request body /: must have required property 'line_items'",
          'request query: must NOT have additional properties: send',
        ]);
      });

      it('a response field of the wrong type', () => {
        const exchange = zoho({
          method: 'GET',
          path: '/inventory/v1/items',
          responseBody: { code: 0, message: 'success', items: [{ ...item, rate: 'six' }] },
        });
        expect(contract.validate(exchange)).toEqual(['response 200 /items/0/rate: must be number']);
      });

      it('a rounding type Zoho does not have, and a missing OAuth token', () => {
        const exchange = zoho({
          method: 'GET',
          path: '/inventory/v1/pricebooks/4815000000044300',
          headers: { accept: 'application/json' },
          responseBody: { code: 0, message: 'success', pricebook: { pricebook_id: '4815000000044300', rounding_type: 'round_up' } },
        });
        const errors = contract.validate(exchange);
        expect(errors[0]).toBe('request: no credentials (expected header authorization)');
        expect(errors[1]).toMatch(/^response 200 \/pricebook\/rounding_type: must be equal to one of the allowed values: no_rounding, round_to_dollar, round_to_dollor/);
      });

      it('an undocumented endpoint', () => {
        expect(contract.validate(zoho({ method: 'GET', path: '/inventory/v1/warehouses/1', responseBody: {} }))).toEqual([
          'undocumented endpoint GET /inventory/v1/warehouses/1',
        ]);
      });
    });
  });

  describe('attachContract on a recording server', () => {
    let server: Server;
    let base: string;
    const listeners = new Set<ExchangeListener>();

    beforeAll(async () => {
      const app = express();
      app.use(express.json());
      app.use(recordExchanges(listeners));
      app.get('/stores/:hash/v3/catalog/products', (_req, res) => {
        res.json({ data: [simpleProduct], meta: pagination(1) });
      });
      app.post('/stores/:hash/v3/hooks', (req, res) => {
        res.json({ data: { ...req.body, id: 'not-a-number', is_active: true }, meta: {} });
      });
      app.post('/oauth2/token', (_req, res) => {
        res.json({ access_token: 'x' });
      });
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const address = server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const headers = { accept: 'application/json', 'content-type': 'application/json', 'x-auth-token': 'token-abc' };

    it('collects the violations of API calls only, until detached', async () => {
      const watch = attachContract(listeners, await loadContract('bigcommerce'));
      await (await fetch(`${base}/oauth2/token`, { method: 'POST', headers, body: '{}' })).json();
      await (await fetch(`${base}/stores/abc123/v3/catalog/products?limit=2`, { headers })).json();
      await (await fetch(`${base}/stores/abc123/v3/hooks`, { method: 'POST', headers, body: JSON.stringify({ scope: 'store/order/created', destination: 'https://app.example.com/hooks' }) })).json();
      expect(watch.checked).toBe(2);
      expect(watch.violations).toEqual([{ exchange: 'POST /stores/abc123/v3/hooks → 200', errors: ['response 200 /data/id: must be integer'] }]);

      watch.detach();
      expect(listeners.size).toBe(0);
      await (await fetch(`${base}/stores/abc123/v3/hooks`, { method: 'POST', headers, body: '{}' })).json();
      expect(watch.checked).toBe(2);
    });
  });

  describe('BigCommerce example webhook deliveries', () => {
    const dir = join(referenceDir(), 'bigcommerce', 'webhook-payloads');
    const files = () => readdirSync(dir).filter((f) => f.endsWith('.json'));

    it('exist', () => {
      expect(files().length).toBeGreaterThan(10);
    });

    it('each parse as JSON with the envelope the intake relies on', () => {
      for (const file of files()) {
        const delivery = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
        const data = delivery.data as Record<string, unknown> | undefined;
        expect({ file, scope: typeof delivery.scope, hash: typeof delivery.hash, producer: delivery.producer }).toEqual({
          file,
          scope: 'string',
          hash: 'string',
          producer: expect.stringMatching(/^stores\/.+/),
        });
        // Scopes look like store/sku/inventory/updated. (Their file names do not always match:
        // store_customer_updated.json carries store/customer/created.)
        expect(delivery.scope, file).toMatch(/^store\/[a-z]+(\/[a-zA-Z]+)+$/);
        expect(typeof data?.type, file).toBe('string');
        expect(data?.id, file).toBeDefined();
      }
    });
  });
});
