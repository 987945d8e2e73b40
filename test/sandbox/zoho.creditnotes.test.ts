import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lineTotal } from '../../sandbox/zoho/api/lines.js';
import { seedZoho, ZOHO_DEMO, type ZohoSeed } from '../../sandbox/zoho/seed.js';
import { startZohoSimulator, type RunningZohoSimulator } from '../../sandbox/zoho/simulator.js';
import { CLIENT, connect, stockOf, zohoApi, type Json, type ZohoApi } from './zohoHelpers.js';

let sim: RunningZohoSimulator;
let seed: ZohoSeed;
let api: ZohoApi;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  sim = await startZohoSimulator({ clients: [CLIENT] });
  seed = seedZoho(sim.state);
  api = zohoApi(sim, (await connect(sim, ZOHO_DEMO.userEmail)).accessToken, ZOHO_DEMO.organizationId);
});
afterAll(async () => sim?.close());

const acme = () => seed.contacts.acme.contact_id;
const globex = () => seed.contacts.globex.contact_id;

/** A credit note body for Acme with one free-text line of `rate`. */
const body = (rate: number, extra: Json = {}): Json => ({ customer_id: acme(), date: today, line_items: [{ name: 'Refund', rate }], ...extra });

async function createNote(b: Json, query: Record<string, string> = {}): Promise<Json> {
  const res = await api('POST', '/creditnotes', { body: b, query });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.creditnote;
}

/** A sent invoice of the customer for one mug. */
async function sentInvoice(customerId: string): Promise<Json> {
  const invoice = (await api('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ item_id: seed.items.mug.item_id, quantity: 2 }] } })).body.invoice;
  expect((await api('POST', `/invoices/${invoice.invoice_id}/status/sent`)).status).toBe(200);
  return invoice;
}

// Numbering first: this file's simulator is fresh, so the auto numbers start at CN-00001.
describe('numbering', () => {
  it('numbers credit notes CN-00001, CN-00002… and answers the created record', async () => {
    const res = await api('POST', '/creditnotes', {
      body: {
        customer_id: acme(),
        date: today,
        reference_number: 'BC-1001',
        notes: 'Damaged in transit',
        is_inclusive_tax: true,
        line_items: [
          { item_id: seed.items.mug.item_id, quantity: 2 },
          { name: 'Goodwill', description: 'Sorry', rate: 5 },
        ],
      },
    });
    expect(res).toMatchObject({ status: 201, body: { code: 0, message: 'The credit note has been created.' } });
    const note = res.body.creditnote;
    expect(note).toMatchObject({
      creditnote_number: 'CN-00001',
      date: today,
      status: 'open',
      customer_id: acme(),
      customer_name: 'Acme Retail',
      reference_number: 'BC-1001',
      notes: 'Damaged in transit',
      total: 30,
      balance: 30,
      invoices: [],
      currency_code: 'USD',
    });
    expect(note.creditnote_id).toMatch(/^\d+$/);
    expect(note.created_time).toEqual(expect.any(String));
    expect(note.updated_time).toEqual(expect.any(String));
    expect(note.line_items).toEqual([
      expect.objectContaining({ item_id: seed.items.mug.item_id, name: 'Zylker Mug', rate: 12.5, quantity: 2, tax_id: '', line_item_id: expect.stringMatching(/^\d+$/) }),
      expect.objectContaining({ item_id: '', name: 'Goodwill', description: 'Sorry', rate: 5, quantity: 1 }),
    ]);
    // credit-notes.yml documents neither is_inclusive_tax nor a line's item_total in the answer: the record keeps them.
    const stored = sim.state.organization(ZOHO_DEMO.organizationId).creditNotes.get(note.creditnote_id)!;
    expect(stored.is_inclusive_tax).toBe(true);
    expect(stored.line_items.map(lineTotal)).toEqual([25, 5]);
    expect((await createNote(body(1))).creditnote_number).toBe('CN-00002');
  });

  it('takes the caller\'s number with ignore_auto_number_generation=true and refuses it twice', async () => {
    const manual = { ignore_auto_number_generation: 'true' };
    const first = await createNote(body(10, { creditnote_number: 'CN-BC-77-1' }), manual);
    expect(first.creditnote_number).toBe('CN-BC-77-1');
    const again = await api('POST', '/creditnotes', { body: body(10, { creditnote_number: 'CN-BC-77-1' }), query: manual });
    expect(again).toEqual({ status: 400, body: { code: 1001, message: 'Credit note number "CN-BC-77-1" already exists.' } });
    const none = await api('POST', '/creditnotes', { body: body(10), query: manual });
    expect(none).toMatchObject({ status: 400, body: { code: 4, message: expect.stringMatching(/creditnote_number/) } });
    // Without the flag the number sent is ignored (and refused requests used up no number).
    const auto = await createNote(body(10, { creditnote_number: 'CN-BC-77-1' }));
    expect(auto.creditnote_number).toBe('CN-00003');
  });
});

describe('validation', () => {
  it('requires an existing active customer, a date and lines', async () => {
    expect(await api('POST', '/creditnotes', { body: body(1, { customer_id: '1' }) })).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await api('POST', '/creditnotes', { body: body(1, { date: undefined }) })).toMatchObject({ status: 400, body: { code: 4, message: expect.stringMatching(/date/) } });
    expect(await api('POST', '/creditnotes', { body: body(1, { date: '05/06/2024' }) })).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await api('POST', '/creditnotes', { body: body(1, { line_items: [] }) })).toMatchObject({ status: 400, body: { code: 4, message: expect.stringMatching(/line_items/) } });
  });

  it('checks each line: a known active item, or a name with a rate; quantity > 0, rate ≥ 0', async () => {
    const line = async (l: Json) => api('POST', '/creditnotes', { body: body(0, { line_items: [l] }) });
    expect(await line({ name: 'No rate' })).toMatchObject({ status: 400, body: { code: 4, message: expect.stringMatching(/rate/) } });
    expect(await line({ rate: 3 })).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await line({ item_id: '999', rate: 3 })).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await line({ item_id: seed.items.inactive.item_id })).toMatchObject({ status: 400, body: { code: 4000 } });
    expect(await line({ item_id: seed.items.mug.item_id, quantity: 0 })).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await line({ name: 'Negative', rate: -1 })).toMatchObject({ status: 400, body: { code: 2 } });
    const free = await createNote(body(0, { line_items: [{ name: 'Zero', rate: 0 }] }));
    expect(free).toMatchObject({ total: 0, balance: 0 });
  });
});

describe('against an invoice', () => {
  it('records the invoice without changing its balance', async () => {
    const invoice = await sentInvoice(acme());
    const note = await createNote(body(7.5), { invoice_id: invoice.invoice_id });
    expect(note.invoices).toEqual([{ invoice_id: invoice.invoice_id, invoice_number: invoice.invoice_number, amount: 7.5 }]);
    const after = (await api('GET', `/invoices/${invoice.invoice_id}`)).body.invoice;
    expect(after).toMatchObject({ total: 25, balance: 25, status: 'sent', credits_applied: 0 });
  });

  it('refuses an invoice of another customer, an unknown one, a draft or a void one', async () => {
    const theirs = await sentInvoice(globex());
    expect(await api('POST', '/creditnotes', { body: body(1), query: { invoice_id: theirs.invoice_id } })).toMatchObject({
      status: 400,
      body: { code: 2, message: 'Invalid value passed for invoice_id' },
    });
    expect(await api('POST', '/creditnotes', { body: body(1), query: { invoice_id: '404' } })).toMatchObject({ status: 400, body: { code: 2 } });
    const draft = (await api('POST', '/invoices', { body: { customer_id: acme(), line_items: [{ name: 'Service', rate: 4 }] } })).body.invoice;
    expect(await api('POST', '/creditnotes', { body: body(1), query: { invoice_id: draft.invoice_id } })).toMatchObject({ status: 400, body: { code: 4000 } });
    await api('POST', `/invoices/${draft.invoice_id}/status/void`);
    expect(await api('POST', '/creditnotes', { body: body(1), query: { invoice_id: draft.invoice_id } })).toMatchObject({ status: 400, body: { code: 4000 } });
  });

  it('lets a line name the invoice line it credits, of the same customer', async () => {
    const invoice = await sentInvoice(acme());
    const invoiceLine = invoice.line_items[0].line_item_id;
    const note = await createNote(body(0, { line_items: [{ item_id: seed.items.mug.item_id, invoice_id: invoice.invoice_id, invoice_item_id: invoiceLine }] }));
    expect(note.line_items[0]).toMatchObject({ invoice_id: invoice.invoice_id, invoice_item_id: invoiceLine });
    const wrongLine = await api('POST', '/creditnotes', { body: body(0, { line_items: [{ item_id: seed.items.mug.item_id, invoice_id: invoice.invoice_id, invoice_item_id: '1' }] }) });
    expect(wrongLine).toMatchObject({ status: 400, body: { code: 2, message: expect.stringMatching(/invoice_item_id/) } });
    const theirs = await sentInvoice(globex());
    const otherCustomer = await api('POST', '/creditnotes', { body: body(0, { line_items: [{ item_id: seed.items.mug.item_id, invoice_id: theirs.invoice_id }] }) });
    expect(otherCustomer).toMatchObject({ status: 400, body: { code: 2 } });
  });
});

describe('lists', () => {
  it('finds credit notes by number, reference, customer and status, and pages', async () => {
    const a = await createNote(body(3, { creditnote_number: 'CN-LIST-A', reference_number: 'LIST-REF-1' }), { ignore_auto_number_generation: 'true' });
    const b = await createNote({ customer_id: globex(), date: today, creditnote_number: 'CN-LIST-B', reference_number: 'LIST-REF-2', line_items: [{ name: 'x', rate: 4 }] }, { ignore_auto_number_generation: 'true' });

    const byNumber = (await api('GET', '/creditnotes', { query: { creditnote_number: 'CN-LIST-A' } })).body;
    expect(byNumber.creditnotes.map((c: Json) => c.creditnote_id)).toEqual([a.creditnote_id]);
    expect(byNumber.creditnotes[0]).toMatchObject({ creditnote_number: 'CN-LIST-A', status: 'open', total: 3, balance: 3, customer_name: 'Acme Retail', reference_number: 'LIST-REF-1' });
    expect(byNumber.creditnotes[0].line_items).toBeUndefined();
    expect(byNumber.page_context).toMatchObject({ page: 1, per_page: 200, has_more_page: false });

    expect((await api('GET', '/creditnotes', { query: { reference_number: 'LIST-REF-2' } })).body.creditnotes.map((c: Json) => c.creditnote_number)).toEqual(['CN-LIST-B']);
    expect((await api('GET', '/creditnotes', { query: { creditnote_number_startswith: 'CN-LIST-' } })).body.creditnotes).toHaveLength(2);
    const globexOnes = (await api('GET', '/creditnotes', { query: { customer_id: globex() } })).body.creditnotes;
    expect(globexOnes.map((c: Json) => c.creditnote_id)).toContain(b.creditnote_id);
    expect(globexOnes.every((c: Json) => c.customer_id === globex())).toBe(true);
    expect((await api('GET', '/creditnotes', { query: { creditnote_number: 'CN-NOPE' } })).body.creditnotes).toEqual([]);

    const all = (await api('GET', '/creditnotes')).body.creditnotes.length;
    const first = (await api('GET', '/creditnotes', { query: { page: '1', per_page: '2' } })).body;
    expect(first.creditnotes).toHaveLength(2);
    expect(first.page_context).toMatchObject({ page: 1, per_page: 2, has_more_page: all > 2 });
    expect((await api('GET', '/creditnotes', { query: { status: 'bogus' } }))).toMatchObject({ status: 400, body: { code: 2 } });

    const byCustomer = (await api('GET', '/creditnotes', { query: { creditnote_number_startswith: 'CN-LIST-', sort_column: 'customer_name', sort_order: 'D' } })).body;
    expect(byCustomer.creditnotes.map((c: Json) => c.customer_name)).toEqual(['Globex Corporation', 'Acme Retail']);
    expect((await api('GET', '/creditnotes', { query: { sort_column: 'colour' } })).status).toBe(400);
  });
});

describe('refunds and void', () => {
  it('refunds part of the balance, then the rest (closed), and refuses more than the balance', async () => {
    const note = await createNote(body(50, { customer_id: globex() }));
    const url = `/creditnotes/${note.creditnote_id}/refunds`;
    const first = await api('POST', url, { body: { date: today, refund_mode: 'cash', amount: 20, reference_number: 'R-1', description: 'Part one', from_account_id: '460000000000361' } });
    expect(first).toMatchObject({ status: 200, body: { code: 0, message: expect.any(String) } });
    expect(first.body.creditnote_refund).toEqual({
      creditnote_refund_id: expect.stringMatching(/^\d+$/),
      creditnote_id: note.creditnote_id,
      date: today,
      refund_mode: 'cash',
      reference_number: 'R-1',
      amount: 20,
      customer_name: 'Globex Corporation',
      description: 'Part one',
    });
    expect((await api('GET', `/creditnotes/${note.creditnote_id}`)).body.creditnote).toMatchObject({ status: 'open', total: 50, balance: 30 });

    const over = await api('POST', url, { body: { refund_mode: 'cash', amount: 30.01 } });
    expect(over).toMatchObject({ status: 400, body: { code: 4000 } });
    expect(await api('POST', url, { body: { refund_mode: 'cash', amount: 0 } })).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await api('POST', url, { body: { amount: 5 } })).toMatchObject({ status: 400, body: { code: 4, message: expect.stringMatching(/refund_mode/) } });

    const rest = await api('POST', url, { body: { refund_mode: 'bank_transfer', amount: 30 } });
    expect(rest.body.creditnote_refund).toMatchObject({ amount: 30, date: today, reference_number: '', description: '' });
    expect((await api('GET', `/creditnotes/${note.creditnote_id}`)).body.creditnote).toMatchObject({ status: 'closed', balance: 0 });
    expect((await api('GET', '/creditnotes', { query: { status: 'closed' } })).body.creditnotes.map((c: Json) => c.creditnote_id)).toContain(note.creditnote_id);
    expect(await api('POST', url, { body: { refund_mode: 'cash', amount: 1 } })).toMatchObject({ status: 400, body: { code: 4000 } });

    const listed = (await api('GET', url)).body;
    expect(listed.creditnote_refunds).toEqual([
      expect.objectContaining({ creditnote_id: note.creditnote_id, creditnote_number: note.creditnote_number, customer_name: 'Globex Corporation', refund_mode: 'cash', reference_number: 'R-1', amount_bcy: 20, amount_fcy: 20 }),
      expect.objectContaining({ refund_mode: 'bank_transfer', amount_bcy: 30, amount_fcy: 30 }),
    ]);
    expect(listed.page_context).toMatchObject({ page: 1, has_more_page: false });

    // Refunded money cannot be un-credited by voiding.
    expect(await api('POST', `/creditnotes/${note.creditnote_id}/void`)).toMatchObject({ status: 400, body: { code: 4000 } });
  });

  it('voids a credit note without refunds: no balance, no refund', async () => {
    const note = await createNote(body(12));
    expect(await api('POST', `/creditnotes/${note.creditnote_id}/void`)).toEqual({ status: 200, body: { code: 0, message: 'The credit note has been marked as void.' } });
    expect((await api('GET', `/creditnotes/${note.creditnote_id}`)).body.creditnote).toMatchObject({ status: 'void', total: 12, balance: 0 });
    expect(await api('POST', `/creditnotes/${note.creditnote_id}/refunds`, { body: { refund_mode: 'cash', amount: 1 } })).toMatchObject({ status: 400, body: { code: 4000 } });
    expect((await api('GET', '/creditnotes', { query: { filter_by: 'Status.Void' } })).body.creditnotes.map((c: Json) => c.creditnote_id)).toContain(note.creditnote_id);
  });

  it('answers Zoho\'s 1002 for an unknown credit note', async () => {
    expect(await api('GET', '/creditnotes/404404')).toEqual({ status: 404, body: { code: 1002, message: 'Credit Note does not exist.' } });
    expect((await api('POST', '/creditnotes/404404/void')).status).toBe(404);
    expect((await api('GET', '/creditnotes/404404/refunds')).status).toBe(404);
    expect((await api('POST', '/creditnotes/404404/refunds', { body: { refund_mode: 'cash', amount: 1 } })).status).toBe(404);
  });
});

describe('side effects', () => {
  it('leaves stock alone (goods come back through sales returns, not credit notes)', async () => {
    const stock = () => stockOf(api, seed.items.cap.item_id);
    const before = await stock();
    expect(before.onHand).toBeGreaterThan(0);
    const note = await createNote(body(0, { line_items: [{ item_id: seed.items.cap.item_id, quantity: 3 }] }));
    await api('POST', `/creditnotes/${note.creditnote_id}/refunds`, { body: { refund_mode: 'cash', amount: 18 } });
    await api('POST', `/creditnotes/${(await createNote(body(0, { line_items: [{ item_id: seed.items.cap.item_id }] }))).creditnote_id}/void`);
    expect(await stock()).toEqual(before);
  });

  it('tells workflow rules of the creditnote module about creates and changes', async () => {
    const onRecord = vi.spyOn(sim.state.webhooks, 'onRecord');
    try {
      const note = await createNote(body(9));
      await api('POST', `/creditnotes/${note.creditnote_id}/refunds`, { body: { refund_mode: 'cash', amount: 9 } });
      const events = onRecord.mock.calls.filter(([, module]) => module === 'creditnote').map(([, , event, record]) => [event, (record as Json).status]);
      expect(events).toEqual([
        ['create', 'open'],
        ['update', 'closed'],
      ]);
    } finally {
      onRecord.mockRestore();
    }
  });

  it('needs the creditnotes scope', async () => {
    const readOnly = zohoApi(sim, (await connect(sim, ZOHO_DEMO.userEmail, 'ZohoInventory.creditnotes.READ')).accessToken, ZOHO_DEMO.organizationId);
    expect((await readOnly('GET', '/creditnotes')).status).toBe(200);
    expect((await readOnly('POST', '/creditnotes', { body: body(1) })).body.code).toBe(57);
    const invoicesOnly = zohoApi(sim, (await connect(sim, ZOHO_DEMO.userEmail, 'ZohoInventory.invoices.ALL')).accessToken, ZOHO_DEMO.organizationId);
    expect((await invoicesOnly('GET', '/creditnotes')).status).toBe(401);
  });
});
