/** Display names of the flows, in the order the panel shows them. */
export const FLOW_LABELS: Record<string, string> = {
  products: 'Products',
  pricelists: 'Price lists',
  stock: 'Stock',
  orders: 'Orders → invoices',
  contacts: 'Contacts',
  fulfilment: 'Fulfilment',
};

/** Flows with a dry run (server/sync/flows.ts PREVIEW_FLOWS): what they would write, nothing written. */
export const PREVIEW_FLOWS = new Set(['products', 'pricelists', 'stock', 'fulfilment']);

export const STATUS_VARIANTS: Record<string, 'success' | 'warning' | 'danger' | 'secondary' | 'primary'> = {
  succeeded: 'success',
  partial: 'warning',
  failed: 'danger',
  cancelled: 'secondary',
  skipped: 'secondary',
  queued: 'primary',
  running: 'primary',
};

export interface Run {
  id: string;
  flow: string;
  trigger: string;
  status: string;
  dryRun?: boolean;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  counts: Record<string, number>;
  apiCalls: { bigcommerce: number; zoho: number };
  progress?: { done: number; total?: number };
  message?: string;
}

export interface RunRecord {
  id: string;
  entity: string;
  operation: string;
  result: string;
  sku?: string;
  name?: string;
  zohoId?: string;
  bigcommerceId?: string;
  reason?: string;
  at: string;
}

export const formatTime = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');
export const durationOf = (run: Run) =>
  run.startedAt && run.finishedAt ? `${((new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000).toFixed(1)} s` : '—';

export const isActive = (status: string) => status === 'queued' || status === 'running';

/** Whether a finished run left something a retry could fix (what POST /api/runs/:id/retry accepts). */
export const canRetry = (run: Run) => !isActive(run.status) && (['failed', 'partial', 'cancelled'].includes(run.status) || (run.counts.failed ?? 0) > 0);

export const countsText = (counts: Record<string, number>) =>
  `${counts.created ?? 0} created · ${counts.updated ?? 0} updated · ${counts.hidden ?? 0} hidden · ${counts.failed ?? 0} failed`;

/** What a run did (or, in a preview, would do) to a record, in the merchant's words. */
export const OPERATIONS: Record<string, { label: string; variant: 'success' | 'warning' | 'danger' | 'secondary' | 'primary'; hint: string }> = {
  create: { label: 'Create', variant: 'success', hint: 'New in BigCommerce' },
  adopt: { label: 'Adopt by SKU', variant: 'primary', hint: 'Already in BigCommerce with the same SKU: linked, then kept in step' },
  update: { label: 'Update', variant: 'primary', hint: 'Changed in Zoho since the last sync' },
  show: { label: 'Show again', variant: 'primary', hint: 'Active in Zoho again' },
  hide: { label: 'Hide', variant: 'warning', hint: 'Inactive or removed in Zoho: hidden, never deleted' },
  skip: { label: 'Skip', variant: 'secondary', hint: 'Left alone' },
  conflict: { label: 'Conflict', variant: 'danger', hint: 'Needs a decision: see the reason' },
  fail: { label: 'Failed', variant: 'danger', hint: 'Refused by BigCommerce or Zoho' },
  unchanged: { label: 'Unchanged', variant: 'secondary', hint: 'Already in step' },
};

export const operationOf = (operation: string) => OPERATIONS[operation] ?? { label: operation, variant: 'secondary' as const, hint: '' };

/** "in 12 min", "in 3 h (15:00)", or the date, for a moment to come. */
export function formatUpcoming(iso?: string, now = Date.now()): string {
  if (!iso) return '—';
  const ms = new Date(iso).getTime() - now;
  if (ms <= 60_000) return 'due now';
  if (ms < 55 * 60_000) return `in ${Math.round(ms / 60_000)} min`;
  if (ms < 24 * 3_600_000) return `in ${Math.max(1, Math.round(ms / 3_600_000))} h (${new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })})`;
  return formatTime(iso);
}
