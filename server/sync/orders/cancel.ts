import type { OrderSyncDoc } from '../../db/models/index.js';
import type { OrderZohoCalls } from './zohoCalls.js';

/**
 * A cancelled order in Zoho: its unpaid invoice is voided, then its sales order (Zoho will not
 * void an order with a live invoice), so the stock stops counting as committed. Nothing is
 * deleted. A paid invoice stays as it is: money came in, so the merchant refunds it in Zoho.
 * Each void is recorded as it happens, so a retry does only what is left.
 */
export async function voidInZoho(
  doc: Pick<OrderSyncDoc, 'zoho'>,
  zoho: OrderZohoCalls,
  save: (fields: Record<string, unknown>) => Promise<void>,
): Promise<{ note: string }> {
  const ids = doc.zoho ?? {};
  if (ids.invoiceId && !ids.invoiceVoided) {
    if (ids.paymentId) {
      return { note: `Cancelled in BigCommerce. Invoice ${ids.invoiceNumber ?? ids.invoiceId} is paid, so it was kept (and so was its sales order): refund it in Zoho.` };
    }
    await zoho.voidInvoice(ids.invoiceId);
    await save({ 'zoho.invoiceVoided': true });
  }
  if (ids.salesorderId && !ids.salesorderVoided) {
    await zoho.voidSalesOrder(ids.salesorderId);
    await save({ 'zoho.salesorderVoided': true });
  }
  const voided = [ids.invoiceId ? 'invoice' : '', ids.salesorderId ? 'sales order' : ''].filter(Boolean).join(' and ');
  return { note: `Cancelled in BigCommerce: the Zoho ${voided} ${voided.includes(' and ') ? 'were' : 'was'} voided.` };
}
