/** Display names of the flows, in the order the panel shows them. */
export const FLOW_LABELS: Record<string, string> = {
  products: 'Products',
  pricelists: 'Price lists',
  stock: 'Stock',
  orders: 'Orders → invoices',
  contacts: 'Contacts',
  fulfilment: 'Fulfilment',
};

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
