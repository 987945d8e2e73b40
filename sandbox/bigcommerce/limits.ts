/**
 * The platform's per-request limits. Defaults are BigCommerce's; tests may lower them to
 * exercise batching with a handful of records instead of thousands.
 */
export interface SimLimits {
  /** `limit` above this is capped (v3 and v2 collections). */
  maxPageSize: number;
  /** `PUT /v3/catalog/products`. */
  productsBatch: number;
  /** `PUT /v3/catalog/variants`. */
  variantsBatch: number;
  /** `items` of `/v3/inventory/adjustments/*`. */
  inventoryItems: number;
  /** `PUT /v3/pricelists/{id}/records`. */
  priceListRecords: number;
  /** Concurrent `PUT /v3/pricelists/{id}/records` per store before 429. */
  priceListRecordsConcurrency: number;
  /** `POST /v3/pricelists/assignments`. */
  priceListAssignments: number;
  /** `POST /v3/customers`. */
  customersBatch: number;
  /** Bytes of one uploaded product image. */
  imageBytes: number;
}

export const DEFAULT_LIMITS: Readonly<SimLimits> = Object.freeze({
  maxPageSize: 250,
  productsBatch: 10,
  variantsBatch: 50,
  inventoryItems: 2000,
  priceListRecords: 1000,
  priceListRecordsConcurrency: 2,
  priceListAssignments: 25,
  customersBatch: 10,
  imageBytes: 8 * 1024 * 1024,
});

export class Limits {
  current: SimLimits = { ...DEFAULT_LIMITS };

  configure(overrides: Partial<SimLimits>): void {
    this.current = { ...this.current, ...overrides };
  }

  reset(): void {
    this.current = { ...DEFAULT_LIMITS };
  }
}
