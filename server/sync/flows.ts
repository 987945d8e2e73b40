/** The flows, named once: settings sections, run records, `POST /api/sync/:flow` and jobs use these names. */
export const FLOWS = ['products', 'pricelists', 'stock', 'orders', 'contacts', 'fulfilment'] as const;
export type Flow = (typeof FLOWS)[number];

export const isFlow = (value: unknown): value is Flow => typeof value === 'string' && (FLOWS as readonly string[]).includes(value);

/** How a run was started. */
export const TRIGGERS = ['schedule', 'manual', 'webhook', 'reconcile'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES: RunStatus[] = ['queued', 'running'];
