import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedZoho, ZOHO_DEMO, type ZohoSeed } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { attachContract, describeContract, loadContract, type AttachedContract } from '../contract/openapi.js';
import { CLIENT, connect, zohoApi, type ApiResponse, type ZohoApi } from './zohoHelpers.js';

/**
 * Errors in Zoho's files (not listed in the reference README) that the contract's repairs do
 * not cover yet, and that a faithful request must break:
 * - itemgroups.yml flattens the variants of `PUT /itemgroups/{id}` into the group (it asks
 *   for a top-level name, rate, purchase_rate and sku; Zoho takes `items[]`);
 * - salesorders.yml lists only page/per_page for `GET /salesorders`, while Zoho filters by
 *   reference_number (the app looks orders up by it);
 * - items.yml documents `GET /items/{id}/image` as "a binary stream" without a content type,
 *   which the validator reads as "no body";
 * - credit-notes.yml marks `creditnote_number` required on `POST /creditnotes`, while Zoho
 *   numbers the credit note itself unless `ignore_auto_number_generation=true` (the same error
 *   as salesorders.yml's `salesorder_number`, which knownErrors.ts repairs).
 */
const UNREPAIRED = [
  /^PUT \/inventory\/v1\/itemgroups\/\{id\} → 200 request body \/: must have required property '(name|rate|purchase_rate|sku)'$/,
  /^GET \/inventory\/v1\/salesorders → 200 request query: must NOT have additional properties: reference_number$/,
  /^GET \/inventory\/v1\/items\/\{id\}\/image → 200 response 200: a body was sent where none is documented$/,
  /^POST \/inventory\/v1\/creditnotes → 201 request body \/: must have required property 'creditnote_number'$/,
];

function unrepairedFileError(violation: { exchange: string; errors: string[] }): boolean {
  const exchange = violation.exchange.replace(/\/\d+/g, '/{id}');
  return violation.errors.every((error) => UNREPAIRED.some((pattern) => pattern.test(`${exchange} ${error}`)));
}

/**
 * The simulator's own answers checked against Zoho's OpenAPI files (with the known errors of
 * the reference README repaired): a tour of every endpoint it serves, successes and errors.
 */
describeContract('Zoho simulator keeps to the Zoho Inventory contract', () => {
  let sim: RunningZohoSimulator;
  let seed: ZohoSeed;
  let api: ZohoApi;
  let token: string;
  let watch: AttachedContract;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    sim = await startZohoSimulator({ clients: [CLIENT] });
    seed = seedZoho(sim.state);
    token = (await connect(sim, ZOHO_DEMO.userEmail)).accessToken;
    api = zohoApi(sim, token, ZOHO_DEMO.organizationId);
    watch = attachContract(sim.exchangeListeners, await loadContract('zoho'));
  }, 60_000);
  afterAll(async () => {
    watch?.detach();
    await sim?.close();
  });

  /** Calls and checks the status, so that the tour really visits each success path. */
  async function call(status: number, method: string, path: string, options?: Parameters<ZohoApi>[2]): Promise<ApiResponse> {
    const res = await api(method, path, options);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res;
  }

  it('tours organizations, locations, items, images and item details', async () => {
    await call(200, 'GET', '/organizations', { noOrg: true });
    await call(200, 'GET', `/organizations/${ZOHO_DEMO.organizationId}`, { noOrg: true });
    const locations = (await call(200, 'GET', '/locations')).body.locations;
    await call(200, 'GET', `/locations/${locations[0].location_id}`);

    await call(200, 'GET', '/items', { query: { filter_by: 'Status.Active', per_page: '2', page: '2' } });
    const item = (
      await call(200, 'POST', '/items', {
        body: { name: 'Contract Lamp', sku: 'CT-LAMP', rate: 30, purchase_rate: 12, product_type: 'goods', item_type: 'inventory', locations: [{ location_id: locations[0].location_id, initial_stock: 4 }] },
      })
    ).body.item;
    await call(200, 'GET', `/items/${item.item_id}`);
    await call(200, 'PUT', `/items/${item.item_id}`, { body: { name: 'Contract Lamp', rate: 31 } });
    await call(200, 'POST', `/items/${item.item_id}/inactive`);
    await call(200, 'POST', `/items/${item.item_id}/active`);
    await call(200, 'GET', '/itemdetails', { query: { item_ids: `${item.item_id},${seed.items.small.item_id}` } });

    const form = new FormData();
    form.append('image', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'lamp.png');
    const upload = await fetch(`${sim.apiUrl}/items/${item.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}` },
      body: form,
    });
    expect(upload.status).toBe(200);
    const image = await fetch(`${sim.apiUrl}/items/${item.item_id}/image?organization_id=${ZOHO_DEMO.organizationId}`, { headers: { authorization: `Zoho-oauthtoken ${token}` } });
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).toString()).toBe('png-bytes');
    await call(200, 'DELETE', `/items/${item.item_id}/image`);
    await call(200, 'DELETE', `/items/${item.item_id}`);

    // Errors keep Zoho's envelope too (valid requests only: the validator checks requests as well).
    await call(404, 'GET', '/items/404404');
  });

  it('tours item groups and price books', async () => {
    await call(200, 'GET', '/itemgroups');
    const group = (
      await call(201, 'POST', '/itemgroups', {
        body: { group_name: 'Contract Socks', unit: 'pair', attribute_name1: 'Size', items: [{ name: 'Socks - S', sku: 'CT-SOCK-S', rate: 5, purchase_rate: 2, attribute_option_name1: 'S' }] },
      })
    ).body.item_group;
    await call(200, 'GET', `/itemgroups/${group.group_id}`);
    await call(200, 'PUT', `/itemgroups/${group.group_id}`, {
      body: { group_name: 'Contract Socks', unit: 'pair', items: [{ name: 'Socks - M', sku: 'CT-SOCK-M', rate: 5, purchase_rate: 2, attribute_option_name1: 'M' }] },
    });
    await call(200, 'POST', `/itemgroups/${group.group_id}/inactive`);
    await call(200, 'POST', `/itemgroups/${group.group_id}/active`);
    await call(200, 'DELETE', `/itemgroups/${group.group_id}`);

    await call(200, 'GET', '/pricebooks', { query: { filter_by: 'SalesOrPurchaseType.Sales' } });
    const book = (
      await call(201, 'POST', '/pricebooks', {
        body: { name: 'Contract list', pricebook_type: 'per_item', sales_or_purchase_type: 'sales', currency_id: `${ZOHO_DEMO.organizationId}000`, pricebook_items: [{ item_id: seed.items.mug.item_id, pricebook_rate: 9 }] },
      })
    ).body.pricebook;
    await call(200, 'GET', `/pricebooks/${book.pricebook_id}`);
    await call(200, 'PUT', `/pricebooks/${book.pricebook_id}`, {
      body: { name: 'Contract list', pricebook_type: 'fixed_percentage', sales_or_purchase_type: 'sales', percentage: 5, is_increase: true, rounding_type: 'round_to_dollar' },
    });
    await call(200, 'POST', `/pricebooks/${book.pricebook_id}/inactive`);
    await call(200, 'POST', `/pricebooks/${book.pricebook_id}/active`);
    await call(200, 'DELETE', `/pricebooks/${book.pricebook_id}`);
  });

  it('tours contacts', async () => {
    await call(200, 'GET', '/contacts', { query: { email: 'alice@acme.example' } });
    const contact = (
      await call(201, 'POST', '/contacts', {
        body: {
          contact_name: 'Contract Customer',
          payment_terms: 15,
          billing_address: { address: '1 Way', city: 'Town', zip: '12345', country: 'U.S.A' },
          contact_persons: [{ first_name: 'Con', last_name: 'Tract', email: 'con@tract.example', is_primary_contact: true }],
        },
      })
    ).body.contact;
    await call(200, 'GET', `/contacts/${contact.contact_id}`);
    await call(200, 'PUT', `/contacts/${contact.contact_id}`, { body: { contact_name: 'Contract Customer', notes: 'updated' } });
    await call(200, 'POST', `/contacts/${contact.contact_id}/inactive`);
    await call(200, 'POST', `/contacts/${contact.contact_id}/active`);
    await call(200, 'DELETE', `/contacts/${contact.contact_id}`);
    await call(400, 'POST', '/contacts', { body: { contact_name: 'Acme Retail' } });
  });

  it('tours sales orders, invoices, payments, packages, shipment orders and adjustments', async () => {
    const customer = seed.contacts.acme.contact_id;
    await call(200, 'GET', '/salesorders');
    const so = (
      await call(201, 'POST', '/salesorders', {
        body: { customer_id: customer, reference_number: 'CT-1', date: today, line_items: [{ item_id: seed.items.mug.item_id, quantity: 2, rate: 12.5 }, { item_id: seed.items.cap.item_id, quantity: 1 }] },
      })
    ).body.sales_order;
    await call(200, 'PUT', `/salesorders/${so.salesorder_id}`, {
      body: {
        customer_id: customer,
        reference_number: 'CT-1',
        notes: 'rush',
        line_items: so.line_items.map((l: { line_item_id: string; item_id: string; quantity: number }) => ({ line_item_id: l.line_item_id, item_id: l.item_id, quantity: l.quantity })),
      },
    });
    await call(200, 'POST', `/salesorders/${so.salesorder_id}/status/confirmed`);
    await call(200, 'GET', `/salesorders/${so.salesorder_id}`);
    await call(200, 'GET', '/salesorders', { query: { reference_number: 'CT-1' } });

    await call(200, 'GET', '/invoices');
    const invoice = (
      await call(201, 'POST', '/invoices', {
        body: { customer_id: customer, reference_number: 'CT-1', line_items: so.line_items.map((l: { line_item_id: string; item_id: string }) => ({ item_id: l.item_id, salesorder_item_id: l.line_item_id })) },
      })
    ).body.invoice;
    // invoices.yml documents no salesorder_item_id on an invoice's lines: each line keeps the order line it was made from.
    await call(200, 'PUT', `/invoices/${invoice.invoice_id}`, {
      body: {
        customer_id: customer,
        notes: 'thanks',
        line_items: invoice.line_items.map((l: { line_item_id: string; item_id: string }, n: number) => ({ line_item_id: l.line_item_id, item_id: l.item_id, salesorder_item_id: so.line_items[n].line_item_id })),
      },
    });
    await call(200, 'POST', `/invoices/${invoice.invoice_id}/status/sent`);
    await call(200, 'GET', `/invoices/${invoice.invoice_id}`);

    await call(200, 'GET', '/customerpayments');
    const payment = (
      await call(201, 'POST', '/customerpayments', {
        body: { customer_id: customer, payment_mode: 'cash', amount: invoice.total, date: today, invoices: [{ invoice_id: invoice.invoice_id, amount_applied: invoice.total }] },
      })
    ).body.payment;
    await call(200, 'GET', `/customerpayments/${payment.payment_id}`);

    await call(200, 'GET', '/packages');
    const pkg = (
      await call(201, 'POST', '/packages', { query: { salesorder_id: so.salesorder_id }, body: { date: today, line_items: [{ so_line_item_id: so.line_items[0].line_item_id, quantity: 2 }] } })
    ).body.package;
    await call(200, 'PUT', `/packages/${pkg.package_id}`, { body: { date: today, line_items: [{ so_line_item_id: so.line_items[0].line_item_id, quantity: 2 }], notes: 'fragile' } });
    await call(200, 'GET', `/packages/${pkg.package_id}`);
    const shipment = (
      await call(201, 'POST', '/shipmentorders', {
        query: { package_ids: pkg.package_id, salesorder_id: so.salesorder_id },
        body: { shipment_number: 'CT-SH-1', date: today, delivery_method: 'UPS', tracking_number: '1Z1', shipping_charge: 4 },
      })
    ).body.shipment_order;
    await call(200, 'GET', `/shipmentorders/${shipment.shipment_id}`);
    await call(200, 'PUT', `/shipmentorders/${shipment.shipment_id}`, {
      query: { package_ids: pkg.package_id, salesorder_id: so.salesorder_id },
      body: { shipment_number: 'CT-SH-1', date: today, delivery_method: 'UPS', tracking_number: '1Z2' },
    });
    await call(200, 'POST', `/shipmentorders/${shipment.shipment_id}/status/delivered`);
    await call(200, 'GET', '/packages', { query: { shipment_date_start: today } });

    // Undo in reverse order: each delete is allowed once what depends on it is gone.
    await call(200, 'DELETE', `/shipmentorders/${shipment.shipment_id}`);
    await call(200, 'DELETE', `/packages/${pkg.package_id}`);
    await call(200, 'DELETE', `/customerpayments/${payment.payment_id}`);
    await call(200, 'POST', `/invoices/${invoice.invoice_id}/status/void`);
    await call(200, 'POST', `/invoices/${invoice.invoice_id}/status/draft`);
    await call(200, 'DELETE', `/invoices/${invoice.invoice_id}`);
    await call(200, 'POST', `/salesorders/${so.salesorder_id}/status/void`);
    await call(200, 'DELETE', `/salesorders/${so.salesorder_id}`);

    await call(200, 'GET', '/inventoryadjustments');
    const adjustment = (
      await call(200, 'POST', '/inventoryadjustments', {
        body: { date: today, reason: 'Recount', adjustment_type: 'quantity', line_items: [{ item_id: seed.items.mug.item_id, quantity_adjusted: -1, location_id: seed.locations.main.location_id }] },
      })
    ).body.inventory_adjustment;
    await call(200, 'GET', `/inventoryadjustments/${adjustment.inventory_adjustment_id}`);
    await call(200, 'DELETE', `/inventoryadjustments/${adjustment.inventory_adjustment_id}`);
  });

  it('tours credit notes and their refunds', async () => {
    const customer = seed.contacts.acme.contact_id;
    const invoice = (await call(201, 'POST', '/invoices', { body: { customer_id: customer, line_items: [{ item_id: seed.items.cap.item_id, quantity: 1 }] } })).body.invoice;
    await call(200, 'POST', `/invoices/${invoice.invoice_id}/status/sent`);

    await call(200, 'GET', '/creditnotes');
    // Auto-numbered: no creditnote_number, which credit-notes.yml wrongly requires (see UNREPAIRED).
    const auto = (
      await call(201, 'POST', '/creditnotes', {
        query: { invoice_id: invoice.invoice_id },
        body: { customer_id: customer, date: today, reference_number: 'CT-CN-1', line_items: [{ item_id: seed.items.cap.item_id, quantity: 1, invoice_id: invoice.invoice_id, invoice_item_id: invoice.line_items[0].line_item_id }] },
      })
    ).body.creditnote;
    const manual = { ignore_auto_number_generation: 'true' };
    const numbered = { customer_id: customer, date: today, creditnote_number: 'CT-CN-2', is_inclusive_tax: true, notes: 'goodwill', line_items: [{ name: 'Goodwill', rate: 10, quantity: 2 }] };
    const note = (await call(201, 'POST', '/creditnotes', { query: manual, body: numbered })).body.creditnote;
    await call(400, 'POST', '/creditnotes', { query: manual, body: numbered });
    await call(200, 'GET', `/creditnotes/${note.creditnote_id}`);
    await call(200, 'GET', '/creditnotes', { query: { creditnote_number: 'CT-CN-2', customer_id: customer, status: 'open', page: '1', per_page: '10' } });
    await call(200, 'GET', '/creditnotes', { query: { reference_number: 'CT-CN-1' } });

    // credit-notes.yml documents 200 (not 201) for a refund.
    await call(200, 'POST', `/creditnotes/${note.creditnote_id}/refunds`, { body: { date: today, refund_mode: 'cash', amount: 15, reference_number: 'CT-R-1', description: 'part' } });
    await call(200, 'POST', `/creditnotes/${note.creditnote_id}/refunds`, { body: { refund_mode: 'cash', amount: 5 } });
    await call(400, 'POST', `/creditnotes/${note.creditnote_id}/refunds`, { body: { refund_mode: 'cash', amount: 1 } });
    await call(200, 'GET', `/creditnotes/${note.creditnote_id}/refunds`, { query: { page: '1', per_page: '10' } });
    await call(400, 'POST', `/creditnotes/${note.creditnote_id}/void`);
    await call(200, 'POST', `/creditnotes/${auto.creditnote_id}/void`);
    await call(200, 'GET', `/creditnotes/${auto.creditnote_id}`);
    await call(404, 'GET', '/creditnotes/404404');
  });

  it('kept to the contract', () => {
    expect(watch.checked).toBeGreaterThanOrEqual(70);
    expect(watch.violations.filter((v) => !unrepairedFileError(v))).toEqual([]);
  });

  it('still meets only the file errors that test/contract/knownErrors.ts does not repair yet', () => {
    // When a repair lands, the matching entry of UNREPAIRED becomes dead: remove it.
    const seen = new Set(watch.violations.flatMap((v) => v.errors.map((e) => `${v.exchange.replace(/\/\d+/g, '/{id}')} ${e}`)));
    for (const known of UNREPAIRED) expect([...seen].some((s) => known.test(s)), String(known)).toBe(true);
  });
});
