import { bigcommerceClientFor } from '../../bigcommerce/clientFactory.js';
import { zohoClientFor } from '../../zoho/client.js';
import { ensureContact } from '../orders/contacts.js';
import { zohoAddress, type ContactDetails } from '../orders/mapping.js';
import type { BcAddress } from '../orders/types.js';
import { OrderZohoCalls } from '../orders/zohoCalls.js';
import { registerFlow, type FlowRunContext } from '../registry.js';
import { priorityForTrigger } from '../triggerPriority.js';

/** A BigCommerce customer (v3), the fields the contacts flow reads. */
interface BcCustomer {
  id: number;
  email?: string;
  first_name?: string;
  last_name?: string;
  company?: string;
  phone?: string;
  addresses?: { first_name?: string; last_name?: string; address1?: string; address2?: string; city?: string; state_or_province?: string; postal_code?: string; country?: string; country_code?: string; phone?: string }[];
}

/** The customer as a Zoho contact, by the same rules as an order's customer. */
export function customerContactDetails(customer: BcCustomer): ContactDetails | undefined {
  const email = (customer.email ?? '').trim().toLowerCase();
  if (!email) return undefined;
  const firstName = (customer.first_name ?? '').trim();
  const lastName = (customer.last_name ?? '').trim();
  const company = (customer.company ?? '').trim();
  const first = customer.addresses?.[0];
  const address: BcAddress | undefined = first && {
    first_name: first.first_name,
    last_name: first.last_name,
    street_1: first.address1,
    street_2: first.address2,
    city: first.city,
    state: first.state_or_province,
    zip: first.postal_code,
    country: first.country ?? first.country_code,
    phone: first.phone,
  };
  return {
    email,
    contactName: [firstName, lastName].filter(Boolean).join(' ') || company || email,
    firstName,
    lastName,
    company,
    phone: (customer.phone ?? '').trim(),
    billing: zohoAddress(address),
    shipping: zohoAddress(address),
  };
}

/**
 * The optional contacts flow: every BigCommerce customer becomes (or updates) a Zoho contact,
 * found by e-mail and claimed per store and e-mail exactly as the orders flow does, so the two
 * never make a second contact for one customer. An unchanged customer costs no Zoho call.
 */
export async function runContacts({ ctx, run, reporter, heartbeat }: FlowRunContext): Promise<void> {
  const priority = priorityForTrigger(run.trigger);
  const bc = await bigcommerceClientFor(ctx, run.storeHash);
  const zoho = new OrderZohoCalls(await zohoClientFor(ctx, run.storeHash), priority);
  let seen = 0;
  for await (const page of bc.paginateV3<BcCustomer>('/customers', { query: { include: 'addresses' }, priority })) {
    for (const customer of page) {
      const details = customerContactDetails(customer);
      const base = { entity: 'contact', bigcommerceId: String(customer.id), name: details?.email };
      if (!details) {
        await reporter.record({ ...base, operation: 'skip', reason: 'no e-mail address' });
        continue;
      }
      if (run.dryRun) {
        await reporter.record({ ...base, operation: 'update', reason: 'Dry run: would be matched by e-mail, then updated or created.' });
        continue;
      }
      const before = zoho.calls;
      try {
        const contact = await ensureContact(run.storeHash, details, zoho, run._id);
        await reporter.record({ ...base, zohoId: contact.contactId, operation: zoho.calls === before ? 'unchanged' : 'update' });
      } catch (error) {
        await reporter.record({ ...base, operation: 'fail', reason: error instanceof Error ? error.message : String(error) });
      }
    }
    seen += page.length;
    await reporter.setProgress(seen);
    await heartbeat();
  }
  reporter.addApiCalls('zoho', zoho.calls);
  reporter.addApiCalls('bigcommerce', bc.callCount);
}

registerFlow('contacts', runContacts);
