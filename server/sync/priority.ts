/**
 * How urgent an API call is, shared by the BigCommerce and Zoho clients so that both platforms'
 * queues agree: orders and real-time stock go first, reconciliation next, scheduled catalog
 * work last (it is the work that can wait when a quota or daily budget runs low).
 */
export const Priority = {
  /** Orders and real-time stock: a customer or a webhook is waiting on it. */
  realtime: 'realtime',
  /** Periodic full comparisons that repair what a lost webhook missed. */
  reconcile: 'reconcile',
  /** Scheduled catalog work (products, price lists): first to wait. */
  scheduled: 'scheduled',
} as const;

export type Priority = (typeof Priority)[keyof typeof Priority];

/** p-queue runs higher numbers first. */
export const priorityRank: Record<Priority, number> = {
  realtime: 2,
  reconcile: 1,
  scheduled: 0,
};
