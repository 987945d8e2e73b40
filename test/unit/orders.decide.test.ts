import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../server/settings/schema.js';
import { decide, type DecisionInput, type KnownOrder } from '../../server/sync/orders/decide.js';
import { nextAttemptAt } from '../../server/sync/orders/failures.js';
import { configureOrderProcessing } from '../../server/sync/orders/options.js';

const settings = defaultSettings().orders;
const now = new Date('2024-03-10T12:00:00Z');
const connected = new Date('2024-03-01T00:00:00Z');

const order = (statusId: number, extra: Partial<DecisionInput['order']> = {}): DecisionInput['order'] => ({
  status_id: statusId,
  status: `status ${statusId}`,
  date_created: 'Fri, 08 Mar 2024 10:00:00 +0000',
  date_modified: 'Fri, 08 Mar 2024 10:05:00 +0000',
  payment_status: 'captured',
  ...extra,
});

const known = (k: Partial<KnownOrder>): KnownOrder => ({ status: 'done', bc: { statusId: 11, dateModified: new Date('2024-03-08T10:05:00Z') }, ...k });

const run = (input: Partial<DecisionInput> & Pick<DecisionInput, 'order'>) =>
  decide({ known: null, settings, importFrom: connected, trigger: 'webhook', now, ...input });

describe('which orders are processed', () => {
  it('processes a new order whose status counts as real; ignores Incomplete, Declined and Cancelled ones', () => {
    expect(run({ order: order(11) })).toEqual({ kind: 'process' });
    for (const status of [0, 5, 6]) expect(run({ order: order(status) }).kind).toBe('ignore');
  });

  it('processes an ignored order once its status becomes real, and leaves it ignored while it stays the same', () => {
    const ignored = known({ status: 'ignored', bc: { statusId: 0 } });
    expect(run({ order: order(0), known: ignored })).toMatchObject({ kind: 'nothing' });
    expect(run({ order: order(11), known: ignored })).toEqual({ kind: 'process' });
  });

  it('ignores orders placed before Zoho was connected (no flood of history), but never drops one it already took on', () => {
    const old = order(11, { date_created: 'Thu, 01 Feb 2024 10:00:00 +0000' });
    expect(run({ order: old })).toMatchObject({ kind: 'ignore', note: expect.stringContaining('before Zoho') });
    expect(run({ order: old, known: known({ status: 'waiting' }) })).toEqual({ kind: 'process' });
  });

  it('leaves a done order alone, unless it became paid and the payment is not recorded yet', () => {
    expect(run({ order: order(11), known: known({ zoho: { invoiceId: 'i', paymentId: 'p' } }) }).kind).toBe('nothing');
    expect(run({ order: order(11), known: known({ zoho: { invoiceId: 'i' } }) })).toEqual({ kind: 'process' });
    expect(run({ order: order(11, { payment_status: 'pending' }), known: known({ zoho: { invoiceId: 'i' } }) }).kind).toBe('nothing');
  });

  it('credits a done order refunded further in BigCommerce when credit notes are on; only records the refund when they are off', () => {
    const invoiced = known({ zoho: { invoiceId: 'inv-1', paymentId: 'pay-1' }, bc: { statusId: 11, refundedAmount: 0 } });
    const refunded = order(14, { refunded_amount: '12.5000' });
    expect(run({ order: refunded, known: invoiced, settings: { ...settings, creditNotes: true } })).toEqual({ kind: 'process' });
    expect(run({ order: refunded, known: invoiced })).toEqual({ kind: 'record_refund' });
    // Already credited (or already recorded): nothing more.
    const credited = known({ zoho: { invoiceId: 'inv-1', paymentId: 'pay-1' }, bc: { statusId: 14, refundedAmount: 12.5 }, refunds: { credited: 12.5 } });
    expect(run({ order: refunded, known: credited, settings: { ...settings, creditNotes: true } })).toMatchObject({ kind: 'nothing' });
    expect(run({ order: refunded, known: { ...credited, refunds: null } })).toMatchObject({ kind: 'nothing' });
    // Also when the merchant does not count Refunded / Partially Refunded as real statuses.
    const narrow = { ...settings, creditNotes: true, realStatusIds: [11] };
    expect(run({ order: refunded, known: invoiced, settings: narrow })).toEqual({ kind: 'process' });
  });

  it('records a refund of a cancelled order whose paid invoice was kept, once; a voided one has nothing to record', () => {
    const kept = known({ status: 'cancelled', zoho: { invoiceId: 'inv-1', paymentId: 'pay-1' }, bc: { statusId: 5, refundedAmount: 0 } });
    const refunded = order(4, { refunded_amount: '60.0000' });
    expect(run({ order: refunded, known: kept, settings: { ...settings, creditNotes: true } })).toEqual({ kind: 'record_refund' });
    expect(run({ order: refunded, known: { ...kept, bc: { statusId: 4, refundedAmount: 60 } } })).toMatchObject({ kind: 'nothing' });
    expect(run({ order: refunded, known: known({ status: 'cancelled', zoho: { invoiceId: 'inv-1', invoiceVoided: true }, bc: { statusId: 5 } }) })).toMatchObject({ kind: 'nothing' });
  });

  it('voids what exists in Zoho when the order is cancelled; marks an unsent one cancelled; never twice', () => {
    expect(run({ order: order(5), known: known({ zoho: { salesorderId: 's', invoiceId: 'i' } }) })).toEqual({ kind: 'cancel' });
    expect(run({ order: order(5), known: known({ status: 'waiting', zoho: {} }) })).toEqual({ kind: 'cancel_unsent' });
    expect(run({ order: order(5), known: known({ status: 'cancelled', zoho: { invoiceId: 'i' } }) }).kind).toBe('nothing');
  });

  it('retries held and failed orders when the merchant asks or a new event comes; not on reconciliation', () => {
    const held = known({ status: 'held' });
    expect(run({ order: order(11), known: held, trigger: 'reconcile' }).kind).toBe('nothing');
    expect(run({ order: order(11), known: held, trigger: 'webhook' }).kind).toBe('nothing'); // same modification: a duplicate event
    expect(run({ order: order(11, { date_modified: 'Fri, 08 Mar 2024 11:00:00 +0000' }), known: held, trigger: 'webhook' }).kind).toBe('process');
    expect(run({ order: order(11), known: known({ status: 'failed' }), trigger: 'manual' }).kind).toBe('process');
  });

  it('lets reconciliation respect a waiting order’s backoff; a webhook or a due retry goes ahead', () => {
    const waiting = known({ status: 'waiting', nextAttemptAt: new Date(now.getTime() + 60_000) });
    expect(run({ order: order(11), known: waiting, trigger: 'reconcile' }).kind).toBe('nothing');
    expect(run({ order: order(11), known: waiting, trigger: 'retry' }).kind).toBe('process');
    expect(run({ order: order(11), known: waiting, trigger: 'webhook' }).kind).toBe('process');
  });
});

describe('retry backoff', () => {
  afterEach(() => configureOrderProcessing());

  it('doubles from 30 s up to an hour, never before Zoho’s own time, and gives up only after 48 hours', () => {
    const first = new Date('2024-03-10T00:00:00Z');
    const delay = (attempts: number, at = first) => nextAttemptAt(attempts, first, at)!.getTime() - at.getTime();
    expect([1, 2, 3, 4].map((n) => delay(n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(delay(20)).toBe(3_600_000);
    expect(nextAttemptAt(1, first, first, first.getTime() + 600_000)!.getTime()).toBe(first.getTime() + 600_000);
    expect(nextAttemptAt(60, first, new Date(first.getTime() + 47 * 3_600_000))).toBeDefined();
    expect(nextAttemptAt(61, first, new Date(first.getTime() + 48 * 3_600_000))).toBeUndefined();
  });
});
