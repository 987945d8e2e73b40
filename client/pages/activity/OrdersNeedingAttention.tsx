import { Badge, Message, Panel, Table, Text } from '@bigcommerce/big-design';
import type { OrderInfo } from '../../api.js';
import { ORDER_STATUS_VARIANTS, OrderRetryButton, useOrderRetries } from '../../components/OrderRetryButton.js';
import { formatTime } from '../../flows.js';
import { usePolling } from '../../hooks/usePolling.js';

const ORDERS_POLL_MS = 15_000;

/** Held and failing orders (GET /api/orders?status=…), each with why and a Retry; hidden when there are none. */
export function OrdersNeedingAttention() {
  const held = usePolling<{ orders: OrderInfo[] }>('/orders?status=held', ORDERS_POLL_MS);
  const failed = usePolling<{ orders: OrderInfo[] }>('/orders?status=failed', ORDERS_POLL_MS);
  const { notice, clearNotice, buttonProps } = useOrderRetries();
  const orders = [...(held.data?.orders ?? []), ...(failed.data?.orders ?? [])].sort((a, b) => b.orderId - a.orderId);
  if (orders.length === 0 && !notice) return null;
  return (
    <Panel header="Orders that need attention" description="These orders did not reach Zoho Inventory. Fix the cause, then retry: each resumes where it stopped." data-testid="orders-attention">
      {notice && <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="medium" onClose={clearNotice} />}
      <Table
        keyField="orderId"
        items={orders}
        emptyComponent={<Text>No order needs attention.</Text>}
        columns={[
          { header: 'Order', hash: 'orderId', render: (o) => <Text bold marginBottom="none">#{o.orderId}</Text> },
          { header: 'Status', hash: 'status', render: (o) => <Badge label={o.status} variant={ORDER_STATUS_VARIANTS[o.status] ?? 'secondary'} /> },
          { header: 'Storefront', hash: 'channel', render: (o) => (o.channel ? (o.channel.name ?? `Channel ${o.channel.id}`) : '—') },
          { header: 'Customer', hash: 'customer', render: (o) => o.customerName ?? o.email ?? '—' },
          { header: 'Why', hash: 'reason', render: (o) => o.held?.reason ?? o.lastError?.message ?? o.note ?? '—' },
          { header: 'Next attempt', hash: 'next', render: (o) => (o.status === 'failed' && o.nextAttemptAt ? formatTime(o.nextAttemptAt) : '—') },
          { header: 'Action', hideHeader: true, hash: 'retry', render: (o) => <OrderRetryButton {...buttonProps(o.orderId)} /> },
        ]}
      />
    </Panel>
  );
}
