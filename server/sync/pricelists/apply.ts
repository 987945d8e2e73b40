import { chunk, upsertPriceListRecords, type PriceListRecord } from '../../bigcommerce/batches.js';
import { createPriceList, createPriceListAssignments, type BcPriceList } from '../../bigcommerce/catalog.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { BigCommerceApiError, BigCommerceAuthError } from '../../bigcommerce/errors.js';
import { ADOPTED_AFTER_LOST_ANSWER, createOnce } from '../../bigcommerce/lostAnswers.js';
import { Link, linkId } from '../../db/models/index.js';
import type { Priority } from '../priority.js';
import type { RecordOperation, RunReporter } from '../reporter.js';
import { diffRecords, joinHash, type DesiredAssignment, type DesiredList, type DesiredRecord, type PriceListOperation, type PriceListPlan } from './plan.js';
import { readPriceRecords } from './read.js';

export const PRICELIST_ENTITY = 'pricelist';
export const RECORD_ENTITY = 'pricelist_record';

interface ApplyContext {
  storeHash: string;
  bc: BigCommerceClient;
  reporter: RunReporter;
  priority: Priority;
  /** Between lists: keeps the run's locks alive. */
  heartbeat: () => Promise<void>;
}

interface Assignment {
  id: number;
  price_list_id: number;
  customer_group_id?: number;
  channel_id?: number;
}

/** Variant ids per `DELETE …/records?variant_id:in=` (kept well inside URL limits). */
const DELETE_IDS_MAX = 100;
/** A part of the hash that never matches: the next run compares again. */
const RETRY = 'retry';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** 403 on price lists: the store's plan has none. Not a record's failure: it ends the run as skipped. */
export const isPriceListsUnavailable = (error: unknown) => error instanceof BigCommerceAuthError && error.status === 403;

/**
 * Executes a price lists plan: one list at a time (BigCommerce takes record upserts serially per
 * store), records in batches of 1,000, stale records deleted, assignments from settings added
 * (25 a call), and each list's link saved as soon as the list is done, with the hash of what
 * was written, so that a killed run adopts by name and compares instead of duplicating.
 */
export async function applyPriceLists(plan: PriceListPlan, a: ApplyContext): Promise<void> {
  for (const skip of plan.skippedRecords) {
    await a.reporter.record({ entity: RECORD_ENTITY, operation: 'skip', zohoId: skip.zohoItemId, sku: skip.sku, name: `${skip.pricebookName}: ${skip.name ?? skip.zohoItemId}`, reason: skip.reason });
  }
  const assignments = new AssignmentBook(a);
  for (const [i, op] of plan.operations.entries()) {
    try {
      await applyOne(op, a, assignments);
    } catch (error) {
      // The token or the plan: every other list would fail the same way.
      if (error instanceof BigCommerceAuthError) throw error;
      const { zohoId, name } = 'list' in op ? op.list : op;
      await a.reporter.record({ entity: PRICELIST_ENTITY, operation: 'fail', zohoId, name, reason: errorText(error) });
    }
    await a.reporter.setProgress(i + 1, plan.operations.length);
    await a.heartbeat();
  }
}

async function applyOne(op: PriceListOperation, a: ApplyContext, assignments: AssignmentBook): Promise<void> {
  switch (op.kind) {
    case 'unchanged':
      await a.reporter.record({ entity: PRICELIST_ENTITY, operation: 'unchanged', zohoId: op.zohoId, name: op.name });
      for (let i = 0; i < op.records; i++) await a.reporter.record({ entity: RECORD_ENTITY, operation: 'unchanged' });
      return;
    case 'skip':
    case 'conflict':
      await a.reporter.record({ entity: PRICELIST_ENTITY, operation: op.kind, zohoId: op.zohoId, name: op.name, reason: op.reason });
      return;
    case 'deactivate':
      // BigCommerce's update requires the name even when only the status changes.
      await a.bc.v3('PUT', `/pricelists/${op.priceListId}`, { body: { name: op.name, active: false }, priority: a.priority });
      await saveLink(a.storeHash, { zohoId: op.zohoId, priceListId: op.priceListId, hidden: true });
      await a.reporter.record({ entity: PRICELIST_ENTITY, operation: 'hide', zohoId: op.zohoId, name: op.name, bigcommerceId: String(op.priceListId), reason: 'removed from Zoho' });
      return;
    case 'create':
      return createList(op.list, a, assignments);
    case 'sync':
      return syncList(op, a, assignments);
  }
}

/** The price list of this name (`GET /pricelists?name=`; names are unique per store). */
async function listNamed(name: string, a: ApplyContext): Promise<BcPriceList | undefined> {
  const rows = (await a.bc.v3<BcPriceList[]>('GET', '/pricelists', { query: { name }, priority: a.priority })).data ?? [];
  return rows.find((l) => l.name.toLowerCase() === name.toLowerCase());
}

async function createList(list: DesiredList, a: ApplyContext, assignments: AssignmentBook): Promise<void> {
  let created;
  let adoptedAfterLoss = false;
  try {
    // A lost answer (reset, timeout, 5xx): the list is read back by name and adopted, or created again.
    const made = await createOnce(
      () => createPriceList(a.bc, { name: list.name, active: list.active }, { priority: a.priority }),
      () => listNamed(list.name, a),
    );
    created = made.value;
    adoptedAfterLoss = made.adopted;
  } catch (error) {
    // Taken meanwhile (another process, or a list made by hand since the read): adopt it.
    if (!(error instanceof BigCommerceApiError) || error.status !== 409) throw error;
    const existing = await listNamed(list.name, a);
    if (!existing) throw error;
    return syncList(
      {
        kind: 'sync',
        list,
        priceListId: existing.id,
        adopted: true,
        wasActive: existing.active,
        writeMeta: existing.name !== list.name || existing.active !== list.active,
        compareRecords: true,
        syncAssignments: list.assignments.length > 0,
      },
      a,
      assignments,
    );
  }
  // Saved before the records: a run killed now finds the list by its link, not by a second create.
  await saveLink(a.storeHash, { zohoId: list.zohoId, priceListId: created.id, hash: joinHash({ ...list.hash, records: RETRY, assignments: RETRY }), hidden: !list.active });
  const recordsOk = await writeRecords(created.id, list, { create: list.records, update: [], unchanged: [], remove: [] }, a);
  const assignmentsOk = await assignments.ensure(created.id, list);
  await saveLink(a.storeHash, {
    zohoId: list.zohoId,
    priceListId: created.id,
    hash: joinHash({ meta: list.hash.meta, records: recordsOk ? list.hash.records : RETRY, assignments: assignmentsOk ? list.hash.assignments : RETRY }),
    hidden: !list.active,
  });
  const note = adoptedAfterLoss ? { reason: ADOPTED_AFTER_LOST_ANSWER } : {};
  await a.reporter.record({ entity: PRICELIST_ENTITY, operation: 'create', zohoId: list.zohoId, name: list.name, bigcommerceId: String(created.id), ...note });
}

async function syncList(op: Extract<PriceListOperation, { kind: 'sync' }>, a: ApplyContext, assignments: AssignmentBook): Promise<void> {
  const { list, priceListId } = op;
  if (op.writeMeta) {
    try {
      await a.bc.v3('PUT', `/pricelists/${priceListId}`, { body: { name: list.name, active: list.active }, priority: a.priority });
    } catch (error) {
      // Deleted in BigCommerce since the read: make it again.
      if (error instanceof BigCommerceApiError && error.status === 404) return createList(list, a, assignments);
      throw error;
    }
  }
  let recordsOk = true;
  let recordWrites = 0;
  if (op.compareRecords) {
    const current = await readPriceRecords(a.bc, priceListId, list.currency, a.priority);
    const diff = diffRecords(list.records, current);
    recordWrites = diff.create.length + diff.update.length + diff.remove.length;
    recordsOk = await writeRecords(priceListId, list, diff, a);
  } else {
    for (let i = 0; i < list.records.length; i++) await a.reporter.record({ entity: RECORD_ENTITY, operation: 'unchanged' });
  }
  const assignmentsOk = op.syncAssignments ? await assignments.ensure(priceListId, list) : true;
  await saveLink(a.storeHash, {
    zohoId: list.zohoId,
    priceListId,
    hash: joinHash({ meta: list.hash.meta, records: recordsOk ? list.hash.records : RETRY, assignments: assignmentsOk ? list.hash.assignments : RETRY }),
    hidden: !list.active,
  });
  const operation: RecordOperation = op.adopted
    ? 'adopt'
    : op.wasActive !== list.active
      ? list.active
        ? 'show'
        : 'hide'
      : op.writeMeta || recordWrites > 0 || assignments.wroteFor(priceListId)
        ? 'update'
        : 'unchanged';
  await a.reporter.record({ entity: PRICELIST_ENTITY, operation, zohoId: list.zohoId, name: list.name, bigcommerceId: String(priceListId) });
}

/** Upserts new and changed records (1,000 a call, serially), deletes stale ones; true when all went through. */
async function writeRecords(
  priceListId: number,
  list: DesiredList,
  diff: { create: DesiredRecord[]; update: DesiredRecord[]; unchanged: DesiredRecord[]; remove: number[] },
  a: ApplyContext,
): Promise<boolean> {
  for (let i = 0; i < diff.unchanged.length; i++) await a.reporter.record({ entity: RECORD_ENTITY, operation: 'unchanged' });
  let ok = true;
  const writes = [...diff.create.map((r) => ({ r, operation: 'create' as const })), ...diff.update.map((r) => ({ r, operation: 'update' as const }))];
  if (writes.length) {
    const body: PriceListRecord[] = writes.map(({ r }) => ({ variant_id: r.variant_id, currency: list.currency, price: r.price, bulk_pricing_tiers: r.bulk_pricing_tiers }));
    const results = await upsertPriceListRecords(a.bc, priceListId, body, { priority: a.priority });
    for (const result of results) {
      const { r, operation } = writes[result.index]!;
      const outcome = { entity: RECORD_ENTITY, zohoId: r.zohoItemId, sku: r.sku, name: list.name, bigcommerceId: String(r.variant_id) };
      if (result.ok) await a.reporter.record({ ...outcome, operation });
      else {
        ok = false;
        await a.reporter.record({ ...outcome, operation: 'fail', reason: result.error });
      }
    }
  }
  for (const ids of chunk(diff.remove, DELETE_IDS_MAX)) {
    try {
      await a.bc.request('DELETE', `/v3/pricelists/${priceListId}/records`, { query: { 'variant_id:in': ids, currency: list.currency }, priority: a.priority });
      for (const id of ids) {
        await a.reporter.record({ entity: RECORD_ENTITY, operation: 'hide', name: list.name, bigcommerceId: String(id), reason: 'no longer in the Zoho price list' });
      }
    } catch (error) {
      if (error instanceof BigCommerceAuthError) throw error;
      ok = false;
      for (const id of ids) await a.reporter.record({ entity: RECORD_ENTITY, operation: 'fail', name: list.name, bigcommerceId: String(id), reason: `could not remove the stale price: ${errorText(error)}` });
    }
  }
  return ok;
}

/**
 * The store's price list assignments, read once per run and only when some list's assignments
 * changed. Settings add assignments; one already in place is left alone (so repeating is free);
 * a customer group and channel held by another list is handed over, as BigCommerce allows one
 * list per customer group and channel. Assignments made in BigCommerce are otherwise kept.
 */
class AssignmentBook {
  private current: Assignment[] | undefined;
  private readonly wrote = new Set<number>();

  constructor(private readonly a: ApplyContext) {}

  wroteFor(priceListId: number): boolean {
    return this.wrote.has(priceListId);
  }

  async ensure(priceListId: number, list: DesiredList): Promise<boolean> {
    const { a } = this;
    if (list.assignments.length === 0) return true;
    const current = await this.load();
    const slot = (x: DesiredAssignment) => `${x.customer_group_id ?? ''}|${x.channel_id ?? ''}`;
    const missing = list.assignments.filter((d) => !current.some((c) => c.price_list_id === priceListId && slot(c) === slot(d)));
    if (missing.length === 0) return true;
    try {
      for (const d of missing) {
        const holder = current.find((c) => slot(c) === slot(d));
        if (!holder) continue;
        await a.bc.request('DELETE', '/v3/pricelists/assignments', { query: { id: holder.id }, priority: a.priority });
        current.splice(current.indexOf(holder), 1);
      }
      const body = missing.map((d) => ({ price_list_id: priceListId, ...d }));
      await createPriceListAssignments(a.bc, body, { priority: a.priority });
      // The API answers no ids: re-read on the next need rather than guess them.
      this.current = undefined;
      this.wrote.add(priceListId);
      return true;
    } catch (error) {
      if (error instanceof BigCommerceAuthError) throw error;
      this.current = undefined;
      const what = missing.map((d) => [d.customer_group_id ? `customer group ${d.customer_group_id}` : '', d.channel_id ? `channel ${d.channel_id}` : ''].filter(Boolean).join(' / ')).join(', ');
      await a.reporter.record({ entity: PRICELIST_ENTITY, operation: 'fail', zohoId: list.zohoId, name: list.name, bigcommerceId: String(priceListId), reason: `could not assign it to ${what}: ${errorText(error)}` });
      return false;
    }
  }

  private async load(): Promise<Assignment[]> {
    if (!this.current) {
      const all: Assignment[] = [];
      for await (const page of this.a.bc.paginateV3<Assignment>('/pricelists/assignments', { priority: this.a.priority })) all.push(...page);
      this.current = all;
    }
    return this.current;
  }
}

/** Upserts a price list link by its natural _id. */
async function saveLink(storeHash: string, l: { zohoId: string; priceListId: number; hash?: string; hidden: boolean }): Promise<void> {
  await Link.updateOne(
    { _id: linkId(storeHash, PRICELIST_ENTITY, l.zohoId) },
    {
      $set: {
        storeHash,
        entity: PRICELIST_ENTITY,
        zohoId: l.zohoId,
        bigcommerceId: String(l.priceListId),
        ...(l.hash !== undefined ? { hash: l.hash } : {}),
        hidden: l.hidden,
        updatedAt: new Date(),
      },
    },
    { upsert: true },
  );
}
