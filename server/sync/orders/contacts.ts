import { ContactClaim, contactClaimId, type ContactClaimDoc } from '../../db/models/index.js';
import { claimLease, takeLease, type Lease, type LeaseKind } from '../lease.js';
import { ZohoApiError } from '../../zoho/errors.js';
import { ContactBusyError } from './failures.js';
import { contactDetailsHash, contactUpdateBody, disambiguatedContactName, newContactBody, type ContactDetails } from './mapping.js';
import { orderProcessing } from './options.js';
import type { ZohoContactSummary } from './types.js';
import type { OrderZohoCalls } from './zohoCalls.js';

/** Zoho's code for "a contact with this name already exists" (names are unique there). */
const CONTACT_NAME_TAKEN = 3062;

export interface ResolvedContact {
  contactId: string;
  paymentTerms?: number;
  paymentTermsLabel?: string;
  /** The contact's currency; absent when not known (a claim from before it was kept: made by the app, so the base currency). */
  currencyCode?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const termsOf = (contact: ZohoContactSummary): Pick<ResolvedContact, 'paymentTerms' | 'paymentTermsLabel' | 'currencyCode'> => {
  const days = Number(contact.payment_terms);
  return {
    ...(contact.payment_terms !== undefined && contact.payment_terms !== '' && Number.isFinite(days) ? { paymentTerms: days } : {}),
    ...(contact.payment_terms_label ? { paymentTermsLabel: contact.payment_terms_label } : {}),
    ...(contact.currency_code ? { currencyCode: contact.currency_code } : {}),
  };
};

/** A claim without a contact is held by the worker finding or creating it, under a lease. */
const CONTACT_CLAIM_LEASE: LeaseKind = {
  name: 'contact claim',
  model: ContactClaim,
  ownerField: 'ownerId',
  untilField: 'ownerUntil',
  leaseMs: () => orderProcessing.leaseMs,
};

const fromClaim = (claim: ContactClaimDoc): ResolvedContact => ({
  contactId: claim.contactId!,
  ...(typeof claim.paymentTerms === 'number' ? { paymentTerms: claim.paymentTerms } : {}),
  ...(claim.paymentTermsLabel ? { paymentTermsLabel: claim.paymentTermsLabel } : {}),
  ...(claim.currencyCode ? { currencyCode: claim.currencyCode } : {}),
});

/**
 * The customer's Zoho contact, found by e-mail (contact persons) and brought up to date, or
 * created, exactly once per store and e-mail: the claim is inserted before Zoho is asked, so
 * a second order of the same new customer waits for the first one's contact instead of making
 * its own. A contact Zoho confirmed recently, with unchanged details, costs no call at all.
 */
export async function ensureContact(storeHash: string, details: ContactDetails, zoho: OrderZohoCalls, ownerId: string, currencyId?: string): Promise<ResolvedContact> {
  const _id = contactClaimId(storeHash, details.email);
  const hash = contactDetailsHash(details);
  const giveUpAt = Date.now() + orderProcessing.contactWaitMs;
  for (;;) {
    const now = new Date();
    const claim = await ContactClaim.findById(_id).lean<ContactClaimDoc>();
    if (claim?.contactId) {
      const fresh = claim.verifiedAt && now.getTime() - claim.verifiedAt.getTime() < orderProcessing.contactFreshMs;
      if (fresh && claim.detailsHash === hash) return fromClaim(claim);
      const verified = await verify(claim, details, hash, zoho, ownerId);
      if (verified) return verified;
      continue;
    }
    // No claim yet: insert it holding its lease. A claim without a contact whose holder died
    // (or that is ours from an attempt that failed): take its lease over.
    const lease = claim
      ? await takeLease(CONTACT_CLAIM_LEASE, _id, ownerId, { contactId: { $exists: false } })
      : await claimLease(CONTACT_CLAIM_LEASE, _id, ownerId, { storeHash, email: details.email, claimedAt: now });
    if (lease) return findOrCreate(lease, details, hash, zoho, undefined, currencyId);
    if (Date.now() >= giveUpAt) throw new ContactBusyError(`Another order of ${details.email} is creating the customer in Zoho; this one follows shortly.`);
    await sleep(orderProcessing.contactPollMs);
  }
}

/**
 * We hold the claim's lease and there is no contact id yet: look Zoho up by e-mail, then update
 * or create. The lease is renewed while Zoho is asked (a few slow calls can outlast it) and
 * checked right before each write; the contact id is recorded only while it is still ours.
 */
async function findOrCreate(lease: Lease, details: ContactDetails, hash: string, zoho: OrderZohoCalls, known?: ZohoContactSummary[], currencyId?: string): Promise<ResolvedContact> {
  lease.keepAlive();
  try {
    const [existing] = known ?? (await zoho.findContactsByEmail(details.email));
    let contact: ZohoContactSummary;
    await lease.check();
    if (existing) {
      contact = { ...existing, ...(await zoho.updateContact(existing.contact_id, contactUpdateBody(details, existing.contact_name))) };
    } else {
      try {
        contact = await zoho.createContact(withCurrency(newContactBody(details), currencyId));
      } catch (error) {
        if (!(error instanceof ZohoApiError) || error.code !== CONTACT_NAME_TAKEN) throw error;
        await lease.check();
        contact = await zoho.createContact(withCurrency(newContactBody(details, disambiguatedContactName(details)), currencyId));
      }
    }
    const resolved = { contactId: contact.contact_id, ...termsOf(existing ?? contact), ...termsOf(contact) };
    await lease.write(recordUpdate(resolved, hash, contact.contact_name));
    lease.abandon();
    return resolved;
  } catch (error) {
    // Let the next order (or our retry) take over at once instead of waiting out the lease.
    await lease.release().catch(() => undefined);
    throw error;
  }
}

/** A new customer of a foreign-currency order is created in that currency (a contact carries one). */
const withCurrency = (body: Record<string, unknown>, currencyId: string | undefined) => (currencyId ? { ...body, currency_id: currencyId } : body);

/**
 * A known contact not confirmed lately (or whose details changed): read it again for its
 * current payment terms, update it if the order's details differ; a contact deleted in Zoho is
 * forgotten and made again. Undefined when another worker changed the claim meanwhile.
 */
async function verify(claim: ContactClaimDoc, details: ContactDetails, hash: string, zoho: OrderZohoCalls, ownerId: string): Promise<ResolvedContact | undefined> {
  const found = await zoho.findContactsByEmail(details.email);
  const current = found.find((c) => c.contact_id === claim.contactId);
  if (!current) {
    // Deleted in Zoho: take the claim's lease while it still names that contact, and forget it.
    const lease = await takeLease(CONTACT_CLAIM_LEASE, claim._id, ownerId, { contactId: claim.contactId });
    if (!lease) return undefined;
    await lease.write({ $unset: { contactId: 1, detailsHash: 1, verifiedAt: 1 } });
    return findOrCreate(lease, details, hash, zoho, found);
  }
  const contact = claim.detailsHash === hash ? current : { ...current, ...(await zoho.updateContact(current.contact_id, contactUpdateBody(details, current.contact_name))) };
  const resolved = { contactId: current.contact_id, ...termsOf(current), ...termsOf(contact) };
  await ContactClaim.updateOne({ _id: claim._id, contactId: claim.contactId }, recordUpdate(resolved, hash, contact.contact_name));
  return resolved;
}

/** The contact recorded on the claim, and the claim's lease let go. */
function recordUpdate(contact: ResolvedContact, hash: string, contactName: string | undefined) {
  return {
    $set: {
      contactId: contact.contactId,
      detailsHash: hash,
      verifiedAt: new Date(),
      ...(contactName ? { contactName } : {}),
      ...(contact.paymentTerms !== undefined ? { paymentTerms: contact.paymentTerms } : {}),
      ...(contact.paymentTermsLabel ? { paymentTermsLabel: contact.paymentTermsLabel } : {}),
      ...(contact.currencyCode ? { currencyCode: contact.currencyCode } : {}),
    },
    $unset: { ownerId: 1, ownerUntil: 1 },
  };
}
