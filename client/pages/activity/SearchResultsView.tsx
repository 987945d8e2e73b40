import { Badge, Box, Button, H3, Message, Text, Table } from '@bigcommerce/big-design';
import type { SearchResults } from '../../api.js';
import { ORDER_STATUS_VARIANTS, OrderRetryButton, useOrderRetries } from '../../components/OrderRetryButton.js';
import { FLOW_LABELS, formatTime, operationOf } from '../../flows.js';

const RESULT_VARIANTS: Record<string, 'success' | 'warning' | 'danger' | 'secondary'> = { ok: 'success', skipped: 'secondary', conflict: 'warning', failed: 'danger' };

/** What GET /api/search found: linked products, orders (held or failing ones can be retried) and run records. */
export function SearchResultsView({ query, results, onOpenRun }: { query: string; results: SearchResults; onOpenRun(runId: string): void }) {
  const { notice, clearNotice, buttonProps } = useOrderRetries();
  const { products, orders, records } = results;
  if (products.length + orders.length + records.length === 0) {
    return <Message type="info" messages={[{ text: `Nothing matches "${query}": try a whole or partial SKU, an order number or an e-mail address.` }]} marginBottom="medium" />;
  }
  return (
    <Box data-testid="search-results" marginBottom="large">
      {notice && <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="medium" onClose={clearNotice} />}
      {products.length > 0 && (
        <Box marginBottom="large">
          <H3>Products</H3>
          <Table
            keyField="zohoId"
            items={products}
            columns={[
              { header: 'SKU', hash: 'sku', render: (p) => <Text bold marginBottom="none">{p.sku ?? '—'}</Text> },
              { header: 'Kind', hash: 'entity', render: (p) => p.entity },
              { header: 'BigCommerce', hash: 'bc', render: (p) => (p.bigcommerceParentId ? `product ${p.bigcommerceParentId}, variant ${p.bigcommerceId}` : `product ${p.bigcommerceId}`) },
              { header: 'Zoho item', hash: 'zoho', render: (p) => p.zohoId },
              { header: 'In the store', hash: 'hidden', render: (p) => <Badge label={p.hidden ? 'hidden' : 'visible'} variant={p.hidden ? 'secondary' : 'success'} /> },
              { header: 'Last written', hash: 'updatedAt', render: (p) => formatTime(p.updatedAt) },
            ]}
          />
        </Box>
      )}
      {orders.length > 0 && (
        <Box marginBottom="large">
          <H3>Orders</H3>
          <Table
            keyField="orderId"
            items={orders}
            columns={[
              { header: 'Order', hash: 'orderId', render: (o) => <Text bold marginBottom="none">#{o.orderId}</Text> },
              { header: 'Status', hash: 'status', render: (o) => <Badge label={o.status} variant={ORDER_STATUS_VARIANTS[o.status] ?? 'secondary'} /> },
              { header: 'Customer', hash: 'customer', render: (o) => o.customerName ?? o.email ?? '—' },
              { header: 'In Zoho', hash: 'zoho', render: (o) => [o.salesorderNumber, o.invoiceNumber, ...(o.creditNoteNumbers ?? [])].filter(Boolean).join(' · ') || '—' },
              { header: 'Note', hash: 'reason', render: (o) => o.reason ?? '' },
              {
                header: 'Action',
                hideHeader: true,
                hash: 'retry',
                render: (o) => (o.status === 'held' || o.status === 'failed' ? <OrderRetryButton {...buttonProps(o.orderId)} /> : null),
              },
            ]}
          />
        </Box>
      )}
      {records.length > 0 && (
        <Box>
          <H3>In runs</H3>
          <Table
            keyField="id"
            items={records}
            columns={[
              { header: 'When', hash: 'at', render: (r) => formatTime(r.at) },
              { header: 'Flow', hash: 'flow', render: (r) => `${r.flow ? (FLOW_LABELS[r.flow] ?? r.flow) : '—'}${r.dryRun ? ' (preview)' : ''}` },
              { header: 'Record', hash: 'record', render: (r) => r.name ?? r.sku ?? '—' },
              { header: 'What', hash: 'operation', render: (r) => operationOf(r.operation).label },
              { header: 'Result', hash: 'result', render: (r) => <Badge label={r.result} variant={RESULT_VARIANTS[r.result] ?? 'secondary'} /> },
              { header: 'Why', hash: 'reason', render: (r) => r.reason ?? '' },
              {
                header: 'Action',
                hideHeader: true,
                hash: 'open',
                render: (r) => (
                  <Button variant="subtle" onClick={() => onOpenRun(r.runId)}>
                    Open run
                  </Button>
                ),
              },
            ]}
          />
        </Box>
      )}
    </Box>
  );
}
