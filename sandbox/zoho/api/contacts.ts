import { Router } from 'express';
import { invalidState, invalidValue, ZohoCode, ZohoError } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { Address, ContactPerson, ZohoContact } from '../records.js';
import {
  ok,
  oneOf,
  optArray,
  optBool,
  optNumber,
  optObject,
  optString,
  orgOf,
  paginate,
  query,
  readBody,
  requireString,
  statusFilter,
  textFilter,
  type Body,
} from './support.js';

export const paymentTermsLabel = (days: number) => (days === 0 ? 'Due on Receipt' : `Net ${days}`);

const ADDRESS_FIELDS = ['attention', 'address', 'street2', 'city', 'state', 'zip', 'country', 'phone'] as const;

export function readAddress(body: Body, field: string, fallback: Address = {}): Address {
  const given = optObject(body, field);
  if (!given) return fallback;
  const address: Address = {};
  for (const k of ADDRESS_FIELDS) if (given[k] !== undefined) address[k] = optString(given, k);
  return address;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function readPersons(org: ZohoOrg, body: Body, existing: ContactPerson[]): ContactPerson[] | undefined {
  const lines = optArray(body, 'contact_persons');
  if (!lines) return undefined;
  const persons = lines.map((p) => {
    const id = optString(p, 'contact_person_id');
    const before = existing.find((e) => e.contact_person_id === id);
    if (id && !before) throw invalidValue('contact_persons.contact_person_id');
    const email = optString(p, 'email', before?.email ?? '');
    if (email !== '' && !EMAIL.test(email)) throw invalidValue('email');
    return {
      contact_person_id: before?.contact_person_id ?? org.newId(),
      salutation: optString(p, 'salutation', before?.salutation ?? ''),
      first_name: optString(p, 'first_name', before?.first_name ?? ''),
      last_name: optString(p, 'last_name', before?.last_name ?? ''),
      email,
      phone: optString(p, 'phone', before?.phone ?? ''),
      mobile: optString(p, 'mobile', before?.mobile ?? ''),
      is_primary_contact: optBool(p, 'is_primary_contact', before?.is_primary_contact ?? false),
    };
  });
  if (persons.length > 0 && !persons.some((p) => p.is_primary_contact)) persons[0]!.is_primary_contact = true;
  return persons;
}

function assertUniqueName(org: ZohoOrg, name: string, exceptId?: string) {
  for (const other of org.contacts.values()) {
    if (other.contact_id !== exceptId && other.contact_name.toLowerCase() === name.toLowerCase()) {
      throw new ZohoError(400, ZohoCode.contactExists, `The contact "${name}" already exists.`);
    }
  }
}

const primaryPerson = (c: ZohoContact) => c.contact_persons.find((p) => p.is_primary_contact) ?? c.contact_persons[0];

export function serializeContact(contact: ZohoContact) {
  const primary = primaryPerson(contact);
  return {
    contact_id: contact.contact_id,
    contact_name: contact.contact_name,
    company_name: contact.company_name,
    contact_type: contact.contact_type,
    status: contact.status,
    payment_terms: contact.payment_terms,
    payment_terms_label: contact.payment_terms_label,
    currency_id: contact.currency_id,
    currency_code: contact.currency_code,
    website: contact.website,
    notes: contact.notes,
    first_name: primary?.first_name ?? '',
    last_name: primary?.last_name ?? '',
    email: primary?.email ?? '',
    phone: primary?.phone ?? '',
    mobile: primary?.mobile ?? '',
    primary_contact_id: primary?.contact_person_id ?? '',
    billing_address: contact.billing_address,
    shipping_address: contact.shipping_address,
    contact_persons: contact.contact_persons,
    custom_fields: contact.custom_fields,
    created_time: contact.created_time,
    last_modified_time: contact.last_modified_time,
  };
}

const LIST_KEYS = [
  'contact_id',
  'contact_name',
  'company_name',
  'contact_type',
  'status',
  'payment_terms',
  'payment_terms_label',
  'currency_id',
  'currency_code',
  'first_name',
  'last_name',
  'email',
  'phone',
  'mobile',
  'created_time',
  'last_modified_time',
] as const;

export function createContact(org: ZohoOrg, body: Body): ZohoContact {
  const contact_name = requireString(body, 'contact_name');
  assertUniqueName(org, contact_name);
  const payment_terms = optNumber(body, 'payment_terms', 0);
  if (!Number.isInteger(payment_terms) || payment_terms < 0) throw invalidValue('payment_terms');
  // A contact carries one currency, chosen at creation (the organization's base one by default).
  const currency_id = optString(body, 'currency_id', `${org.id}000`);
  if (org.currencyCode(currency_id) === undefined) throw invalidValue('currency_id');
  const now = org.now();
  const contact: ZohoContact = {
    contact_id: org.newId(),
    contact_name,
    company_name: optString(body, 'company_name'),
    contact_type: oneOf(body, 'contact_type', ['customer', 'vendor'] as const, 'customer'),
    status: 'active',
    payment_terms,
    payment_terms_label: optString(body, 'payment_terms_label') || paymentTermsLabel(payment_terms),
    currency_id,
    currency_code: org.currencyCode(currency_id)!,
    website: optString(body, 'website'),
    notes: optString(body, 'notes'),
    billing_address: readAddress(body, 'billing_address'),
    shipping_address: readAddress(body, 'shipping_address'),
    contact_persons: readPersons(org, body, []) ?? [],
    custom_fields: (optArray(body, 'custom_fields') ?? []) as ZohoContact['custom_fields'],
    created_time: now,
    last_modified_time: now,
  };
  org.contacts.set(contact.contact_id, contact);
  return contact;
}

function contactInUse(org: ZohoOrg, contactId: string): boolean {
  for (const map of [org.salesOrders, org.invoices, org.payments] as Map<string, { customer_id: string }>[]) {
    for (const r of map.values()) if (r.customer_id === contactId) return true;
  }
  return false;
}

/** /contacts: `email` searches the contact persons' addresses. */
export function contactsRoutes(): Router {
  const router = Router();

  router.get('/contacts', (req, res) => {
    const org = orgOf(res);
    const status = statusFilter(req);
    const filters: ((c: ZohoContact) => boolean)[] = [];
    if (status.filter) filters.push((c) => status.filter!(c.status));
    const email = textFilter(req, 'email');
    if (email) filters.push((c) => c.contact_persons.some((p) => email(p.email)));
    for (const field of ['contact_name', 'company_name'] as const) {
      const f = textFilter(req, field);
      if (f) filters.push((c) => f(c[field]));
    }
    for (const field of ['first_name', 'last_name', 'phone'] as const) {
      const f = textFilter(req, field);
      if (f) filters.push((c) => c.contact_persons.some((p) => f(p[field])));
    }
    const type = query(req, 'contact_type');
    if (type) filters.push((c) => c.contact_type === type);
    const search = query(req, 'search_text')?.toLowerCase();
    if (search) filters.push((c) => c.contact_name.toLowerCase().includes(search) || c.company_name.toLowerCase().includes(search));
    const rows = [...org.contacts.values()].filter((c) => filters.every((f) => f(c)));
    const { page, page_context } = paginate(req, rows, {
      reportName: 'Contacts',
      appliedFilter: status.applied,
      sortable: { contact_name: (c) => c.contact_name.toLowerCase(), created_time: (c) => c.created_time, last_modified_time: (c) => c.last_modified_time },
    });
    const contacts = page.map((c) => {
      const json = serializeContact(c) as Record<string, unknown>;
      return Object.fromEntries(LIST_KEYS.map((k) => [k, json[k]]));
    });
    ok(res, 200, 'success', { contacts, page_context });
  });

  router.post('/contacts', (req, res) => {
    const org = orgOf(res);
    const json = serializeContact(createContact(org, readBody(req)));
    org.emit('contact', 'create', json);
    ok(res, 201, 'The contact has been added.', { contact: json });
  });

  router.get('/contacts/:contact_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { contact: serializeContact(org.get(org.contacts, req.params.contact_id, 'Contact')) });
  });

  router.put('/contacts/:contact_id', (req, res) => {
    const org = orgOf(res);
    const contact = org.get(org.contacts, req.params.contact_id, 'Contact');
    const body = readBody(req);
    const name = body.contact_name === undefined ? contact.contact_name : requireString(body, 'contact_name');
    assertUniqueName(org, name, contact.contact_id);
    const payment_terms = optNumber(body, 'payment_terms', contact.payment_terms);
    if (!Number.isInteger(payment_terms) || payment_terms < 0) throw invalidValue('payment_terms');
    const persons = readPersons(org, body, contact.contact_persons);
    // Everything is read (and may be refused) before anything changes.
    const changes: Partial<ZohoContact> = {
      contact_name: name,
      company_name: optString(body, 'company_name', contact.company_name),
      payment_terms,
      payment_terms_label: optString(body, 'payment_terms_label', payment_terms === contact.payment_terms ? contact.payment_terms_label : paymentTermsLabel(payment_terms)),
      website: optString(body, 'website', contact.website),
      notes: optString(body, 'notes', contact.notes),
      billing_address: readAddress(body, 'billing_address', contact.billing_address),
      shipping_address: readAddress(body, 'shipping_address', contact.shipping_address),
      contact_persons: persons ?? contact.contact_persons,
      last_modified_time: org.now(),
    };
    Object.assign(contact, changes);
    const json = serializeContact(contact);
    org.emit('contact', 'update', json);
    ok(res, 200, 'Contact has been updated successfully', { contact: json });
  });

  router.delete('/contacts/:contact_id', (req, res) => {
    const org = orgOf(res);
    const contact = org.get(org.contacts, req.params.contact_id, 'Contact');
    if (contactInUse(org, contact.contact_id)) throw invalidState('The contact has transactions and cannot be deleted. Mark it inactive instead.');
    org.contacts.delete(contact.contact_id);
    org.emit('contact', 'delete', serializeContact(contact));
    ok(res, 200, 'The contact has been deleted.');
  });

  for (const status of ['active', 'inactive'] as const) {
    router.post(`/contacts/:contact_id/${status}`, (req, res) => {
      const org = orgOf(res);
      const contact = org.get(org.contacts, req.params.contact_id, 'Contact');
      contact.status = status;
      contact.last_modified_time = org.now();
      org.emit('contact', 'update', serializeContact(contact));
      ok(res, 200, `The contact has been marked as ${status}.`);
    });
  }

  return router;
}
