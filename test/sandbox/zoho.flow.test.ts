import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeSalesOrder } from '../../sandbox/zoho/api/salesorders.js';
import { seedZoho, ZOHO_DEMO, type ZohoSeed } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { CLIENT, connect, stockOf as stockVia, zohoApi, type ZohoApi } from './zohoHelpers.js';

let sim: RunningZohoSimulator;
let seed: ZohoSeed;
let api: ZohoApi;

beforeAll(async () => {
  sim = await startZohoSimulator({ clients: [CLIENT] });
  seed = seedZoho(sim.state);
  api = zohoApi(sim, (await connect(sim, ZOHO_DEMO.userEmail)).accessToken, ZOHO_DEMO.organizationId);
});
afterAll(async () => sim?.close());

const stockOf = (itemId: string) => stockVia(api, itemId);
const org = () => sim.state.organization(ZOHO_DEMO.organizationId);

/**
 * A sales order's sub-statuses as the simulator derives them from its records. salesorders.yml
 * documents none of them on GET /salesorders/{id} (only `status`), so its answers never carry
 * them; they live on in its list filter (status=closed) and workflow-rule bodies.
 */
function progressOf(salesorderId: string) {
  const { order_status, invoiced_status, paid_status, shipment_status } = serializeSalesOrder(org(), org().salesOrders.get(salesorderId)!);
  return { order_status, invoiced_status, paid_status, shipment_status };
}

describe('order to cash to shipment', () => {
  it('runs sales order → invoice → payment → package → shipment order, keeping stock consistent', async () => {
    const { mug, cap, shipping } = seed.items;
    expect(await stockOf(mug.item_id)).toMatchObject({ onHand: 50, available: 50, actual: 50 });

    // 1. A draft sales order commits nothing.
    const created = await api('POST', '/salesorders', {
      body: {
        customer_id: seed.contacts.acme.contact_id,
        reference_number: 'BC-1001',
        shipping_charge: 5,
        line_items: [
          { item_id: mug.item_id, quantity: 3 },
          { item_id: cap.item_id, quantity: 2, rate: 18 },
          { item_id: shipping.item_id, quantity: 1 },
        ],
      },
    });
    expect(created.status).toBe(201);
    const so = created.body.sales_order;
    expect(created.body.salesorder).toBeUndefined();
    expect(so).toMatchObject({ status: 'draft', salesorder_number: 'SO-00001', reference_number: 'BC-1001', total: 88.5, customer_name: 'Acme Retail' });
    const [mugLine, capLine, shippingLine] = so.line_items as { line_item_id: string }[];
    expect(mugLine!.line_item_id).toBeTruthy();
    expect(await stockOf(mug.item_id)).toMatchObject({ onHand: 50, available: 50, actual: 50 });

    const found = await api('GET', '/salesorders', { query: { reference_number: 'BC-1001' } });
    expect(found.body.salesorders.map((s: { salesorder_id: string }) => s.salesorder_id)).toEqual([so.salesorder_id]);

    // 2. Confirming commits the quantities: both "available" figures drop.
    expect((await api('POST', `/salesorders/${so.salesorder_id}/status/confirmed`)).status).toBe(200);
    expect(await stockOf(mug.item_id)).toMatchObject({ onHand: 50, available: 47, actual: 47 });

    // 3. Invoice the order lines: accounting stock drops, the commitment becomes a sale.
    const invoiced = await api('POST', '/invoices', {
      body: {
        customer_id: seed.contacts.acme.contact_id,
        reference_number: 'BC-1001',
        shipping_charge: 5,
        line_items: [mugLine, capLine, shippingLine].map((l) => ({ salesorder_item_id: l!.line_item_id })),
      },
    });
    expect(invoiced.status).toBe(201);
    const invoice = invoiced.body.invoice;
    expect(invoice).toMatchObject({ status: 'draft', total: 88.5, balance: 88.5, payment_terms: 30, payment_terms_label: 'Net 30' });
    // invoices.yml documents no salesorder_id on an invoice: the link shows on the order's documented `invoices`.
    expect(org().invoices.get(invoice.invoice_id)!.salesorder_id).toBe(so.salesorder_id);
    expect(typeof invoice.total).toBe('number');
    expect(await stockOf(mug.item_id)).toMatchObject({ onHand: 47, available: 47, actual: 47 });
    const overInvoice = await api('POST', '/invoices', { body: { customer_id: seed.contacts.acme.contact_id, line_items: [{ salesorder_item_id: mugLine!.line_item_id, quantity: 1 }] } });
    expect(overInvoice.status).toBe(400);
    const invoicedOrder = (await api('GET', `/salesorders/${so.salesorder_id}`)).body.salesorder;
    expect(invoicedOrder.invoices).toEqual([expect.objectContaining({ invoice_id: invoice.invoice_id, status: 'draft', total: 88.5, balance: 88.5 })]);
    expect(invoicedOrder.line_items.map((l: { quantity_invoiced: number; is_invoiced: boolean }) => [l.quantity_invoiced, l.is_invoiced])).toEqual([
      [3, true],
      [2, true],
      [1, true],
    ]);
    expect(progressOf(so.salesorder_id)).toMatchObject({ invoiced_status: 'invoiced', paid_status: 'unpaid' });

    // 4. A draft invoice takes no payment; once sent it does, partially then fully.
    const pay = (amount: number) =>
      api('POST', '/customerpayments', {
        body: { customer_id: seed.contacts.acme.contact_id, payment_mode: 'creditcard', amount, invoices: [{ invoice_id: invoice.invoice_id, amount_applied: amount }] },
      });
    expect((await pay(10)).status).toBe(400);
    expect((await api('POST', `/invoices/${invoice.invoice_id}/status/sent`)).status).toBe(200);
    const partial = await pay(50);
    expect(partial.status).toBe(201);
    expect(partial.body.payment).toMatchObject({ amount: 50, unused_amount: 0 });
    expect((await api('GET', `/invoices/${invoice.invoice_id}`)).body.invoice).toMatchObject({ status: 'partially_paid', balance: 38.5, payment_made: 50 });
    expect((await pay(40)).status).toBe(400);
    expect((await pay(38.5)).status).toBe(201);
    expect((await api('GET', `/invoices/${invoice.invoice_id}`)).body.invoice).toMatchObject({ status: 'paid', balance: 0 });
    expect((await api('GET', `/salesorders/${so.salesorder_id}`)).body.salesorder.invoices).toEqual([expect.objectContaining({ invoice_id: invoice.invoice_id, status: 'paid', balance: 0 })]);
    expect(progressOf(so.salesorder_id).paid_status).toBe('paid');

    // 5. Pack part of the order (services cannot be packed).
    const today = new Date().toISOString().slice(0, 10);
    const serviceBox = await api('POST', '/packages', { query: { salesorder_id: so.salesorder_id }, body: { date: today, line_items: [{ so_line_item_id: shippingLine!.line_item_id, quantity: 1 }] } });
    expect(serviceBox.status).toBe(400);
    const packed = await api('POST', '/packages', {
      query: { salesorder_id: so.salesorder_id },
      body: { date: today, line_items: [{ so_line_item_id: mugLine!.line_item_id, quantity: 3 }, { so_line_item_id: capLine!.line_item_id, quantity: 1 }] },
    });
    expect(packed.status).toBe(201);
    const pkg = packed.body.package;
    expect(Array.isArray(pkg)).toBe(false);
    expect(pkg).toMatchObject({ total_quantity: 4, salesorder_id: so.salesorder_id });
    // packages.yml documents no status on a package (the order's `packages[]` shows it once shipped).
    expect(org().packages.get(pkg.package_id)!.status).toBe('not_shipped');

    // 6. Ship it: physical stock drops, the physical commitment goes with it.
    const shipped = await api('POST', '/shipmentorders', {
      query: { package_ids: pkg.package_id, salesorder_id: so.salesorder_id },
      body: { date: today, delivery_method: 'UPS', tracking_number: '1Z999AA10123456784', shipping_charge: 5 },
    });
    expect(shipped.status).toBe(201);
    const shipment = shipped.body.shipment_order;
    expect(shipment).toMatchObject({ status: 'shipped', delivery_method: 'UPS', tracking_number: '1Z999AA10123456784', salesorder_id: so.salesorder_id });
    expect(await stockOf(mug.item_id)).toMatchObject({ onHand: 47, available: 47, actual: 47, byLocation: { 'Main Warehouse': 37, 'Downtown Store': 10 } });
    const order = (await api('GET', `/salesorders/${so.salesorder_id}`)).body.salesorder;
    expect(order.line_items.map((l: { quantity_packed: number; quantity_shipped: number }) => [l.quantity_packed, l.quantity_shipped])).toEqual([
      [3, 3],
      [1, 1],
      [0, 0],
    ]);
    expect(progressOf(so.salesorder_id).shipment_status).toBe('partially_shipped');
    expect(order.packages).toEqual([expect.objectContaining({ package_id: pkg.package_id, status: 'shipped', shipment_id: shipment.shipment_id, tracking_number: '1Z999AA10123456784', carrier: 'UPS' })]);
    expect((await api('GET', '/packages', { query: { shipment_date_start: today } })).body.packages.map((p: { package_id: string }) => p.package_id)).toEqual([pkg.package_id]);
    const again = await api('POST', '/shipmentorders', { query: { package_ids: pkg.package_id, salesorder_id: so.salesorder_id }, body: { date: today, delivery_method: 'UPS', tracking_number: 'x' } });
    expect(again.status).toBe(400);

    // 7. Update tracking (keyed `shipmentorder`), ship the rest, deliver everything.
    const updated = await api('PUT', `/shipmentorders/${shipment.shipment_id}`, { body: { tracking_number: '1Z-NEW' } });
    expect(updated.body.shipmentorder.tracking_number).toBe('1Z-NEW');
    const rest = await api('POST', '/packages', { query: { salesorder_id: so.salesorder_id }, body: { date: today, line_items: [{ so_line_item_id: capLine!.line_item_id, quantity: 1 }] } });
    const second = await api('POST', '/shipmentorders', {
      query: { package_ids: rest.body.package.package_id, salesorder_id: so.salesorder_id },
      body: { date: today, delivery_method: 'FedEx', tracking_number: '7777' },
    });
    expect(progressOf(so.salesorder_id).shipment_status).toBe('shipped');
    for (const id of [shipment.shipment_id, second.body.shipment_order.shipment_id]) {
      expect((await api('POST', `/shipmentorders/${id}/status/delivered`)).status).toBe(200);
    }
    expect((await api('GET', `/shipmentorders/${shipment.shipment_id}`)).body.shipment_order.status).toBe('delivered');
    const delivered = (await api('GET', `/salesorders/${so.salesorder_id}`)).body.salesorder;
    expect(delivered.packages.map((p: { status: string; shipment_status: string }) => [p.status, p.shipment_status])).toEqual([
      ['delivered', 'delivered'],
      ['delivered', 'delivered'],
    ]);
    expect(progressOf(so.salesorder_id)).toMatchObject({ shipment_status: 'fulfilled', order_status: 'closed' });

    // An invoiced, shipped order can no longer be voided.
    expect((await api('POST', `/salesorders/${so.salesorder_id}/status/void`)).status).toBe(400);
  });
});

describe('stock model', () => {
  it('confirming then voiding a sales order gives the commitment back', async () => {
    const { bottle } = seed.items;
    const before = await stockOf(bottle.item_id);
    const so = (await api('POST', '/salesorders', { body: { customer_id: seed.contacts.jane.contact_id, line_items: [{ item_id: bottle.item_id, quantity: 4 }] } })).body.sales_order;
    await api('POST', `/salesorders/${so.salesorder_id}/status/confirmed`);
    expect(await stockOf(bottle.item_id)).toMatchObject({ onHand: before.onHand, available: before.available - 4, actual: before.actual - 4 });
    expect((await api('POST', '/packages', { query: { salesorder_id: 'nope' }, body: { date: '2024-01-01', line_items: [] } })).status).toBe(404);
    await api('POST', `/salesorders/${so.salesorder_id}/status/void`);
    expect(await stockOf(bottle.item_id)).toMatchObject(before);
  });

  it('packages only confirmed orders', async () => {
    const so = (await api('POST', '/salesorders', { body: { customer_id: seed.contacts.jane.contact_id, line_items: [{ item_id: seed.items.cap.item_id, quantity: 1 }] } })).body.sales_order;
    const res = await api('POST', '/packages', { query: { salesorder_id: so.salesorder_id }, body: { date: '2024-01-01', line_items: [{ so_line_item_id: so.line_items[0].line_item_id, quantity: 1 }] } });
    expect(res.status).toBe(400);
    expect(res.body.code).not.toBe(0);
  });

  it('a direct invoice lowers stock on hand; voiding it restores it', async () => {
    const { medium } = seed.items;
    const before = await stockOf(medium.item_id);
    const invoice = (await api('POST', '/invoices', { body: { customer_id: seed.contacts.globex.contact_id, line_items: [{ item_id: medium.item_id, quantity: 2 }] } })).body.invoice;
    expect(invoice).toMatchObject({ payment_terms: 15 });
    expect(org().invoices.get(invoice.invoice_id)!.salesorder_id).toBe('');
    expect(await stockOf(medium.item_id)).toMatchObject({ onHand: before.onHand - 2, available: before.available - 2, actual: before.actual });
    await api('POST', `/invoices/${invoice.invoice_id}/status/void`);
    expect(await stockOf(medium.item_id)).toMatchObject(before);
    expect((await api('GET', `/invoices/${invoice.invoice_id}`)).body.invoice).toMatchObject({ status: 'void', balance: 0 });
  });

  it('inventory adjustments move stock at a location', async () => {
    const { mug } = seed.items;
    const before = await stockOf(mug.item_id);
    const res = await api('POST', '/inventoryadjustments', {
      body: { date: '2024-05-01', reason: 'Stocktake', adjustment_type: 'quantity', line_items: [{ item_id: mug.item_id, quantity_adjusted: 5, location_id: seed.locations.downtown.location_id }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.inventory_adjustment.line_items[0]).toMatchObject({ quantity_adjusted: 5, location_name: 'Downtown Store' });
    const after = await stockOf(mug.item_id);
    expect(after).toMatchObject({ onHand: before.onHand + 5, available: before.available + 5, actual: before.actual + 5 });
    expect(after.byLocation['Downtown Store']).toBe(before.byLocation['Downtown Store']! + 5);
    const service = await api('POST', '/inventoryadjustments', {
      body: { date: '2024-05-01', reason: 'x', adjustment_type: 'quantity', line_items: [{ item_id: seed.items.shipping.item_id, quantity_adjusted: 1 }] },
    });
    expect(service.status).toBe(400);
    await api('DELETE', `/inventoryadjustments/${res.body.inventory_adjustment.inventory_adjustment_id}`);
    expect(await stockOf(mug.item_id)).toMatchObject(before);
  });

  it('edits an invoiced order: lines keep their progress and commitments follow the new quantities', async () => {
    const { cap, bottle } = seed.items;
    const customer = seed.contacts.globex.contact_id;
    const so = (await api('POST', '/salesorders', { body: { customer_id: customer, line_items: [{ item_id: cap.item_id, quantity: 2 }, { item_id: bottle.item_id, quantity: 1 }] } })).body.sales_order;
    const [capLine, bottleLine] = so.line_items as { line_item_id: string }[];
    await api('POST', `/salesorders/${so.salesorder_id}/status/confirmed`);
    await api('POST', '/invoices', { body: { customer_id: customer, line_items: [{ salesorder_item_id: capLine!.line_item_id, quantity: 1 }] } });
    const before = await stockOf(cap.item_id);

    const put = (lines: unknown[]) => api('PUT', `/salesorders/${so.salesorder_id}`, { body: { customer_id: customer, line_items: lines } });
    expect((await put([{ line_item_id: bottleLine!.line_item_id, item_id: bottle.item_id, quantity: 1 }])).status).toBe(400);
    expect((await put([{ line_item_id: capLine!.line_item_id, item_id: cap.item_id, quantity: 0.5 }, { line_item_id: bottleLine!.line_item_id, item_id: bottle.item_id }])).status).toBe(400);
    expect((await put([{ line_item_id: 'not-a-line', item_id: cap.item_id, quantity: 1 }])).status).toBe(400);
    // A bad field read late in the body still changes nothing.
    const badDate = await api('PUT', `/salesorders/${so.salesorder_id}`, { body: { customer_id: customer, date: 'tomorrow', line_items: [{ line_item_id: capLine!.line_item_id, item_id: cap.item_id, quantity: 9 }] } });
    expect(badDate.status).toBe(400);
    expect(await stockOf(cap.item_id)).toEqual(before);

    const edited = await put([{ line_item_id: capLine!.line_item_id, item_id: cap.item_id, quantity: 5 }]);
    expect(edited.status).toBe(200);
    expect(edited.body.sales_order.line_items).toEqual([expect.objectContaining({ line_item_id: capLine!.line_item_id, quantity: 5, quantity_invoiced: 1 })]);
    // 3 more caps are committed; the bottle line is gone with its commitment.
    expect(await stockOf(cap.item_id)).toMatchObject({ onHand: before.onHand, available: before.available - 3, actual: before.actual - 3 });
  });

  it('numbers orders itself unless ignore_auto_number_generation=true', async () => {
    const manual = await api('POST', '/salesorders', {
      query: { ignore_auto_number_generation: 'true' },
      body: { customer_id: seed.contacts.jane.contact_id, salesorder_number: 'BC-ORDER-7', line_items: [{ item_id: seed.items.cap.item_id }] },
    });
    expect(manual.body.sales_order.salesorder_number).toBe('BC-ORDER-7');
    const missing = await api('POST', '/salesorders', { query: { ignore_auto_number_generation: 'true' }, body: { customer_id: seed.contacts.jane.contact_id, line_items: [{ item_id: seed.items.cap.item_id }] } });
    expect(missing.status).toBe(400);
  });
});
