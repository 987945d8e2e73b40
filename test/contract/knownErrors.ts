/**
 * Repairs applied to the official OpenAPI files before the contract validator uses them.
 *
 * The files contradict themselves or the platforms in places (see the reference README's
 * "Known errors"); taken literally, they reject correct traffic. Each repair below is one
 * named function for one fact, and is tolerant: it accepts both the documented and the real
 * shape, so a simulator that copies the documentation is not punished either. A repair
 * whose target is missing throws: the reference has changed and the repair must be revisited.
 *
 * Documents are plain JSON (parsed YAML, $refs not yet resolved).
 */

export type JsonObject = { [key: string]: unknown };
type Repair = (doc: JsonObject) => void;

// ---------------------------------------------------------------------------------------
// Helpers over the raw document
// ---------------------------------------------------------------------------------------

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at a path of keys; throws when the reference no longer has it. */
function at(doc: JsonObject, ...keys: string[]): JsonObject {
  let node: unknown = doc;
  for (const key of keys) {
    node = isObject(node) ? node[key] : undefined;
    if (!isObject(node)) throw new Error(`known-error repair: ${keys.join(' › ')} not found (at ${key})`);
  }
  return node as JsonObject;
}

/** Follows a local `$ref` (`#/components/…`) until it reaches a real node. */
function deref(doc: JsonObject, node: JsonObject): JsonObject {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 20 || !current.$ref.startsWith('#/')) throw new Error(`known-error repair: cannot follow ${String(current.$ref)}`);
    const keys = current.$ref.slice(2).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    current = at(doc, ...keys);
  }
  return current;
}

const componentSchema = (doc: JsonObject, name: string) => at(doc, 'components', 'schemas', name);

/** The JSON schema of one documented response, with response and schema $refs followed. */
function responseSchema(doc: JsonObject, path: string, method: string, status: string): JsonObject {
  const response = deref(doc, at(doc, 'paths', path, method, 'responses', status));
  return deref(doc, at(response, 'content', 'application/json', 'schema'));
}

/** Visits every object in the document except examples (which are data, not schema). */
function walk(node: unknown, visit: (node: JsonObject) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!isObject(node)) return;
  visit(node);
  for (const [key, child] of Object.entries(node)) {
    if (key === 'example' || key === 'examples' || key === 'x-examples') continue;
    walk(child, visit);
  }
}

/** Calls `fix` on the schema of every property whose name passes `test`; returns how many. */
function forEachProperty(doc: JsonObject, test: (name: string) => boolean, fix: (schema: JsonObject) => void): number {
  let count = 0;
  walk(doc, (node) => {
    if (!isObject(node.properties)) return;
    for (const [name, schema] of Object.entries(node.properties)) {
      if (test(name) && isObject(schema)) {
        fix(schema);
        count++;
      }
    }
  });
  return count;
}

function expectSome(count: number, what: string): void {
  if (count === 0) throw new Error(`known-error repair: no ${what} found`);
}

/** Replaces a schema in place by `{anyOf: alternatives}`, keeping its description. */
function replaceWithAnyOf(schema: JsonObject, alternatives: JsonObject[]): void {
  const description = schema.description;
  for (const key of Object.keys(schema)) delete schema[key];
  Object.assign(schema, { anyOf: alternatives }, description === undefined ? {} : { description });
}

/** Accepts a number or a numeric string where the files say one of them. */
function numberOrString(schema: JsonObject): void {
  replaceWithAnyOf(schema, [{ type: 'number' }, { type: 'string' }]);
}

/** Accepts one object or a list of them (the files declare one, the platform sends the other). */
function oneOrMany(schema: JsonObject): void {
  const single = structuredClone(schema.type === 'array' && isObject(schema.items) ? schema.items : schema);
  if (schema.type !== 'array') delete single.description;
  replaceWithAnyOf(schema, [single, { type: 'array', items: structuredClone(single) }]);
}

/** Gives every response schema that has one of two keys for the same record the other too. */
function aliasRecordKey(doc: JsonObject, a: string, b: string): void {
  let count = 0;
  walk(doc, (node) => {
    if (!isObject(node.properties)) return;
    const props = node.properties;
    // Copies, not shared objects: the dereferencer mishandles one $ref object met twice.
    if (props[a] !== undefined && props[b] === undefined) props[b] = structuredClone(props[a]);
    else if (props[b] !== undefined && props[a] === undefined) props[a] = structuredClone(props[b]);
    else return;
    count++;
  });
  expectSome(count, `schema keyed ${a} or ${b}`);
}

function removeRequired(schema: JsonObject, name: string): void {
  if (!Array.isArray(schema.required) || !schema.required.includes(name)) {
    throw new Error(`known-error repair: ${name} is not required here any more`);
  }
  schema.required = schema.required.filter((n) => n !== name);
}

// ---------------------------------------------------------------------------------------
// Generic repairs (problems found while loading the files, not listed in the README)
// ---------------------------------------------------------------------------------------

/** Swagger 2's `x-nullable` left in OpenAPI 3 files: means `nullable`. */
function xNullableMeansNullable(doc: JsonObject): void {
  walk(doc, (node) => {
    if (node['x-nullable'] === true) node.nullable = true;
  });
}

/**
 * OpenAPI 3.0 writes `exclusiveMinimum: true` beside `minimum`; the JSON Schema draft ajv
 * compiles wants the bound itself as a number, and refuses to compile the boolean form
 * (customers.v2, locations.v3).
 */
function booleanExclusiveBounds(doc: JsonObject): void {
  walk(doc, (node) => {
    for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof node[exclusive] !== 'boolean') continue;
      if (node[exclusive] === true && typeof node[bound] === 'number') {
        node[exclusive] = node[bound];
        delete node[bound];
      } else {
        delete node[exclusive];
      }
    }
  });
}

/**
 * BigCommerce marks `Content-Type: application/json` required even on GET and DELETE, which
 * send no body; the platform does not require it there, so it is optional where there is no
 * request body (Accept stays required: v2 answers XML without it). openapi-backend merges a
 * path item's parameters into each operation, so a shared one is moved onto the operations.
 */
function contentTypeOnlyWithBody(doc: JsonObject): void {
  const isContentType = (param: unknown) => {
    if (!isObject(param)) return false;
    const resolved = deref(doc, param);
    return resolved.in === 'header' && String(resolved.name).toLowerCase() === 'content-type';
  };
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const pathItem of Object.values(paths)) {
    if (!isObject(pathItem)) continue;
    const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters : [];
    const sharedContentType = shared.find(isContentType);
    if (sharedContentType) pathItem.parameters = shared.filter((p) => p !== sharedContentType);
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!isObject(operation) || !['get', 'put', 'post', 'patch', 'delete', 'head', 'options'].includes(method)) continue;
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      const contentType = own.find(isContentType) ?? sharedContentType;
      if (!isObject(contentType)) continue;
      const required = operation.requestBody !== undefined && deref(doc, contentType).required === true;
      operation.parameters = [...own.filter((p) => !isContentType(p)), { ...deref(doc, contentType), required }];
    }
  }
}

/**
 * A few error responses are declared only as `application/problem+json`; the validator reads
 * `application/json`, so the same schema is offered under that name too.
 */
function problemJsonIsJson(doc: JsonObject): void {
  walk(doc, (node) => {
    if (!isObject(node.content)) return;
    const content = node.content;
    if (content['application/json'] !== undefined) return;
    const jsonLike = Object.keys(content).find((type) => /^application\/[\w.-]+\+json$/.test(type));
    if (jsonLike) content['application/json'] = content[jsonLike];
  });
}

/**
 * Some `…:in` / `…:not_in` filters are typed as one value (inventory.v3 `variant_id:in`:
 * integer) though they take a comma-separated list like every other `:in` filter.
 */
function inFiltersTakeLists(doc: JsonObject): void {
  walk(doc, (node) => {
    if (node.in !== 'query' || typeof node.name !== 'string' || !/:(not_)?in$/.test(node.name)) return;
    if (!isObject(node.schema) || node.schema.type === 'array' || node.schema.type === undefined) return;
    node.schema = { type: 'array', items: node.schema };
    node.style = 'form';
    node.explode = false;
  });
}

const genericRepairs: Repair[] = [xNullableMeansNullable, booleanExclusiveBounds, contentTypeOnlyWithBody, problemJsonIsJson, inFiltersTakeLists];

// ---------------------------------------------------------------------------------------
// BigCommerce (README "Known errors")
// ---------------------------------------------------------------------------------------

/** Variants nested in `POST /catalog/products` point at productVariant_Full, which requires the `id` and `product_id` a new variant cannot have. */
function nestedNewVariantsHaveNoIds(doc: JsonObject): void {
  const full = componentSchema(doc, 'productVariant_Full');
  const schemas = at(doc, 'components', 'schemas');
  const nested: JsonObject = structuredClone(full);
  nested.title = 'productVariant_Post_Nested (contract repair)';
  removeRequired(nested, 'id');
  removeRequired(nested, 'product_id');
  schemas.productVariant_Post_Nested = nested;
  const variants = at(componentSchema(doc, 'product_Base_POST'), 'properties', 'variants');
  if (at(variants, 'items').$ref !== '#/components/schemas/productVariant_Full') {
    throw new Error('known-error repair: product_Base_POST variants no longer point at productVariant_Full');
  }
  variants.items = { $ref: '#/components/schemas/productVariant_Post_Nested' };
}

/** `base_variant_id` and `sku_id` are null for some products (complex products; base variants) though typed integer. */
function variantIdsMayBeNull(doc: JsonObject): void {
  forEachProperty(
    doc,
    (name) => name === 'base_variant_id' || name === 'sku_id',
    (schema) => {
      if (schema.type === 'integer') schema.nullable = true;
    },
  );
}

/**
 * productVariant_Base types a variant's `map_price` as a number, where its sibling prices (cost,
 * price, sale, retail) are nullable; a variant without a minimum advertised price has none, and
 * product-variants_catalog.v3.yml's own example variants give it no number (`map_price: {}`).
 */
function variantMapPriceMayBeNull(doc: JsonObject): void {
  const mapPrice = at(componentSchema(doc, 'productVariant_Base'), 'properties', 'map_price');
  if (mapPrice.type !== 'number' || mapPrice.nullable === true) throw new Error('known-error repair: productVariant_Base map_price changed upstream');
  mapPrice.nullable = true;
}

/** customers.v2 `discount_rules` is a `oneOf` of two array shapes, so `[]` matches both and fails. */
function discountRulesEitherShape(doc: JsonObject): void {
  const count = forEachProperty(
    doc,
    (name) => name === 'discount_rules',
    (schema) => {
      if (Array.isArray(schema.oneOf)) {
        schema.anyOf = schema.oneOf;
        delete schema.oneOf;
      }
    },
  );
  expectSome(count, 'discount_rules');
}

/**
 * webhooks.v3.yml contradicts itself on what an inventory event's `data.inventory.method` means:
 * in the product scopes (`store_product_inventory_updated`, `store_product_inventory_order_updated`,
 * around lines 2088-2096 and 2154-2162 of the 2026-04-01 snapshot) `absolute` is "updated through
 * the API or the control panel" and `relative` "updated by an order"; in the SKU scopes
 * (`store_sku_inventory_updated`, `store_sku_inventory_order_updated`, around lines 2515-2523 and
 * 2586-2594) the two are swapped ("`absolute` - inventory updated by an order"). The example
 * payloads say `absolute` for all four. So the app never reads `method` (nor trusts `value`, a
 * difference by the text but a level in the examples): two-way stock tells an order's movement
 * from a merchant's correction by BigCommerce's orders (server/sync/stock/orderMoves.ts). Nothing
 * to repair for validation (both schemas accept both values); the check keeps the fact honest:
 * it throws when the reference no longer contradicts itself, so the note is revisited.
 */
export const inventoryMethodContradiction = {
  file: 'webhooks.v3.yml',
  field: 'data.inventory.method',
  byOrder: {
    store_product_inventory_updated: 'relative',
    store_product_inventory_order_updated: 'relative',
    store_sku_inventory_updated: 'absolute',
    store_sku_inventory_order_updated: 'absolute',
  } as Record<string, 'absolute' | 'relative'>,
  /** The value each schema's description says means "updated by an order". */
  check(doc: JsonObject): Record<string, string> {
    const found: Record<string, string> = {};
    for (const name of Object.keys(this.byOrder)) {
      const schema = componentSchema(doc, name);
      const parts = (schema.allOf as unknown[] | undefined) ?? [];
      const part = parts.map((p) => (isObject(p) ? p : {})).find((p) => isObject(p.properties) && isObject((p.properties as JsonObject).data));
      if (!part) throw new Error(`known error: ${name} has no data schema`);
      const method = at(part, 'properties', 'data', 'properties', 'inventory', 'properties', 'method');
      const text = String(method.description ?? '');
      const byOrder = /`(absolute|relative)`\s*-\s*inventory updated by an order/.exec(text)?.[1];
      if (!byOrder) throw new Error(`known error: ${name}'s method no longer says which value means an order`);
      found[name] = byOrder;
    }
    return found;
  },
};

const bigcommerceRepairs: Record<string, Repair[]> = {
  'products_catalog.v3.yml': [nestedNewVariantsHaveNoIds, variantIdsMayBeNull, variantMapPriceMayBeNull],
  'product-variants_catalog.v3.yml': [variantIdsMayBeNull],
  'inventory.v3.yml': [variantIdsMayBeNull],
  'customers.v2.yml': [discountRulesEitherShape],
};

// ---------------------------------------------------------------------------------------
// Zoho Inventory (README "Known errors")
// ---------------------------------------------------------------------------------------

/** `salesorder_number` is marked required, but Zoho numbers the order itself unless `ignore_auto_number_generation=true`. */
function salesOrderNumberOptional(doc: JsonObject): void {
  removeRequired(componentSchema(doc, 'create-a-sales-order-request'), 'salesorder_number');
  removeRequired(componentSchema(doc, 'update-a-sales-order-request'), 'salesorder_number');
}

/** The created sales order is keyed `sales_order`, the retrieved one `salesorder`. */
function salesOrderKeyedEitherWay(doc: JsonObject): void {
  aliasRecordKey(doc, 'sales_order', 'salesorder');
}

/** invoices.yml types `shipping_charge`, `total` and `balance` as strings; they are numbers elsewhere (and on the wire). */
function invoiceAmountsAreNumbers(doc: JsonObject): void {
  for (const name of ['shipping_charge', 'total', 'balance']) numberOrString(componentSchema(doc, name));
}

/** items.yml types the per-location stock figures (`location_*stock*`) as strings. */
function locationStockIsNumeric(doc: JsonObject): void {
  const schemas = at(doc, 'components', 'schemas');
  const names = Object.keys(schemas).filter((name) => /^location_.*stock/.test(name));
  expectSome(names.length, 'location_*stock* schema');
  for (const name of names) numberOrString(componentSchema(doc, name));
}

/** itemgroups.yml declares a group's `items` (and `attributes`, `options`) as one object; they are lists. */
function groupListsAreLists(doc: JsonObject): void {
  const count = forEachProperty(
    doc,
    (name) => name === 'items' || name === 'attributes' || name === 'options',
    (schema) => {
      if (schema.type === 'object') oneOrMany(schema);
    },
  );
  expectSome(count, 'item group lists');
}

/** itemgroups.yml types `attribute_option_name1` as an integer; it is the option's text (e.g. "Small"). */
function attributeOptionNamesAreText(doc: JsonObject): void {
  const schemas = at(doc, 'components', 'schemas');
  const names = Object.keys(schemas).filter((name) => /^attribute_option_name\d$/.test(name));
  expectSome(names.length, 'attribute_option_name schema');
  for (const name of names) replaceWithAnyOf(componentSchema(doc, name), [{ type: 'string' }, { type: 'integer' }]);
}

/** itemgroups.yml puts a group's fields at the top level of the response; Zoho wraps them in `item_group`. */
function itemGroupWrapped(doc: JsonObject): void {
  for (const [path, method, status] of [
    ['/itemgroups', 'post', '201'],
    ['/itemgroups/{itemgroup_id}', 'get', '200'],
    ['/itemgroups/{itemgroup_id}', 'put', '200'],
  ] as const) {
    const response = responseSchema(doc, path, method, status);
    const properties = at(response, 'properties');
    const { code: _code, message: _message, ...group } = properties;
    properties.item_group = { type: 'object', properties: structuredClone(group) };
  }
}

/** pricelists.yml documents no `GET /pricebooks/{pricebook_id}`, which Zoho serves. */
function pricebookCanBeRetrieved(doc: JsonObject): void {
  const item = at(doc, 'paths', '/pricebooks/{pricebook_id}');
  if (item.get !== undefined) throw new Error('known-error repair: GET /pricebooks/{pricebook_id} is documented now');
  const updated = responseSchema(doc, '/pricebooks/{pricebook_id}', 'put', '200');
  // Same credentials as listing price books.
  const security = structuredClone(at(doc, 'paths', '/pricebooks', 'get').security);
  item.get = {
    operationId: 'get_pricebook_contract_repair',
    summary: 'Retrieve a price book (added by the contract tests)',
    security,
    responses: {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: { type: 'object', properties: structuredClone(at(updated, 'properties')) } } },
      },
    },
  };
}

/** pricelists.yml spells `round_to_dollor` in the allowed values; both spellings are accepted, and nothing else. */
function roundingTypeBothSpellings(doc: JsonObject): void {
  const schema = componentSchema(doc, 'rounding_type');
  if (!String(schema.description).includes('round_to_dollor')) throw new Error('known-error repair: rounding_type spelling fixed upstream');
  schema.enum = [
    'no_rounding',
    'round_to_dollar',
    'round_to_dollor',
    'round_to_dollar_minus_01',
    'round_to_half_dollar',
    'round_to_half_dollar_minus_01',
  ];
}

/** shipmentorders.yml types the `package_ids` query parameter as objects; it is comma-separated ids. */
function packageIdsAreCommaSeparated(doc: JsonObject): void {
  const params = at(doc, 'paths', '/shipmentorders', 'post').parameters;
  const packageIds = Array.isArray(params) ? params.find((p) => isObject(p) && p.name === 'package_ids') : undefined;
  if (!isObject(packageIds)) throw new Error('known-error repair: package_ids parameter not found');
  packageIds.schema = { type: 'string', pattern: '^\\d+(,\\d+)*$' };
}

/** A shipment order is keyed `shipment_order` or `shipmentorder` depending on the call. */
function shipmentOrderKeyedEitherWay(doc: JsonObject): void {
  aliasRecordKey(doc, 'shipment_order', 'shipmentorder');
}

/** packages.yml declares `package` an array; one object is sent. */
function onePackageObject(doc: JsonObject): void {
  oneOrMany(componentSchema(doc, 'package'));
  oneOrMany(at(responseSchema(doc, '/packages/{package_id}', 'get', '200'), 'properties', 'package'));
}

/** packages.yml spells the list key `packagea`; Zoho's is `packages`. */
function packagesListKey(doc: JsonObject): void {
  aliasRecordKey(doc, 'packagea', 'packages');
}

/** packages.yml types `total_quantity` as a string; it is a number. */
function totalQuantityIsNumber(doc: JsonObject): void {
  numberOrString(componentSchema(doc, 'total_quantity'));
  forEachProperty(
    doc,
    (name) => name === 'total_quantity',
    (schema) => {
      if (schema.type === 'string') numberOrString(schema);
    },
  );
}

// ---------------------------------------------------------------------------------------
// Answer fields the files omit but the platform sends, which the app needs
// ---------------------------------------------------------------------------------------

/**
 * A field the platform sends in an answer where the files leave it out, kept through the
 * simulators' documented-answers layer (sandbox/common/documentedAnswers.ts) and accepted by the
 * validator only because it is listed here, with the evidence that the platform sends it.
 */
export interface UndocumentedAnswerField {
  platform: 'bigcommerce' | 'zoho';
  /** The operations whose successful JSON answers carry it, as a rule over the file's operations. */
  operations: string;
  /** The field, as its path in the answer (`page_context`, `data[].variants`). */
  field: string;
  schema: JsonObject;
  /** Where the platform says it sends it: its documentation, or the same file's own text. */
  evidence: string;
  /** Adds the field to the answers of the operations it applies to; returns how many. */
  apply(doc: JsonObject): number;
}

/** Zoho's page context, as contacts.yml defines it (`components.schemas.page_context`). */
const zohoPageContext: JsonObject = {
  type: 'object',
  properties: {
    page: { type: 'integer' },
    per_page: { type: 'integer' },
    has_more_page: { type: 'boolean' },
    report_name: { type: 'string' },
    applied_filter: { type: 'string' },
    sort_column: { type: 'string' },
    sort_order: { type: 'string' },
  },
};

/** Every GET of a file that takes a `page` query parameter: a Zoho list. */
function addToPagedLists(doc: JsonObject, field: string, schema: JsonObject): number {
  let count = 0;
  for (const pathItem of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    const operation = isObject(pathItem) ? pathItem.get : undefined;
    if (!isObject(operation) || !Array.isArray(operation.parameters)) continue;
    const paged = operation.parameters.some((p) => isObject(p) && deref(doc, p).in === 'query' && deref(doc, p).name === 'page');
    const responses = isObject(operation.responses) ? operation.responses : {};
    const ok = isObject(responses['200']) ? deref(doc, responses['200']) : undefined;
    const json = isObject(ok?.content) ? (ok.content as JsonObject)['application/json'] : undefined;
    if (!paged || !isObject(json) || !isObject(json.schema)) continue;
    const answer = deref(doc, json.schema);
    if (!isObject(answer.properties)) continue;
    if (answer.properties[field] === undefined) {
      answer.properties[field] = structuredClone(schema);
      count++;
    }
  }
  return count;
}

/** The successful JSON answer of an operation (its 200, else its 201), or undefined. */
function okJson(doc: JsonObject, operation: JsonObject): JsonObject | undefined {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const ok = [responses['200'], responses['201']].find(isObject);
  const content = ok ? deref(doc, ok).content : undefined;
  const json = isObject(content) ? content['application/json'] : undefined;
  return isObject(json) && isObject(json.schema) ? json : undefined;
}

/** The operations of a file that offer `include=<value>` (an `include` query parameter listing it). */
function operationsIncluding(doc: JsonObject, value: string): JsonObject[] {
  const offers = (param: unknown) => {
    if (!isObject(param)) return false;
    const resolved = deref(doc, param);
    const schema = isObject(resolved.schema) ? deref(doc, resolved.schema) : {};
    const items = isObject(schema.items) ? deref(doc, schema.items) : schema;
    return resolved.in === 'query' && resolved.name === 'include' && Array.isArray(items.enum) && items.enum.includes(value);
  };
  const found: JsonObject[] = [];
  for (const pathItem of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      if (isObject(operation) && Array.isArray(operation.parameters) && operation.parameters.some(offers)) found.push(operation);
    }
  }
  return found;
}

/**
 * Adds a field to the record (or each record) under `data` in an operation's answer. The answer's
 * schema is wrapped (`allOf` with the field), never edited: it may be a component other operations share.
 */
function addToAnswerData(doc: JsonObject, operation: JsonObject, field: string, schema: JsonObject): boolean {
  const json = okJson(doc, operation);
  if (!json) return false;
  const answer = deref(doc, json.schema as JsonObject);
  const data = isObject(answer.properties) && isObject(answer.properties.data) ? deref(doc, answer.properties.data) : undefined;
  if (!data) return false;
  const record = { type: 'object', properties: { [field]: structuredClone(schema) } };
  const extension = data.type === 'array' ? { type: 'array', items: record } : record;
  json.schema = { allOf: [json.schema, { type: 'object', properties: { data: extension } }] };
  return true;
}

/**
 * Adds fields to every item record of a file (an object schema with `item_id`, `sku` and
 * `image_name`: the items of items.yml's answers and of itemgroups.yml's groups); returns how many.
 */
function addToItemRecords(doc: JsonObject, fields: Record<string, JsonObject>): number {
  let count = 0;
  walk(doc, (node) => {
    const props = node.properties;
    if (!isObject(props) || !['item_id', 'sku', 'image_name'].every((key) => props[key] !== undefined)) return;
    for (const [name, schema] of Object.entries(fields)) if (props[name] === undefined) props[name] = structuredClone(schema);
    count++;
  });
  return count;
}

/** Zoho's item category, as Zoho's compositeitems.yml types it. */
const zohoItemCategory: Record<string, JsonObject> = { category_id: { type: 'string' }, category_name: { type: 'string' } };

/** A BigCommerce product's variants, as products_catalog.v3.yml defines one. */
const bigcommerceProductVariants: JsonObject = { type: 'array', items: { $ref: '#/components/schemas/productVariant_Full' } };

export const undocumentedAnswerFields: UndocumentedAnswerField[] = [
  {
    platform: 'zoho',
    operations: 'every list (a GET that takes `page`) whose answer schema lacks it: items, item groups, price books, sales orders, packages, invoices, contacts, payments, credit notes…',
    field: 'page_context',
    schema: zohoPageContext,
    evidence:
      'The files define the object themselves but attach it to few lists: contacts.yml and invoices.yml declare `components.schemas.page_context` ("context of the page": page, per_page, has_more_page) and credit-notes.yml answers its refunds list with it; the reference README (Zoho facts) records that "lists page with `page`, `per_page` (200) and `page_context.has_more_page`". Without it a client cannot tell the last page from a full one.',
    apply: (doc) => addToPagedLists(doc, 'page_context', zohoPageContext),
  },
  {
    platform: 'bigcommerce',
    operations: 'every operation that offers `include=variants`: getProducts, getProduct, updateProduct (products_catalog.v3.yml)',
    field: 'data.variants (data[].variants on lists)',
    schema: bigcommerceProductVariants,
    evidence:
      'products_catalog.v3.yml offers `variants` among the values of these operations\' `include` parameter, described as "A comma-separated list of sub-resources to return with a product object.", yet product_Full has no `variants`; the same file\'s example answer of getProduct shows them (`variants:` with `id`, `product_id`, `sku`, `option_values`). Without them a client cannot tell which product holds a variant\'s SKU.',
    apply: (doc) => operationsIncluding(doc, 'variants').filter((operation) => addToAnswerData(doc, operation, 'variants', bigcommerceProductVariants)).length,
  },
  {
    platform: 'zoho',
    operations: 'every item record in items.yml and itemgroups.yml: list_items, get_item, list_item_details, and the items of list_item_groups and get_item_group',
    field: 'category_id and category_name (items[].…, item.…)',
    schema: { type: 'object', properties: zohoItemCategory },
    evidence:
      'items.yml files items under categories its answers leave out: list_items filters "by category ID." (`category_id`) and by `Status.Uncategorized`, and lists composite items with the rest (`is_combo_product`); Zoho\'s own compositeitems.yml, from the same official download (public copy: github.com/api-evangelist/zoho-inventory, openapi/_original/compositeitems.yml), answers with the item\'s `category_id` ("Unique identifier of the category.") and `category_name` ("Name of the category."). Only by them can a product be filed under its Zoho category.',
    apply: (doc) => addToItemRecords(doc, zohoItemCategory),
  },
];

/** The repair that applies the platform's undocumented answer fields to one file. */
function answerFieldsOf(platform: 'bigcommerce' | 'zoho'): Repair {
  const repair = (doc: JsonObject) => {
    for (const entry of undocumentedAnswerFields) if (entry.platform === platform) entry.apply(doc);
  };
  Object.defineProperty(repair, 'name', { value: 'undocumentedAnswerFields' });
  return repair;
}

const zohoRepairs: Record<string, Repair[]> = {
  'salesorders.yml': [salesOrderNumberOptional, salesOrderKeyedEitherWay],
  'invoices.yml': [invoiceAmountsAreNumbers],
  'items.yml': [locationStockIsNumeric],
  'itemgroups.yml': [groupListsAreLists, attributeOptionNamesAreText, itemGroupWrapped],
  'pricelists.yml': [pricebookCanBeRetrieved, roundingTypeBothSpellings],
  'shipmentorders.yml': [packageIdsAreCommaSeparated, shipmentOrderKeyedEitherWay],
  'packages.yml': [onePackageObject, packagesListKey, totalQuantityIsNumber],
};

/**
 * Applies the generic repairs and the named ones for this file, in place. Returns the names
 * of the repairs applied (for the load report).
 */
export function repairSpec(platform: 'bigcommerce' | 'zoho', fileName: string, doc: JsonObject): string[] {
  const named = (platform === 'bigcommerce' ? bigcommerceRepairs : zohoRepairs)[fileName] ?? [];
  const applied: string[] = [];
  for (const repair of [...genericRepairs, ...named, answerFieldsOf(platform)]) {
    repair(doc);
    applied.push(repair.name);
  }
  return applied;
}
