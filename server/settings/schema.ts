import { z } from 'zod';

/**
 * The merchant's settings, one section per flow (named as the flows are), each with `enabled`
 * and `schedule`. One schema for the API and the panel: both validate with it.
 * `prefault` (not `default`) so that a missing section is parsed and gets its inner defaults.
 */
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const scheduleSchema = z.union([
  z.object({ every: z.string().regex(/^[1-9]\d*(m|h|d)$/, 'an interval like "15m", "1h" or "1d"') }).strict(),
  z
    .object({
      times: z.array(z.string().regex(HH_MM, 'a time of day like "03:00"')).min(1, 'at least one time of day').max(24),
      timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as "Europe/London"'),
    })
    .strict(),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

const flowSection = <T extends z.ZodRawShape>(defaults: { enabled: boolean; schedule: Schedule }, shape: T) =>
  z.object({ enabled: z.boolean().default(defaults.enabled), schedule: scheduleSchema.default(defaults.schedule), ...shape });

/** Fields of a BigCommerce product that Zoho may own (overwrite at every sync). */
export const PRODUCT_FIELDS = ['name', 'sku', 'price', 'description', 'weight', 'dimensions', 'images', 'categories'] as const;

export const settingsSchema = z.object({
  products: flowSection(
    { enabled: true, schedule: { every: '1h' } },
    {
      /** Per field: true = Zoho's value overwrites BigCommerce's; false = BigCommerce keeps its own. */
      zohoOwns: z
        .object(Object.fromEntries(PRODUCT_FIELDS.map((f) => [f, z.boolean().default(true)])) as Record<(typeof PRODUCT_FIELDS)[number], z.ZodDefault<z.ZodBoolean>>)
        .prefault({}),
      /** New products are created visible, or hidden for review. */
      createVisible: z.boolean().default(true),
    },
  ).prefault({}),
  pricelists: flowSection(
    { enabled: true, schedule: { every: '6h' } },
    {
      /** Optional assignment of each Zoho price list (by name) to a customer group and channel. */
      assignments: z
        .array(
          z
            .object({
              pricelistName: z.string().min(1),
              customerGroupId: z.number().int().positive().optional(),
              channelId: z.number().int().positive().optional(),
            })
            // BigCommerce assigns a list to a customer group, a channel, or both: never to nothing.
            .refine((a) => a.customerGroupId !== undefined || a.channelId !== undefined, 'a customer group, a channel, or both'),
        )
        .default([]),
    },
  ).prefault({}),
  stock: flowSection(
    { enabled: true, schedule: { every: '1h' } },
    {
      method: z.enum(['scheduled', 'oneway', 'twoway']).default('scheduled'),
      /** Which Zoho quantity BigCommerce sells from. */
      quantity: z.enum(['available_for_sale', 'stock_on_hand', 'available_stock']).default('available_for_sale'),
      /** Zoho location → BigCommerce location; empty = Zoho's total → BigCommerce's default location. */
      locations: z.array(z.object({ zohoLocationId: z.string().min(1), bigcommerceLocationId: z.number().int().positive() })).default([]),
    },
  ).prefault({}),
  orders: flowSection(
    { enabled: true, schedule: { every: '15m' } },
    {
      /** BigCommerce status ids that make an order real (default: all but Incomplete 0, Cancelled 5, Declined 6). */
      realStatusIds: z.array(z.number().int().min(0).max(14)).default([1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14]),
      createSalesOrder: z.boolean().default(true),
      markInvoiceSent: z.boolean().default(false),
      recordPayment: z.boolean().default(true),
      /** Money refunded in BigCommerce becomes a Zoho credit note (refunded from Zoho when the app recorded the payment). Off: refunds are only recorded. */
      creditNotes: z.boolean().default(false),
      tax: z.enum(['zoho', 'bigcommerce']).default('zoho'),
      /** A line whose SKU is not in Zoho: hold the order for the merchant, leave the line out, or bill it as the fallback item. */
      unmappedSku: z.enum(['hold', 'skip_line', 'fallback_item']).default('hold'),
      /** The Zoho item that stands in for unmapped lines when unmappedSku is `fallback_item`. */
      fallbackItemId: z.string().regex(/^\d{1,30}$/, 'a Zoho item id').nullable().default(null),
      /** Sales orders are numbered `<prefix><BigCommerce order id>`: Zoho refuses a number twice, which is what stops a duplicate. Give each store on one Zoho organization its own. */
      salesOrderPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,10}$/, '1 to 10 letters, digits, - or _').default('BC-'),
      /** Orders placed before Zoho was connected are imported only from this date (YYYY-MM-DD), if set. */
      backfillFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().default(null),
      /**
       * An order paid in a currency other than the Zoho organization's: `convert` books it in
       * Zoho's currency at BigCommerce's own rate (the amount paid and the rate on the invoice's
       * notes); `transactional` books it in the shopper's currency with Zoho's `exchange_rate`
       * (the customer's Zoho contact must be in that currency).
       */
      foreignCurrency: z.enum(['convert', 'transactional']).default('convert'),
      /** With `transactional`: the Zoho currency id to create a new customer in, per currency code (Zoho → Settings → Currencies). */
      zohoCurrencyIds: z.array(z.object({ code: z.string().regex(/^[A-Z]{3}$/, 'a currency code such as "EUR"'), zohoCurrencyId: z.string().regex(/^\d{1,30}$/, 'a Zoho currency id') })).default([]),
      /** The BigCommerce channels (storefronts) whose orders go to Zoho; null: every channel. */
      channelIds: z.array(z.number().int().positive()).nullable().default(null),
      /** Per channel, the Zoho location its sales orders and invoices book stock at (else Zoho's default). */
      channelLocations: z.array(z.object({ channelId: z.number().int().positive(), zohoLocationId: z.string().regex(/^\d{1,30}$/, 'a Zoho location id') })).default([]),
    },
  ).prefault({}),
  // Optional: orders already bring each order's customer to Zoho; this syncs all customers.
  contacts: flowSection({ enabled: false, schedule: { every: '1d' } }, {}).prefault({}),
  fulfilment: flowSection(
    { enabled: true, schedule: { every: '30m' } },
    {
      /** Zoho carrier (delivery method) → BigCommerce shipping provider / tracking carrier. */
      carriers: z.array(z.object({ zoho: z.string().min(1), shippingProvider: z.string().default(''), trackingCarrier: z.string().default('') })).default([]),
      /** Optional Zoho sales-order status → BigCommerce status id (never moves an order backwards). */
      statuses: z.array(z.object({ zoho: z.string().min(1), bigcommerceStatusId: z.number().int().min(0).max(14) })).default([]),
    },
  ).prefault({}),
  reconciliation: z
    .object({
      enabled: z.boolean().default(true),
      schedule: scheduleSchema.default({ times: ['03:00'], timeZone: 'UTC' }),
    })
    .prefault({}),
  alerts: z
    .object({
      /** Alerts that need the merchant are e-mailed to the store owner, once each (when the app has SMTP_URL and ALERT_FROM). */
      email: z.boolean().default(true),
    })
    .prefault({}),
  history: z
    .object({
      keepRunsDays: z.number().int().min(1).max(365).default(90),
      /** Customers' names, e-mails and addresses are erased this long after the store uninstalls. */
      keepPersonalDataDays: z.number().int().min(0).max(365).default(30),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export const defaultSettings = (): Settings => settingsSchema.parse({});

/** "products.schedule.every: an interval like …": the first problem, named by its field. */
export function describeSettingsError(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || '(settings)';
  return { field, message: `${field}: ${issue.message}` };
}
