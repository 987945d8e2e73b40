import { Checkbox, Flex, FlexItem, FormGroup, Input, MultiSelect, Select } from '@bigcommerce/big-design';
import type { Settings } from '../../../server/settings/schema.js';
import { errorAt, type SectionProps } from './fields.js';
import { OrderChannelsFields, OrderCurrencyFields } from './OrderChannelsFields.js';

/** BigCommerce's order statuses by id, in the merchant's words. */
export const BC_ORDER_STATUSES: Record<number, string> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting payment',
  8: 'Awaiting pickup',
  9: 'Awaiting shipment',
  10: 'Completed',
  11: 'Awaiting fulfillment',
  12: 'Manual verification required',
  13: 'Disputed',
  14: 'Partially refunded',
};
const STATUS_OPTIONS = Object.entries(BC_ORDER_STATUSES).map(([id, content]) => ({ value: Number(id), content }));

/** Which orders count, what Zoho documents they become, and what happens to a line Zoho does not know. */
export function OrdersSection(props: SectionProps) {
  const { values, errors, update } = props;
  const orders = values.orders;
  return (
    <>
      <FormGroup>
        <MultiSelect
          label="Orders in these statuses go to Zoho"
          value={orders.realStatusIds}
          error={errorAt(errors, 'orders.realStatusIds')}
          onOptionsChange={(ids) => update((d) => void (d.orders.realStatusIds = [...ids].sort((a, b) => a - b)))}
          options={STATUS_OPTIONS}
        />
      </FormGroup>
      <FormGroup>
        <Checkbox label="Create a sales order before the invoice" checked={orders.createSalesOrder} onChange={(e) => update((d) => void (d.orders.createSalesOrder = e.target.checked))} />
        <Checkbox label="Mark invoices as sent" checked={orders.markInvoiceSent} onChange={(e) => update((d) => void (d.orders.markInvoiceSent = e.target.checked))} />
        <Checkbox label="Record payments of paid orders" checked={orders.recordPayment} onChange={(e) => update((d) => void (d.orders.recordPayment = e.target.checked))} />
        <Checkbox
          label="Create Zoho credit notes for refunds made in BigCommerce (refunded from Zoho when the app recorded the payment)"
          checked={orders.creditNotes}
          onChange={(e) => update((d) => void (d.orders.creditNotes = e.target.checked))}
        />
      </FormGroup>
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
        <FlexItem flexGrow={1} flexBasis="260px">
          <Select<Settings['orders']['tax']>
            label="Tax on invoices"
            value={orders.tax}
            onOptionChange={(v) => update((d) => void (d.orders.tax = v ?? 'zoho'))}
            options={[
              { value: 'zoho', content: "Zoho's tax rules", description: 'Zoho computes the tax of each line' },
              { value: 'bigcommerce', content: 'As BigCommerce charged it', description: 'The invoice carries the tax the shopper paid' },
            ]}
          />
        </FlexItem>
        <FlexItem flexGrow={1} flexBasis="260px">
          <Select<Settings['orders']['unmappedSku']>
            label="When a line's SKU is not in Zoho"
            value={orders.unmappedSku}
            onOptionChange={(v) => update((d) => void (d.orders.unmappedSku = v ?? 'hold'))}
            options={[
              { value: 'hold', content: 'Hold the order for me to fix' },
              { value: 'skip_line', content: 'Leave the line out' },
              { value: 'fallback_item', content: 'Bill it as a stand-in Zoho item' },
            ]}
          />
        </FlexItem>
        {orders.unmappedSku === 'fallback_item' && (
          <FlexItem flexGrow={1} flexBasis="220px">
            <FormGroup><Input
              label="Stand-in Zoho item ID"
              value={orders.fallbackItemId ?? ''}
              error={errorAt(errors, 'orders.fallbackItemId')}
              onChange={(e) => update((d) => void (d.orders.fallbackItemId = e.target.value.trim() || null))}
            /></FormGroup>
          </FlexItem>
        )}
      </Flex>
      <OrderCurrencyFields {...props} />
      <OrderChannelsFields {...props} />
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
        <FlexItem flexGrow={1} flexBasis="260px">
          <FormGroup><Input
            label="Sales order number prefix"
            description="Orders are numbered prefix + BigCommerce order number; give each store on one Zoho organization its own."
            value={orders.salesOrderPrefix}
            error={errorAt(errors, 'orders.salesOrderPrefix')}
            onChange={(e) => update((d) => void (d.orders.salesOrderPrefix = e.target.value))}
          /></FormGroup>
        </FlexItem>
        <FlexItem flexGrow={1} flexBasis="260px">
          <FormGroup><Input
            label="Import earlier orders from"
            description="Optional (YYYY-MM-DD): orders placed before Zoho was connected, from this date."
            type="date"
            value={orders.backfillFrom ?? ''}
            error={errorAt(errors, 'orders.backfillFrom')}
            onChange={(e) => update((d) => void (d.orders.backfillFrom = e.target.value || null))}
          /></FormGroup>
        </FlexItem>
      </Flex>
    </>
  );
}
