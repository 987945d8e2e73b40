import { Router } from 'express';
import { z } from 'zod';
import { Link, OrderSync, RunRecord, SyncRun, type OrderSyncDoc } from '../db/models/index.js';
import { badRequest } from '../http/errors.js';
import { sessionOf } from './requireSession.js';

/** Most results of each kind one search returns (the newest first where there is an order). */
export const SEARCH_LIMIT = 20;

const searchQuery = z.object({ q: z.string().trim().min(1, 'type something to search for').max(100) });

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface SearchResults {
  /** Linked products and variants whose SKU contains the text. */
  products: { entity: string; sku?: string; zohoId: string; bigcommerceId: string; bigcommerceParentId?: string; hidden: boolean; updatedAt?: Date }[];
  /** Orders by BigCommerce order number, Zoho sales order or invoice number, or e-mail. */
  orders: { orderId: number; status: string; step?: string; email?: string; customerName?: string; salesorderNumber?: string; invoiceNumber?: string; creditNoteNumbers?: string[]; reason?: string; updatedAt?: Date }[];
  /** What runs did to records with that SKU or name, newest first. */
  records: { id: string; runId: string; flow?: string; dryRun?: boolean; entity: string; operation: string; result: string; sku?: string; name?: string; reason?: string; at: Date }[];
}

/**
 * Finds a SKU, an order number or an e-mail across products, orders and run records, always
 * inside one store. Case-insensitive "contains" on the text as typed (regex characters escaped).
 */
export async function searchStore(storeHash: string, text: string): Promise<SearchResults> {
  const contains = { $regex: escapeRegex(text), $options: 'i' };
  const orderNumber = /^#?\d{1,12}$/.test(text) ? Number(text.replace('#', '')) : undefined;

  const [links, orders, records] = await Promise.all([
    Link.find({ storeHash, sku: contains }).limit(SEARCH_LIMIT).lean(),
    OrderSync.find({
      storeHash,
      $or: [
        ...(orderNumber !== undefined ? [{ orderId: orderNumber }] : []),
        { email: contains },
        { 'zoho.salesorderNumber': contains },
        { 'zoho.invoiceNumber': contains },
        { 'refunds.creditNotes.number': contains },
      ],
    })
      .sort({ orderId: -1 })
      .limit(SEARCH_LIMIT)
      .lean<OrderSyncDoc[]>(),
    RunRecord.find({ storeHash, $or: [{ sku: contains }, { name: contains }] })
      .sort({ at: -1 })
      .limit(SEARCH_LIMIT)
      .lean(),
  ]);

  const runIds = [...new Set(records.map((r) => r.runId))];
  const runs = runIds.length ? await SyncRun.find({ _id: { $in: runIds }, storeHash }, { flow: 1, dryRun: 1 }).lean() : [];
  const runOf = new Map(runs.map((r) => [r._id, r]));

  return {
    products: links.map((l) => ({
      entity: l.entity,
      sku: l.sku ?? undefined,
      zohoId: l.zohoId,
      bigcommerceId: l.bigcommerceId,
      bigcommerceParentId: l.bigcommerceParentId ?? undefined,
      hidden: l.hidden ?? false,
      updatedAt: l.updatedAt ?? undefined,
    })),
    orders: orders.map((o) => ({
      orderId: o.orderId,
      status: o.status,
      step: o.step ?? undefined,
      email: o.email ?? undefined,
      customerName: o.customerName ?? undefined,
      salesorderNumber: o.zoho?.salesorderNumber ?? undefined,
      invoiceNumber: o.zoho?.invoiceNumber ?? undefined,
      creditNoteNumbers: o.refunds?.creditNotes?.length ? o.refunds.creditNotes.map((n) => n.number) : undefined,
      reason: o.held?.reason ?? o.lastError?.message ?? o.note ?? undefined,
      updatedAt: o.updatedAt,
    })),
    records: records.map((r) => ({
      id: r._id,
      runId: r.runId,
      flow: runOf.get(r.runId)?.flow,
      dryRun: runOf.get(r.runId)?.dryRun ?? undefined,
      entity: r.entity,
      operation: r.operation,
      result: r.result,
      sku: r.sku ?? undefined,
      name: r.name ?? undefined,
      reason: r.reason ?? undefined,
      at: r.at,
    })),
  };
}

/** `GET /api/search?q=`: SKU, order number or e-mail. */
export function searchRoutes(): Router {
  const router = Router();
  router.get('/search', async (req, res) => {
    const query = searchQuery.safeParse(req.query);
    if (!query.success) throw badRequest('invalid_query', `q: ${query.error.issues[0]?.message}`);
    res.json(await searchStore(sessionOf(req).storeHash, query.data.q));
  });
  return router;
}
