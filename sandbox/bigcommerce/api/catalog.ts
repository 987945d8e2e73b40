import { Router, type Request } from 'express';
import { z } from 'zod';
import { addImage, createCategory, createProduct, createVariant, deleteProduct, deleteVariant, updateImage, updateProduct, updateVariant, variantUpdateProblem } from '../catalog.js';
import { parseDateFilter, toSecond } from '../dates.js';
import { ERROR_TYPE, SimApiError, invalidJson, notFound } from '../errors.js';
import type { SimProduct } from '../model.js';
import { boundaryOf, imageTypeOf, parseMultipart } from '../multipart.js';
import { pageRequest, v3Page } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { checkItem, issuesToErrors, parseV3 } from '../validation.js';
import {
  categoryCreateSchema,
  imageByUrlSchema,
  imageUpdateSchema,
  productBatchItemSchema,
  productCreateSchema,
  productUpdateSchema,
  variantBatchItemSchema,
  variantCreateSchema,
  variantUpdateSchema,
} from './catalogSchemas.js';
import { categoryView, imageView, optionView, productShape, productView, variantView } from './catalogViews.js';
import { boolParam, filterAll, intListParam, intParam, listParam, numberParam, pathId, queryString, storeOf, type Query } from './params.js';

/** `/v3/catalog`: products, variants, images, options (read) and categories. */
export function catalogRoutes(state: BigCommerceState): Router {
  const router = Router();
  const limits = () => state.limits.current;
  const productOf = (req: Request, store: SimStore): SimProduct => {
    const product = store.products.get(pathId(req, 'productId', 'product'));
    if (!product) throw notFound('product');
    return product;
  };

  router.get('/catalog/products', (req, res) => {
    const store = storeOf(res);
    const products = filterProducts(store, req.query as Query);
    const shape = productShape(req.query as Query);
    res.json(v3Page(products, pageRequest(req.query as Query, limits().maxPageSize), (p) => productView(state, store, p, shape)));
  });

  router.post('/catalog/products', (req, res) => {
    const store = storeOf(res);
    const input = parseV3(productCreateSchema, req.body);
    const product = createProduct(state, store, input);
    res.json({ data: productView(state, store, product, productShape({ include: 'variants,images', ...(req.query as Query) })), meta: {} });
  });

  router.put('/catalog/products', (req, res) => {
    const store = storeOf(res);
    const items = batchOf(req.body, limits().productsBatch, 'products');
    const checked = items.map((item) => checkItem(productBatchItemSchema, item));
    const invalid = Object.assign({}, ...checked.map((c, i) => prefixed(c.errors, i)));
    if (Object.keys(invalid).length) throw invalidJson(invalid);

    const done: SimProduct[] = [];
    const failures: { id: number; status: number; message: string }[] = [];
    for (const { data } of checked) {
      const { id, ...patch } = data!;
      const product = store.products.get(id);
      if (!product) {
        failures.push({ id, status: 404, message: `Product ${id} was not found` });
        continue;
      }
      try {
        const inventoryProblem = updateProduct(state, store, product, patch);
        done.push(product);
        if (inventoryProblem) failures.push({ id, status: 422, message: inventoryProblem });
      } catch (error) {
        if (!(error instanceof SimApiError)) throw error;
        failures.push({ id, status: error.status, message: error.title });
      }
    }
    const data = done.map((p) => productView(state, store, p));
    if (failures.length === 0) return void res.json({ data, meta: {} });
    const errors = Object.fromEntries(failures.map((f) => [String(f.id), f.message]));
    if (done.length === 0) throw new SimApiError(failures[0]!.status, 'No product could be updated', errors);
    res.status(207).json({ data, errors: { status: 422, title: 'Some products could not be fully updated', type: ERROR_TYPE, errors }, meta: {} });
  });

  router.delete('/catalog/products', (req, res) => {
    const store = storeOf(res);
    const ids = intListParam(req.query as Query, 'id:in');
    if (!ids?.length) throw new SimApiError(422, 'A filter is required to delete products', { 'id:in': 'error.path.missing' });
    for (const id of ids) {
      const product = store.products.get(id);
      if (product) deleteProduct(state, store, product);
    }
    res.status(204).end();
  });

  router.get('/catalog/products/:productId', (req, res) => {
    const store = storeOf(res);
    res.json({ data: productView(state, store, productOf(req, store), productShape(req.query as Query)), meta: {} });
  });

  router.put('/catalog/products/:productId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const patch = parseV3(productUpdateSchema, req.body);
    const inventoryProblem = updateProduct(state, store, product, patch);
    const data = productView(state, store, product, productShape(req.query as Query));
    if (!inventoryProblem) return void res.json({ data, meta: {} });
    res.status(207).json({ data, errors: { status: 422, title: 'The product was saved but its inventory was not', type: ERROR_TYPE, errors: { inventory_level: inventoryProblem } }, meta: {} });
  });

  router.delete('/catalog/products/:productId', (req, res) => {
    const store = storeOf(res);
    const product = store.products.get(pathId(req, 'productId', 'product'));
    if (product) deleteProduct(state, store, product);
    res.status(204).end();
  });

  router.get('/catalog/products/:productId/variants', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const variants = product.variantIds.map((id) => store.variants.get(id)!);
    res.json(v3Page(variants, pageRequest(req.query as Query, limits().maxPageSize), (v) => variantView(store, product, v)));
  });

  router.post('/catalog/products/:productId/variants', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const variant = createVariant(state, store, product, parseV3(variantCreateSchema, req.body));
    res.json({ data: variantView(store, product, variant), meta: {} });
  });

  const variantOf = (req: Request, store: SimStore, product: SimProduct) => {
    const variant = store.variants.get(pathId(req, 'variantId', 'variant'));
    if (!variant || variant.product_id !== product.id) throw notFound('variant');
    return variant;
  };

  router.get('/catalog/products/:productId/variants/:variantId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    res.json({ data: variantView(store, product, variantOf(req, store, product)), meta: {} });
  });

  router.put('/catalog/products/:productId/variants/:variantId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const variant = variantOf(req, store, product);
    const patch = parseV3(variantUpdateSchema, req.body);
    const problem = variantUpdateProblem(store, product, variant, patch);
    if (problem) throw new SimApiError(problem.includes('not unique') ? 409 : 422, problem, { variant: problem });
    updateVariant(state, store, product, variant, patch);
    res.json({ data: variantView(store, product, variant), meta: {} });
  });

  router.delete('/catalog/products/:productId/variants/:variantId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const variant = store.variants.get(pathId(req, 'variantId', 'variant'));
    if (variant) deleteVariant(state, store, product, variant);
    res.status(204).end();
  });

  router.get('/catalog/variants', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const id = intParam(q, 'id');
    const sku = queryString(q, 'sku');
    const upc = queryString(q, 'upc');
    const productIds = intListParam(q, 'product_id:in');
    const variants = filterAll(store.variants.values(), [
      (v) => id === undefined || v.id === id,
      (v) => sku === undefined || v.sku === sku,
      (v) => upc === undefined || v.fields.upc === upc,
      (v) => productIds === undefined || productIds.includes(v.product_id),
    ]).sort((a, b) => a.id - b.id);
    res.json(v3Page(variants, pageRequest(q, limits().maxPageSize), (v) => variantView(store, store.products.get(v.product_id)!, v)));
  });

  router.put('/catalog/variants', (req, res) => {
    const store = storeOf(res);
    const items = batchOf(req.body, limits().variantsBatch, 'variants');
    const batchErrors: unknown[] = [];
    const planned = items.map((item, index) => {
      const checked = checkItem(variantBatchItemSchema, item);
      if (checked.errors) {
        batchErrors.push(batchError(422, 'JSON data is missing or invalid', index, checked.errors));
        return null;
      }
      const { id, ...patch } = checked.data;
      const variant = store.variants.get(id);
      if (!variant) {
        batchErrors.push(batchError(404, `Variant ${id} was not found`, index, { id: 'not found' }));
        return null;
      }
      const product = store.products.get(variant.product_id)!;
      const problem = variantUpdateProblem(store, product, variant, patch);
      if (problem) {
        batchErrors.push(batchError(problem.includes('not unique') ? 409 : 422, problem, index, {}));
        return null;
      }
      return { product, variant, patch };
    });
    // A refused batch changes nothing.
    if (batchErrors.length) throw new SimApiError(422, 'Some variants are invalid', undefined, { batch_errors: batchErrors });
    const duplicate = findDuplicateSku(planned.map((p) => p!.patch.sku));
    if (duplicate) throw new SimApiError(422, 'Duplicate SKU in batch', undefined, { batch_errors: [batchError(409, `Sku ${duplicate} is not unique`, 0, {})] });
    for (const p of planned) updateVariant(state, store, p!.product, p!.variant, p!.patch);
    res.json({ data: planned.map((p) => variantView(store, p!.product, p!.variant)), meta: {} });
  });

  router.get('/catalog/products/:productId/images', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const images = product.imageIds.map((id) => store.images.get(id)!);
    res.json(v3Page(images, pageRequest(req.query as Query, limits().maxPageSize), (i) => imageView(state, store, i)));
  });

  router.post('/catalog/products/:productId/images', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const image = Buffer.isBuffer(req.body) ? imageFromUpload(req, req.body, limits().imageBytes) : parseV3(imageByUrlSchema, req.body);
    const created = addImage(state, store, product, image);
    state.emit(store, 'store/product/updated', { type: 'product', id: product.id });
    res.json({ data: imageView(state, store, created), meta: {} });
  });

  router.get('/catalog/products/:productId/images/:imageId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const image = store.images.get(pathId(req, 'imageId', 'image'));
    if (!image || image.product_id !== product.id) throw notFound('image');
    res.json({ data: imageView(state, store, image), meta: {} });
  });

  router.put('/catalog/products/:productId/images/:imageId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const image = store.images.get(pathId(req, 'imageId', 'image'));
    if (!image || image.product_id !== product.id) throw notFound('image');
    updateImage(state, store, product, image, parseV3(imageUpdateSchema, req.body));
    state.emit(store, 'store/product/updated', { type: 'product', id: product.id });
    res.json({ data: imageView(state, store, image), meta: {} });
  });

  router.delete('/catalog/products/:productId/images/:imageId', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    const imageId = pathId(req, 'imageId', 'image');
    if (product.imageIds.includes(imageId)) {
      store.images.delete(imageId);
      product.imageIds = product.imageIds.filter((id) => id !== imageId);
    }
    res.status(204).end();
  });

  router.get('/catalog/products/:productId/options', (req, res) => {
    const store = storeOf(res);
    const product = productOf(req, store);
    res.json(v3Page(product.options, pageRequest(req.query as Query, limits().maxPageSize), optionView));
  });

  router.get('/catalog/categories', (req, res) => {
    const store = storeOf(res);
    const q = req.query as Query;
    const name = queryString(q, 'name');
    const nameLike = queryString(q, 'name:like')?.toLowerCase();
    const parentId = intParam(q, 'parent_id');
    const ids = intListParam(q, 'id:in');
    const visible = boolParam(q, 'is_visible');
    const categories = filterAll(store.categories.values(), [
      (c) => name === undefined || c.name === name,
      (c) => nameLike === undefined || c.name.toLowerCase().includes(nameLike),
      (c) => parentId === undefined || c.parent_id === parentId,
      (c) => ids === undefined || ids.includes(c.id),
      (c) => visible === undefined || c.fields.is_visible === visible,
    ]);
    res.json(v3Page(categories, pageRequest(q, limits().maxPageSize), categoryView));
  });

  router.post('/catalog/categories', (req, res) => {
    const store = storeOf(res);
    const category = createCategory(state, store, parseV3(categoryCreateSchema, req.body));
    res.json({ data: categoryView(category), meta: {} });
  });

  router.get('/catalog/categories/:categoryId', (req, res) => {
    const store = storeOf(res);
    const category = store.categories.get(pathId(req, 'categoryId', 'category'));
    if (!category) throw notFound('category');
    res.json({ data: categoryView(category), meta: {} });
  });

  return router;
}

/** The documented product filters; BigCommerce ignores filters it does not know. */
function filterProducts(store: SimStore, q: Query): SimProduct[] {
  const id = intParam(q, 'id');
  const idIn = intListParam(q, 'id:in');
  const idNotIn = intListParam(q, 'id:not_in');
  const idMin = intParam(q, 'id:min');
  const idMax = intParam(q, 'id:max');
  const idGreater = intParam(q, 'id:greater');
  const idLess = intParam(q, 'id:less');
  const name = queryString(q, 'name');
  const nameLike = queryString(q, 'name:like')?.toLowerCase();
  const sku = queryString(q, 'sku');
  const skuIn = listParam(q, 'sku:in');
  const visible = boolParam(q, 'is_visible');
  const type = queryString(q, 'type');
  const price = numberParam(q, 'price');
  const categoriesIn = intListParam(q, 'categories:in');
  const category = intParam(q, 'categories');
  const modifiedMin = parseDateFilter(queryString(q, 'date_modified:min'));
  const modifiedMax = parseDateFilter(queryString(q, 'date_modified:max'));
  const keyword = queryString(q, 'keyword')?.toLowerCase();
  const products = filterAll(store.products.values(), [
    (p) => id === undefined || p.id === id,
    (p) => idIn === undefined || idIn.includes(p.id),
    (p) => idNotIn === undefined || !idNotIn.includes(p.id),
    (p) => idMin === undefined || p.id >= idMin,
    (p) => idMax === undefined || p.id <= idMax,
    (p) => idGreater === undefined || p.id > idGreater,
    (p) => idLess === undefined || p.id < idLess,
    (p) => name === undefined || p.name === name,
    (p) => nameLike === undefined || p.name.toLowerCase().includes(nameLike),
    (p) => sku === undefined || p.sku === sku,
    (p) => skuIn === undefined || skuIn.includes(p.sku),
    (p) => visible === undefined || p.is_visible === visible,
    (p) => type === undefined || p.type === type,
    (p) => price === undefined || p.price === price,
    (p) => categoriesIn === undefined || p.categories.some((c) => categoriesIn.includes(c)),
    (p) => category === undefined || p.categories.includes(category),
    // The platform keeps whole seconds: an item modified in the cursor's second is still >= it.
    (p) => modifiedMin === undefined || toSecond(p.dateModified) >= modifiedMin,
    (p) => modifiedMax === undefined || toSecond(p.dateModified) <= modifiedMax,
    (p) => keyword === undefined || p.name.toLowerCase().includes(keyword) || p.sku.toLowerCase().includes(keyword),
  ]);
  return sortProducts(products, queryString(q, 'sort'), queryString(q, 'direction'));
}

function sortProducts(products: SimProduct[], sort = 'id', direction = 'asc'): SimProduct[] {
  const keyOf: Record<string, (p: SimProduct) => string | number> = {
    id: (p) => p.id,
    name: (p) => p.name.toLowerCase(),
    sku: (p) => p.sku.toLowerCase(),
    price: (p) => p.price,
    date_modified: (p) => p.dateModified,
    is_visible: (p) => (p.is_visible ? 1 : 0),
  };
  const key = keyOf[sort] ?? keyOf.id!;
  const sign = direction === 'desc' ? -1 : 1;
  return products.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id) * sign;
  });
}

/** A batch body: an array within the endpoint's limit (413 above it). */
function batchOf(body: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(body)) throw invalidJson({ body: 'error.expected.jsarray' });
  if (body.length === 0) throw invalidJson({ body: 'error.minItems' });
  if (body.length > max) throw new SimApiError(413, `Too many ${what} in one request: ${body.length} sent, at most ${max} allowed`, {});
  return body;
}

function prefixed(errors: Record<string, string> | null, index: number): Record<string, string> {
  return Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [`${index}.${k}`, v]));
}

function batchError(status: number, title: string, index: number, errors: Record<string, unknown>) {
  return { status, title, type: ERROR_TYPE, instance: `[${index}]`, errors };
}

function findDuplicateSku(skus: (string | undefined)[]): string | undefined {
  const seen = new Set<string>();
  for (const sku of skus) {
    if (!sku) continue;
    if (seen.has(sku.toLowerCase())) return sku;
    seen.add(sku.toLowerCase());
  }
  return undefined;
}

const uploadFieldsSchema = z.looseObject({
  is_thumbnail: z.enum(['true', 'false']).optional(),
  sort_order: z.string().regex(/^-?\d+$/).optional(),
  description: z.string().optional(),
});

/** `multipart/form-data` with the file in `image_file` (or an `image_url` field). */
function imageFromUpload(req: Request, body: Buffer, maxBytes: number) {
  const boundary = boundaryOf(req.headers['content-type']);
  const parts = boundary ? parseMultipart(body, boundary) : null;
  if (!parts) throw new SimApiError(400, 'The multipart body could not be read');
  const fieldCheck = uploadFieldsSchema.safeParse(parts.fields);
  if (!fieldCheck.success) throw invalidJson(issuesToErrors(fieldCheck.error.issues, parts.fields));
  // What the exchange recorder shows as the request body.
  req.body = { ...parts.fields, ...Object.fromEntries(Object.entries(parts.files).map(([k, f]) => [k, `<file ${f.filename}, ${f.data.length} bytes>`])) };
  const common = {
    is_thumbnail: parts.fields.is_thumbnail === undefined ? undefined : parts.fields.is_thumbnail === 'true',
    sort_order: parts.fields.sort_order === undefined ? undefined : Number(parts.fields.sort_order),
    description: parts.fields.description,
  };
  const file = parts.files.image_file;
  if (!file) {
    if (parts.fields.image_url) return { ...common, image_url: parts.fields.image_url };
    throw invalidJson({ image_file: 'error.path.missing' });
  }
  if (file.data.length > maxBytes) throw new SimApiError(413, `The image is larger than ${maxBytes} bytes`);
  const contentType = imageTypeOf(file.data);
  if (!contentType) throw invalidJson({ image_file: 'The file is not an image the store accepts (JPEG, PNG, GIF or WebP)' });
  const name = file.filename.replace(/[^A-Za-z0-9._-]+/g, '_') || `image.${contentType.split('/')[1]}`;
  return { ...common, file: { name, contentType, data: file.data } };
}
