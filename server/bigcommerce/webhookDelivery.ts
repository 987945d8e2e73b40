import { z } from 'zod';

/**
 * A BigCommerce webhook delivery: `{scope, store_id, data, hash, created_at, producer}`.
 * `hash` is a digest of `data` only, so the same data raised later (a second identical stock
 * update) has the same hash and a different `created_at`: both make the delivery's identity.
 */
export const bigcommerceDeliverySchema = z.object({
  scope: z.string().min(1).max(200),
  store_id: z.union([z.string().min(1), z.number()]).transform(String),
  data: z.looseObject({
    type: z.string().optional(),
    id: z.union([z.number(), z.string()]).optional(),
  }),
  hash: z.string().min(1).max(200),
  created_at: z.number().int().nonnegative(),
  producer: z.string().regex(/^stores\/[A-Za-z0-9]+$/, 'producer must be stores/{hash}'),
});

export type BigCommerceDelivery = z.infer<typeof bigcommerceDeliverySchema>;

export const storeHashOf = (delivery: Pick<BigCommerceDelivery, 'producer'>) => delivery.producer.slice('stores/'.length);

/** The receipt's natural key: one receipt per delivery however often BigCommerce resends it. */
export const bigcommerceReceiptId = (delivery: Pick<BigCommerceDelivery, 'producer' | 'scope' | 'hash' | 'created_at'>) =>
  `bigcommerce:${storeHashOf(delivery)}:${delivery.scope}:${delivery.hash}:${delivery.created_at}`;

/** Job names by scope: the flows define the handlers. */
export const ORDER_EVENT_JOB = 'bigcommerce.order';
export const INVENTORY_EVENT_JOB = 'bigcommerce.inventory';

const JOB_BY_SCOPE: Readonly<Record<string, string>> = {
  'store/order/created': ORDER_EVENT_JOB,
  'store/order/updated': ORDER_EVENT_JOB,
  'store/order/statusUpdated': ORDER_EVENT_JOB,
  'store/order/refund/created': ORDER_EVENT_JOB,
  'store/product/inventory/updated': INVENTORY_EVENT_JOB,
  'store/sku/inventory/updated': INVENTORY_EVENT_JOB,
  'store/product/inventory/order/updated': INVENTORY_EVENT_JOB,
  'store/sku/inventory/order/updated': INVENTORY_EVENT_JOB,
};

/** The job that handles a scope, or undefined for a scope the app does not handle. */
export const jobForScope = (scope: string): string | undefined => JOB_BY_SCOPE[scope];

/** What a job queued by intake receives. */
export interface BigCommerceEventJobData {
  storeHash: string;
  receiptId: string;
  scope: string;
  /** `data.id` as a string (order id, product id, variant/SKU id). */
  resourceId?: string;
  data: Record<string, unknown>;
  /** Epoch seconds at which BigCommerce raised the event. */
  createdAt: number;
  [key: string]: unknown;
}
