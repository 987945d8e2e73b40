import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A store's link to one Zoho Inventory organization, keyed by the store hash. Tokens and the
 * webhook secret are kept only sealed (crypto.ts). The access token is shared by every
 * process: `tokenVersion` counts refreshes and `refreshLeaseUntil` is the lease one process
 * holds while it refreshes, so that the others wait for its token instead of spending
 * Zoho's ten refreshes per ten minutes.
 */
const zohoConnectionSchema = new Schema(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['connected', 'needs_reconnect', 'pending_organization'], required: true },
    /** Data center as offered in the panel: com, eu, in, com.au, jp, ca, sa, com.cn. */
    dc: { type: String, required: true },
    /** Where tokens are refreshed and revoked (the authorize redirect's checked accounts-server). */
    accountsServer: { type: String, required: true },
    /** `…/inventory/v1` of the DC. */
    apiBase: { type: String, required: true },
    /** The token response's api_domain, kept for support. */
    apiDomain: { type: String },
    refreshTokenSealed: { type: String },
    accessTokenSealed: { type: String },
    accessTokenExpiresAt: { type: Date },
    tokenVersion: { type: Number, default: 0 },
    refreshLeaseUntil: { type: Date, default: () => new Date(0) },
    refreshLeaseOwner: { type: String },
    refreshedAt: { type: Date },
    /** When the last few refreshes happened: the app's own brake below Zoho's 10 per 10 minutes. */
    recentRefreshes: { type: [{ type: Date }], default: [] },
    organizationId: { type: String },
    organizationName: { type: String },
    /** The organization's contact_name and email, as Zoho lists it: whose organization the store is bound to. */
    organizationContact: { name: String, email: String },
    /** The organization's `time_zone` as Zoho lists it ("America/Los_Angeles", "PST"): the day documents are dated by (zoho/dates.ts). */
    organizationTimeZone: { type: String },
    /** The organization's base currency (`currency_code` on GET /organizations): what orders are booked against (sync/orders/currency.ts). */
    organizationCurrency: { type: String },
    plan: { type: String, enum: ['free', 'standard', 'professional', 'premium', 'enterprise'] },
    /** Calls per UTC day the app allows itself (the plan's, or what a code 45 taught). */
    dailyBudget: { type: Number },
    budgetSource: { type: String, enum: ['plan', 'learned', 'configured'] },
    /** Zoho answered 45: nothing more until then. */
    budgetExhaustedUntil: { type: Date },
    lastError: { code: Number, message: String, at: Date },
    /** The opaque id in the webhook URL (never the store hash). */
    webhookKey: { type: String, required: true },
    /** Sealed, not hashed: the panel shows it again whenever the merchant sets up a rule. */
    webhookSecretSealed: { type: String, required: true },
    connectedBy: { type: String },
    connectedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
zohoConnectionSchema.index({ webhookKey: 1 }, { unique: true });

export type ZohoConnectionDoc = InferSchemaType<typeof zohoConnectionSchema> & { _id: string };
export type ZohoConnectionStatus = 'connected' | 'needs_reconnect' | 'pending_organization';
export const ZohoConnection = model('ZohoConnection', zohoConnectionSchema, 'zohoConnections');
