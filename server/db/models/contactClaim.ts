import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A customer's Zoho contact, claimed per store and lower-cased e-mail
 * (`<storeHash>:<email>`). Inserting the claim comes before looking Zoho up or creating a
 * contact, so two first orders of one new customer make one contact: the second waits for
 * the first's `contactId`. A claim whose owner died (no contact after `ownerUntil`) is taken
 * over by compare-and-set.
 */
const contactClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    email: { type: String, required: true },
    contactId: { type: String },
    contactName: { type: String },
    paymentTerms: { type: Number },
    paymentTermsLabel: { type: String },
    /** The contact's currency (`currency_code`; a Zoho contact carries one): absent on claims made before it was kept. */
    currencyCode: { type: String },
    /** Hash of the name, company, phone and addresses last written to Zoho: unchanged means no update call. */
    detailsHash: { type: String },
    /** When Zoho last confirmed the contact (found or created): older than a while, look again. */
    verifiedAt: { type: Date },
    ownerId: { type: String },
    ownerUntil: { type: Date },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
contactClaimSchema.index({ storeHash: 1 });

export const contactClaimId = (storeHash: string, email: string) => `${storeHash}:${email.trim().toLowerCase()}`;
export type ContactClaimDoc = InferSchemaType<typeof contactClaimSchema> & { _id: string };
export const ContactClaim = model('ContactClaim', contactClaimSchema, 'contactClaims');
