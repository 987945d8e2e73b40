import { crc32, deflateSync } from 'node:zlib';
import { createContact } from './api/contacts.js';
import { createItemGroup, groupItems } from './api/itemgroups.js';
import { createItem, setItemImage } from './api/items.js';
import { createPricebook } from './api/pricebooks.js';
import type { ZohoOrg } from './org.js';
import type { ZohoItem } from './records.js';
import type { ZohoState } from './state.js';

/** Fixed ids and credentials of the demo data, for the demo wiring and tests. */
export const ZOHO_DEMO = {
  organizationId: '60012345678',
  euOrganizationId: '20087654321',
  userEmail: 'demo@zylker.example',
  euUserEmail: 'admin@zylker-eu.example',
  /** An OAuth client the demo can register (pass it in the simulator's `clients`). */
  client: { clientId: '1000.SANDBOXDEMOCLIENT', clientSecret: 'sandbox-demo-zoho-secret' },
} as const;

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small solid-colour PNG: real image bytes for the image endpoints and the BigCommerce upload. */
export function solidPng(rgb: [number, number, number], size = 16): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).map((_, i) => rgb[i % 3]!)]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function withImage(org: ZohoOrg, item: ZohoItem, name: string, rgb: [number, number, number]): ZohoItem {
  setItemImage(org, item, { image_name: `${name}.png`, image_type: 'png', contentType: 'image/png', bytes: solidPng(rgb) });
  return item;
}

/**
 * The demo data, modelled on the product's own demo: organization "Zylker Demo" (data center
 * com/us) with two locations, active goods, an inactive "test product 2", a service
 * "SHIPPING", an item group "T-Shirt" with Size variants, three price lists (per item,
 * percentage, inactive) and customers with payment terms; a second organization in the EU
 * data center for multi-DC tests; one user per organization.
 */
export function seedZoho(state: ZohoState) {
  const org = state.addOrganization({
    organization_id: ZOHO_DEMO.organizationId,
    name: 'Zylker Demo',
    dataCenter: 'us',
    plan: 'professional',
    contact_name: 'Demo Merchant',
    email: ZOHO_DEMO.userEmail,
    primaryLocationName: 'Main Warehouse',
  });
  const main = org.primaryLocation();
  const downtown = state.addLocation(org, 'Downtown Store', { city: 'San Francisco' });
  const stock = (mainQty: number, downtownQty: number) => [
    { location_id: main.location_id, initial_stock: mainQty },
    { location_id: downtown.location_id, initial_stock: downtownQty },
  ];

  const mug = withImage(
    org,
    createItem(org, { name: 'Zylker Mug', sku: 'ZI-MUG-01', rate: 12.5, purchase_rate: 5, description: 'Ceramic mug, 350 ml', locations: stock(40, 10) }),
    'mug',
    [200, 60, 40],
  );
  const cap = withImage(org, createItem(org, { name: 'Zylker Cap', sku: 'ZI-CAP-01', rate: 18, purchase_rate: 7, description: 'Cotton cap', locations: stock(25, 5) }), 'cap', [30, 90, 200]);
  const bottle = withImage(
    org,
    createItem(org, { name: 'Zylker Water Bottle', sku: 'ZI-BOTTLE-01', rate: 24, purchase_rate: 9, description: 'Steel bottle, 750 ml', locations: stock(60, 0) }),
    'bottle',
    [40, 160, 90],
  );
  const inactive = createItem(org, { name: 'test product 2', sku: 'ZI-TEST-2', rate: 5, status: 'inactive', locations: stock(3, 0) });
  const shipping = createItem(org, { name: 'SHIPPING', sku: 'SHIPPING', rate: 10, product_type: 'service', description: 'Shipping charge' });

  const tshirt = createItemGroup(org, {
    group_name: 'T-Shirt',
    unit: 'pcs',
    description: 'Organic cotton T-shirt',
    attribute_name1: 'Size',
    items: [
      { name: 'T-Shirt - S', sku: 'ZI-TSHIRT-S', rate: 20, purchase_rate: 8, attribute_option_name1: 'S', locations: stock(15, 5) },
      { name: 'T-Shirt - M', sku: 'ZI-TSHIRT-M', rate: 20, purchase_rate: 8, attribute_option_name1: 'M', locations: stock(20, 8) },
      { name: 'T-Shirt - L', sku: 'ZI-TSHIRT-L', rate: 22, purchase_rate: 9, attribute_option_name1: 'L', locations: stock(0, 2) },
    ],
  });
  tshirt.image = { image_id: state.newId(), image_name: 'tshirt.png', image_type: 'png', contentType: 'image/png', bytes: solidPng([240, 240, 240]) };
  const [small, medium, large] = groupItems(org, tshirt);

  const wholesale = createPricebook(org, {
    name: 'Wholesale',
    pricebook_type: 'per_item',
    sales_or_purchase_type: 'sales',
    description: 'Trade prices',
    pricebook_items: [
      { item_id: mug.item_id, pricebook_rate: 10 },
      { item_id: cap.item_id, pricebook_rate: 15 },
      { item_id: bottle.item_id, pricebook_rate: 20 },
      { item_id: small!.item_id, pricebook_rate: 16 },
      { item_id: medium!.item_id, pricebook_rate: 16 },
      { item_id: large!.item_id, pricebook_rate: 17.5 },
    ],
  });
  const vip = createPricebook(org, {
    name: 'VIP 10% off',
    pricebook_type: 'fixed_percentage',
    sales_or_purchase_type: 'sales',
    percentage: 10,
    is_increase: false,
    rounding_type: 'round_to_dollar_minus_01',
  });
  const old = createPricebook(org, {
    name: 'Old prices',
    pricebook_type: 'per_item',
    sales_or_purchase_type: 'sales',
    pricebook_items: [
      { item_id: mug.item_id, pricebook_rate: 11 },
      { item_id: cap.item_id, pricebook_rate: 16 },
    ],
  });
  old.status = 'inactive';

  const acme = createContact(org, {
    contact_name: 'Acme Retail',
    company_name: 'Acme Retail Inc.',
    payment_terms: 30,
    payment_terms_label: 'Net 30',
    billing_address: { attention: 'Alice Buyer', address: '1 Market St', city: 'San Francisco', state: 'CA', zip: '94105', country: 'U.S.A' },
    shipping_address: { attention: 'Receiving', address: '1 Market St', city: 'San Francisco', state: 'CA', zip: '94105', country: 'U.S.A' },
    contact_persons: [{ first_name: 'Alice', last_name: 'Buyer', email: 'alice@acme.example', phone: '+1 415 555 0100', is_primary_contact: true }],
  });
  const globex = createContact(org, {
    contact_name: 'Globex Corporation',
    company_name: 'Globex Corporation',
    payment_terms: 15,
    payment_terms_label: 'Net 15',
    billing_address: { address: '42 Industrial Way', city: 'Springfield', state: 'OR', zip: '97477', country: 'U.S.A' },
    contact_persons: [{ first_name: 'Bob', last_name: 'Orders', email: 'bob@globex.example', is_primary_contact: true }],
  });
  const jane = createContact(org, {
    contact_name: 'Jane Walker',
    payment_terms: 0,
    payment_terms_label: 'Due on Receipt',
    billing_address: { address: '9 Elm Street', city: 'Austin', state: 'TX', zip: '73301', country: 'U.S.A' },
    contact_persons: [{ first_name: 'Jane', last_name: 'Walker', email: 'jane.walker@example.com', is_primary_contact: true }],
  });

  const euOrg = state.addOrganization({
    organization_id: ZOHO_DEMO.euOrganizationId,
    name: 'Zylker Europe',
    dataCenter: 'eu',
    plan: 'standard',
    contact_name: 'EU Admin',
    email: ZOHO_DEMO.euUserEmail,
    primaryLocationName: 'Berlin Warehouse',
  });
  createItem(euOrg, { name: 'Zylker Mug EU', sku: 'EU-MUG-01', rate: 11, locations: [{ location_id: euOrg.primaryLocation().location_id, initial_stock: 30 }] });
  createContact(euOrg, {
    contact_name: 'Euro Shop GmbH',
    payment_terms: 14,
    contact_persons: [{ first_name: 'Eva', last_name: 'Kauf', email: 'eva@euroshop.example', is_primary_contact: true }],
  });

  const user = state.addUser({ email: ZOHO_DEMO.userEmail, name: 'Demo Merchant', dataCenter: 'us', organizationIds: [org.id] });
  const euUser = state.addUser({ email: ZOHO_DEMO.euUserEmail, name: 'EU Admin', dataCenter: 'eu', organizationIds: [euOrg.id] });

  return {
    org,
    euOrg,
    user,
    euUser,
    locations: { main, downtown },
    items: { mug, cap, bottle, inactive, shipping, small: small!, medium: medium!, large: large! },
    itemGroup: tshirt,
    pricebooks: { wholesale, vip, old },
    contacts: { acme, globex, jane },
  };
}

export type ZohoSeed = ReturnType<typeof seedZoho>;
