import { Router } from 'express';
import { z } from 'zod';
import { isoDate, parseDateFilter, rfc2822, toSecond } from '../dates.js';
import { SimApiError, invalidJson, notFound } from '../errors.js';
import type { SimCustomer, SimCustomerGroup } from '../model.js';
import { pageRequest, slicePage, v3Page } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { checkItem, parseV2 } from '../validation.js';
import { boolParam, filterAll, intListParam, listParam, pathId, queryString, storeOf, type Query } from './params.js';

const addressSchema = z.looseObject({
  first_name: z.string().min(1).max(255),
  last_name: z.string().min(1).max(255),
  company: z.string().max(255).optional(),
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string().max(100),
  state_or_province: z.string().max(100).optional(),
  postal_code: z.string().max(30).optional(),
  country_code: z.string().length(2),
  phone: z.string().max(50).optional(),
  address_type: z.enum(['residential', 'commercial']).optional(),
});

const customerSchema = z.looseObject({
  email: z.string().min(3).max(250).regex(/^[^@\s]+@[^@\s]+$/),
  first_name: z.string().min(1).max(100),
  last_name: z.string().min(1).max(100),
  company: z.string().max(255).optional(),
  phone: z.string().max(50).optional(),
  notes: z.string().optional(),
  customer_group_id: z.int().min(0).optional(),
  addresses: z.array(addressSchema).max(10).optional(),
});
export type CustomerInput = z.infer<typeof customerSchema>;

const groupSchema = z.looseObject({
  name: z.string().min(1).max(255),
  is_default: z.boolean().optional(),
  is_group_for_guests: z.boolean().optional(),
  category_access: z.looseObject({ type: z.enum(['all', 'specific', 'none']), categories: z.array(z.int()).optional() }).optional(),
  discount_rules: z.array(z.looseObject({ type: z.enum(['price_list', 'all', 'category', 'product']) })).optional(),
});

export function customerView(customer: SimCustomer, include: Set<string>) {
  return {
    id: customer.id,
    email: customer.email,
    first_name: customer.first_name,
    last_name: customer.last_name,
    company: customer.company,
    phone: customer.phone,
    notes: customer.notes,
    customer_group_id: customer.customer_group_id,
    registration_ip_address: '',
    tax_exempt_category: '',
    accepts_product_review_abandoned_cart_emails: false,
    origin_channel_id: 1,
    ...customer.fields,
    address_count: customer.addresses.length,
    attribute_count: 0,
    authentication: { force_password_reset: false },
    date_created: isoDate(customer.dateCreated),
    date_modified: isoDate(customer.dateModified),
    ...(include.has('addresses') ? { addresses: customer.addresses.map((a) => ({ ...a })) } : {}),
    ...(include.has('storecredit') ? { store_credit_amounts: [{ amount: 0 }] } : {}),
  };
}

export function customerGroupView(group: SimCustomerGroup) {
  return {
    id: group.id,
    name: group.name,
    is_default: group.is_default,
    category_access: group.category_access,
    discount_rules: group.discount_rules,
    date_created: rfc2822(group.dateCreated),
    date_modified: rfc2822(group.dateModified),
    is_group_for_guests: group.is_group_for_guests,
  };
}

/** Creates customers after every check passed (shared by the API and the seed). */
export function createCustomers(state: BigCommerceState, store: SimStore, inputs: CustomerInput[]): SimCustomer[] {
  const now = state.clock.now();
  return inputs.map((input) => {
    const { email, first_name, last_name, company, phone, notes, customer_group_id, addresses, ...fields } = input;
    const id = store.nextId('customer');
    const customer: SimCustomer = {
      id,
      email: email.toLowerCase(),
      first_name,
      last_name,
      company: company ?? '',
      phone: phone ?? '',
      notes: notes ?? '',
      customer_group_id: customer_group_id ?? 0,
      addresses: (addresses ?? []).map((a) => ({
        company: '',
        address2: '',
        state_or_province: '',
        postal_code: '',
        phone: '',
        address_type: 'residential',
        country: a.country_code.toUpperCase() === 'US' ? 'United States' : a.country_code.toUpperCase(),
        ...a,
        id: store.nextId('customerAddress'),
        customer_id: id,
      })) as SimCustomer['addresses'],
      fields,
      dateCreated: now,
      dateModified: now,
    };
    store.customers.set(id, customer);
    state.emit(store, 'store/customer/created', { type: 'customer', id });
    return customer;
  });
}

export type CustomerGroupInput = z.infer<typeof groupSchema>;

/** Creates a customer group; names are unique (409). Shared by the API and the seed. */
export function createCustomerGroup(state: BigCommerceState, store: SimStore, input: CustomerGroupInput): SimCustomerGroup {
  if ([...store.customerGroups.values()].some((g) => g.name.toLowerCase() === input.name.toLowerCase())) {
    throw new SimApiError(409, `The customer group name '${input.name}' is already in use.`);
  }
  const now = state.clock.now();
  const group: SimCustomerGroup = {
    id: store.nextId('customerGroup'),
    name: input.name,
    is_default: input.is_default ?? false,
    is_group_for_guests: input.is_group_for_guests ?? false,
    category_access: input.category_access ?? { type: 'all' },
    discount_rules: input.discount_rules ?? [],
    dateCreated: now,
    dateModified: now,
  };
  store.customerGroups.set(group.id, group);
  return group;
}

/** `/v3/customers`: list with the documented filters, batch create (10 at a time). */
export function customerRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;

  router.get('/customers', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const ids = intListParam(q, 'id:in');
    const emails = listParam(q, 'email:in')?.map((e) => e.toLowerCase());
    const names = listParam(q, 'name:in')?.map((n) => n.toLowerCase());
    const nameLike = listParam(q, 'name:like')?.map((n) => n.toLowerCase());
    const companies = listParam(q, 'company:in')?.map((c) => c.toLowerCase());
    const groups = intListParam(q, 'customer_group_id:in');
    const modifiedMin = parseDateFilter(queryString(q, 'date_modified:min'));
    const customers = filterAll(store.customers.values(), [
      (c) => ids === undefined || ids.includes(c.id),
      (c) => emails === undefined || emails.includes(c.email),
      (c) => names === undefined || names.includes(`${c.first_name} ${c.last_name}`.toLowerCase()),
      (c) => nameLike === undefined || nameLike.some((n) => `${c.first_name} ${c.last_name}`.toLowerCase().includes(n)),
      (c) => companies === undefined || companies.includes(c.company.toLowerCase()),
      (c) => groups === undefined || groups.includes(c.customer_group_id),
      (c) => modifiedMin === undefined || toSecond(c.dateModified) >= modifiedMin,
    ]);
    const include = new Set(listParam(q, 'include') ?? []);
    res.json(v3Page(customers, pageRequest(q, limits().maxPageSize), (c) => customerView(c, include)));
  });

  router.post('/customers', (req, res) => {
    const store = storeOf(res);
    if (!Array.isArray(req.body)) throw invalidJson({ body: 'error.expected.jsarray' });
    if (req.body.length > limits().customersBatch) {
      throw new SimApiError(413, `Too many customers in one request: ${req.body.length} sent, at most ${limits().customersBatch} allowed`, {});
    }
    const errors: Record<string, string> = {};
    const inputs: CustomerInput[] = [];
    const emails = new Set([...store.customers.values()].map((c) => c.email));
    for (const [i, item] of (req.body as unknown[]).entries()) {
      const checked = checkItem(customerSchema, item);
      if (checked.errors) {
        for (const [k, v] of Object.entries(checked.errors)) errors[`.customer_create[${i}].${k}`] = v;
        continue;
      }
      const email = checked.data.email.toLowerCase();
      if (emails.has(email)) errors[`.customer_create[${i}]`] = `The email address ${email} is already in use by another customer`;
      if (checked.data.customer_group_id && !store.customerGroups.has(checked.data.customer_group_id)) {
        errors[`.customer_create[${i}].customer_group_id`] = `Customer group ${checked.data.customer_group_id} does not exist`;
      }
      emails.add(email);
      inputs.push(checked.data);
    }
    // The batch is all or nothing.
    if (Object.keys(errors).length) throw new SimApiError(422, 'The customers could not be created', errors);
    const created = createCustomers(state, store, inputs);
    res.json({ data: created.map((c) => customerView(c, new Set(['addresses']))), meta: {} });
  });

  return router;
}

/** v2 `/customer_groups` (Plus plan and up; 403 below). Empty pages answer 204, as v2 does. */
export function customerGroupRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;

  router.use('/customer_groups', (_req, res, next) => {
    if (!storeOf(res).hasFeature('customerGroups')) throw new SimApiError(403, 'Customer groups are not available on this store’s plan.');
    next();
  });

  const groupsMatching = (store: SimStore, q: Query) => {
    const name = queryString(q, 'name');
    const nameLike = queryString(q, 'name:like')?.toLowerCase();
    const isDefault = boolParam(q, 'is_default');
    return filterAll(store.customerGroups.values(), [
      (g) => name === undefined || g.name === name,
      (g) => nameLike === undefined || g.name.toLowerCase().includes(nameLike),
      (g) => isDefault === undefined || g.is_default === isDefault,
    ]);
  };

  router.get('/customer_groups', (req, res) => {
    const q = req.query as Query;
    const page = slicePage(groupsMatching(storeOf(res), q), pageRequest(q, limits().maxPageSize));
    if (page.length === 0) return void res.status(204).end();
    res.json(page.map(customerGroupView));
  });

  router.get('/customer_groups/count', (req, res) => {
    res.json({ count: groupsMatching(storeOf(res), req.query as Query).length });
  });

  router.post('/customer_groups', (req, res) => {
    res.json(customerGroupView(createCustomerGroup(state, storeOf(res), parseV2(groupSchema, req.body))));
  });

  router.get('/customer_groups/:groupId', (req, res) => {
    const group = storeOf(res).customerGroups.get(pathId(req, 'groupId', 'customer group'));
    if (!group) throw notFound('customer group');
    res.json(customerGroupView(group));
  });

  return router;
}
