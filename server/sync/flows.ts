/** The flows, named once: settings sections, run records, `POST /api/sync/:flow` and jobs use these names. */
export const FLOWS = ['products', 'pricelists', 'stock', 'orders', 'contacts', 'fulfilment'] as const;
export type Flow = (typeof FLOWS)[number];

export const isFlow = (value: unknown): value is Flow => typeof value === 'string' && (FLOWS as readonly string[]).includes(value);

/**
 * Flows that overwrite what the store shows: they start on schedule only once the merchant has
 * confirmed the settings. Orders and fulfilment are scheduled from the moment Zoho is connected.
 */
export const CATALOG_FLOWS: readonly Flow[] = ['products', 'pricelists', 'stock'];

/**
 * Flows that can preview (a dry run plans and records what it would write, and writes nothing).
 * Orders and contacts cannot: each of their steps depends on what the step before it wrote.
 */
export const PREVIEW_FLOWS: readonly Flow[] = ['products', 'pricelists', 'stock', 'fulfilment'];

/** How a run was started. */
export const TRIGGERS = ['schedule', 'manual', 'webhook', 'reconcile'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES: RunStatus[] = ['queued', 'running'];
