/**
 * Demo data for the simulators. BigCommerce side: a store whose SKUs match the Zoho demo
 * catalog (sandbox/zoho/seed.ts), plus one product Zoho does not have, a few customers (two of
 * them Zoho contacts too) and three orders in different states.
 */
import { createCustomerGroup, createCustomers } from './bigcommerce/api/customers.js';
import { createCategory, createProduct } from './bigcommerce/catalog.js';
import { createShipment } from './bigcommerce/orders.js';
import type { BigCommerceState, SimStore } from './bigcommerce/state.js';

/** The SKUs both demo catalogs share (the T-shirt sizes are variants of one product). */
export const SHARED_DEMO_SKUS = ['ZI-TSHIRT-S', 'ZI-TSHIRT-M', 'ZI-TSHIRT-L', 'ZI-MUG-01', 'ZI-CAP-01', 'ZI-BOTTLE-01'] as const;
/** Sold on BigCommerce only: the app must leave it alone. */
export const BIGCOMMERCE_ONLY_SKU = 'BC-ONLY-01';

export interface SeededBigCommerce {
  store: SimStore;
  productIds: Record<'tshirt' | 'mug' | 'cap' | 'bottle' | 'bcOnly', number>;
  customerIds: number[];
  /** Orders by state: awaiting fulfillment, shipped, incomplete. */
  orderIds: { awaitingFulfillment: number; shipped: number; incomplete: number };
}

/** Fills a store (the default one unless named) with the demo catalog, customers and orders. */
export function seedBigCommerce(state: BigCommerceState, target: SimStore | string = state.defaultStore): SeededBigCommerce {
  const store = state.resolve(target);
  const apparel = createCategory(state, store, { parent_id: 0, name: 'Apparel' });
  const kitchen = createCategory(state, store, { parent_id: 0, name: 'Kitchen' });
  const outdoor = createCategory(state, store, { parent_id: 0, name: 'Outdoor' });

  const size = (label: string) => [{ option_display_name: 'Size', label }];
  const tshirt = createProduct(state, store, {
    name: 'T-Shirt',
    type: 'physical',
    weight: 0.3,
    price: 20,
    categories: [apparel.id],
    inventory_tracking: 'variant',
    description: '<p>Cotton T-shirt</p>',
    variants: [
      { sku: 'ZI-TSHIRT-S', option_values: size('S'), inventory_level: 12 },
      { sku: 'ZI-TSHIRT-M', option_values: size('M'), inventory_level: 18 },
      { sku: 'ZI-TSHIRT-L', option_values: size('L'), price: 22, inventory_level: 4 },
    ],
  });
  const simple = (name: string, sku: string, price: number, categories: number[], level: number) =>
    createProduct(state, store, { name, sku, type: 'physical', weight: 0.5, price, categories, inventory_tracking: 'product', inventory_level: level });
  const mug = simple('Zylker Mug', 'ZI-MUG-01', 12.5, [kitchen.id], 35);
  const cap = simple('Zylker Cap', 'ZI-CAP-01', 18, [apparel.id], 20);
  const bottle = simple('Zylker Water Bottle', 'ZI-BOTTLE-01', 24, [outdoor.id], 50);
  const bcOnly = simple('Sandbox Gift Card Holder', BIGCOMMERCE_ONLY_SKU, 9.99, [kitchen.id], 7);

  const wholesale = store.hasFeature('customerGroups') ? createCustomerGroup(state, store, { name: 'Wholesale' }) : undefined;
  const address = (first_name: string, last_name: string, address1: string, city: string, state_or_province: string, postal_code: string) => ({
    first_name,
    last_name,
    address1,
    city,
    state_or_province,
    postal_code,
    country_code: 'US',
  });
  const customers = createCustomers(state, store, [
    { email: 'jane.walker@example.com', first_name: 'Jane', last_name: 'Walker', addresses: [address('Jane', 'Walker', '12 Elm Street', 'Austin', 'Texas', '78701')] },
    {
      email: 'alice@acme.example',
      first_name: 'Alice',
      last_name: 'Buyer',
      company: 'Acme Retail Inc.',
      phone: '+1 415 555 0100',
      customer_group_id: wholesale?.id,
      addresses: [address('Alice', 'Buyer', '1 Market Street', 'San Francisco', 'California', '94105')],
    },
    { email: 'sam.shopper@example.com', first_name: 'Sam', last_name: 'Shopper', addresses: [address('Sam', 'Shopper', '500 Pine Road', 'Denver', 'Colorado', '80202')] },
  ]);
  const [jane, alice, sam] = [customers[0]!, customers[1]!, customers[2]!];

  const billing = (c: typeof jane) => {
    const a = c.addresses[0]!;
    return {
      first_name: c.first_name,
      last_name: c.last_name,
      company: c.company,
      street_1: a.address1,
      city: a.city,
      state: a.state_or_province,
      zip: a.postal_code,
      country: 'United States',
      country_iso2: 'US',
      email: c.email,
      phone: c.phone,
    };
  };
  const variantOf = (sku: string) => [...store.variants.values()].find((v) => v.sku === sku)!.id;
  const hour = 3_600_000;
  const now = state.clock.now();

  const awaiting = state.placeOrder(store, {
    customer_id: jane.id,
    status_id: 11,
    billing_address: billing(jane),
    shipping_addresses: [{ ...billing(jane), shipping_method: 'Flat Rate', cost_ex_tax: 5, cost_inc_tax: 5 }],
    products: [
      { product_id: tshirt.id, variant_id: variantOf('ZI-TSHIRT-M'), quantity: 2 },
      { product_id: mug.id, quantity: 1 },
    ],
    coupons: [{ code: 'WELCOME5', discount: 5, amount: 5, type: 2 }],
    payment_method: 'Credit Card',
    date_created: now - 2 * hour,
  });
  const shipped = state.placeOrder(store, {
    customer_id: alice.id,
    status_id: 11,
    billing_address: billing(alice),
    products: [
      { product_id: cap.id, quantity: 2 },
      { product_id: bcOnly.id, quantity: 1 },
    ],
    payment_method: 'Credit Card',
    date_created: now - 26 * hour,
  });
  createShipment(state, store, shipped, {
    order_address_id: shipped.shipping_addresses[0]!.id,
    items: shipped.products.map((p) => ({ order_product_id: p.id, quantity: p.quantity })),
    tracking_number: '1Z999AA10123456784',
    shipping_provider: 'ups',
  });
  const incomplete = state.placeOrder(store, {
    customer_id: sam.id,
    status_id: 0,
    billing_address: billing(sam),
    products: [{ product_id: bottle.id, quantity: 1 }],
    date_created: now - 30 * 60_000,
  });

  return {
    store,
    productIds: { tshirt: tshirt.id, mug: mug.id, cap: cap.id, bottle: bottle.id, bcOnly: bcOnly.id },
    customerIds: [jane.id, alice.id, sam.id],
    orderIds: { awaitingFulfillment: awaiting.id, shipped: shipped.id, incomplete: incomplete.id },
  };
}
