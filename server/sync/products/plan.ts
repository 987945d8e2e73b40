import { createHash } from 'node:crypto';
import type { Settings } from '../../settings/schema.js';
import type { BigCommerceSkuOwner, LinkRow, ZohoItem, ZohoItemGroup } from './types.js';

/**
 * The products plan: a pure function from what Zoho has, what the app last wrote (links) and,
 * for records not linked yet, which BigCommerce products hold their SKUs, to the operations a
 * run must do. No I/O: the apply step executes it; tests check it directly.
 */
export type ProductFields = Record<string, unknown>;

export interface VariantPlan {
  zohoId: string;
  sku: string;
  fields: ProductFields;
  optionValues: { option_display_name: string; label: string }[];
  hash: string;
  /** Set when the variant exists (linked or adopted). */
  bigcommerceId?: number;
  active: boolean;
}

/** Where Zoho serves a product's image (it needs our token: downloaded, then uploaded) and what identifies it. */
export interface ImageSource {
  /** Zoho API path: `/items/{id}/image` (a group's image is read through one of its items). */
  path: string;
  /** Zoho's identity of the image (document or image id, and name): a new key means a new image. */
  key: string;
  filename: string;
}

/** What happens to the product's image: Zoho's (new) image put on it, or the app's image taken off. */
export type ImageChange =
  | { action: 'set'; source: ImageSource; replaceImageId?: number; knownHash?: string }
  | { action: 'remove'; imageId: number };

/** Media that ride along with a product write: Zoho's image and category (by name; apply finds its id). */
interface Media {
  image?: ImageChange;
  category?: string;
}

export type ProductOperation =
  | ({ kind: 'create'; zohoId: string; sku: string; name: string; fields: ProductFields; variants: VariantPlan[]; hash: string } & Media)
  | ({ kind: 'adopt'; zohoId: string; sku: string; name: string; productId: number; fields: ProductFields; variants: VariantPlan[]; hash: string } & Media)
  | ({ kind: 'update'; zohoId: string; sku: string; name: string; productId: number; fields: ProductFields; variants: VariantPlan[]; hash: string; show: boolean } & Media)
  | { kind: 'hide'; zohoId: string; sku?: string; name?: string; productId: number }
  | { kind: 'unchanged'; zohoId: string; sku: string; name: string }
  | { kind: 'skip'; zohoId: string; sku?: string; name: string; reason: string }
  | { kind: 'conflict'; zohoId: string; sku?: string; name: string; reason: string };

export interface PlanInput {
  items: ZohoItem[];
  groups: Map<string, ZohoItemGroup>;
  links: LinkRow[];
  /** BigCommerce SKUs (product and variant level) → owner; needed only for records without a link. */
  bigcommerceSkus: Map<string, BigCommerceSkuOwner>;
  settings: Settings['products'];
  /** A full read: anything linked but absent from `items` was removed from Zoho and is hidden. */
  complete: boolean;
}

export const groupZohoId = (groupId: string) => `group:${groupId}`;

const number = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

export const hashOf = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex');

/** The product fields Zoho owns for one item, as BigCommerce names them. */
function ownedFields(item: ZohoItem, owns: Settings['products']['zohoOwns']): ProductFields {
  const fields: ProductFields = {};
  if (owns.name) fields.name = item.name;
  if (owns.sku) fields.sku = item.sku;
  if (owns.price) fields.price = number(item.rate) ?? 0;
  if (owns.description && item.description !== undefined) fields.description = item.description;
  if (owns.weight && number(item.weight) !== undefined) fields.weight = number(item.weight);
  if (owns.dimensions) {
    for (const [zoho, bc] of [['length', 'depth'], ['width', 'width'], ['height', 'height']] as const) {
      if (number(item[zoho]) !== undefined) fields[bc] = number(item[zoho]);
    }
  }
  return fields;
}

type ImageFields = Pick<ZohoItem, 'image_name'>;

/**
 * Zoho's identity of a record's image, or undefined when it has none: its file name, the one
 * image field every answer the flow reads documents (the items list documents no `image_id`, and
 * a key read one way by the full run and another by a webhook would download the image again).
 */
export function imageKeyOf(record: ImageFields): string | undefined {
  return record.image_name || undefined;
}

/** Whether a link's remembered key names this image; keys saved before were `<image id>:<name>`. */
const sameImage = (remembered: string | undefined, key: string) => remembered === key || remembered?.slice(remembered.indexOf(':') + 1) === key;

const imageSource = (path: string, record: ImageFields, fallbackName: string): ImageSource | undefined => {
  const key = imageKeyOf(record);
  return key ? { path, key, filename: record.image_name || fallbackName } : undefined;
};

/**
 * Zoho owns images: its image goes on the product when its identity differs from the one last
 * uploaded; when Zoho has none any more, the image the app uploaded comes off. The merchant's own
 * images are never touched.
 */
function imageChange(source: ImageSource | undefined, link: LinkRow | undefined, owns: boolean): ImageChange | undefined {
  if (!owns) return undefined;
  const uploaded = link?.bigcommerceImageId ? Number(link.bigcommerceImageId) : undefined;
  if (source) return sameImage(link?.imageKey, source.key) ? undefined : { action: 'set', source, replaceImageId: uploaded, knownHash: link?.imageHash };
  return uploaded ? { action: 'remove', imageId: uploaded } : undefined;
}

const categoryOf = (record: { category_name?: string }) => record.category_name?.trim() || undefined;

/** The category is part of what was written (its name: the id is found when applying). */
const withCategory = <T extends object>(value: T, category: string | undefined) => (category ? { ...value, category } : value);

/** What BigCommerce needs to create a product that Zoho does not say (type, weight). */
const creationDefaults = (visible: boolean) => ({ type: 'physical', weight: 0, is_visible: visible });

const isSellable = (item: ZohoItem) => item.product_type !== 'service' && item.product_type !== 'digital_service';

function attributeNames(group: ZohoItemGroup | undefined): string[] {
  if (!group) return [];
  if (group.attributes?.length) return group.attributes.map((a) => a.name);
  return [group.attribute_name1, group.attribute_name2, group.attribute_name3].filter((n): n is string => !!n);
}

export function planProducts(input: PlanInput): ProductOperation[] {
  const { items, groups, settings } = input;
  const ops: ProductOperation[] = [];
  const links = new Map(input.links.map((l) => [`${l.entity}:${l.zohoId}`, l]));
  const seen = new Set<string>();

  // SKUs Zoho uses more than once among active goods cannot be matched: all of them are conflicts.
  const skuCount = new Map<string, number>();
  for (const item of items) if (item.status === 'active' && isSellable(item) && item.sku) skuCount.set(item.sku, (skuCount.get(item.sku) ?? 0) + 1);
  // SKUs already linked to some Zoho record: an unlinked item must not adopt another's product.
  const linkedSkus = new Map<string, string>();
  for (const link of input.links) if (link.sku) linkedSkus.set(link.sku, link.zohoId);

  const standalone: ZohoItem[] = [];
  const grouped = new Map<string, ZohoItem[]>();
  for (const item of items) {
    if (item.group_id) grouped.set(item.group_id, [...(grouped.get(item.group_id) ?? []), item]);
    else standalone.push(item);
  }

  const problem = (item: ZohoItem): string | undefined => {
    if (!item.sku) return 'missing SKU in Zoho';
    if ((skuCount.get(item.sku) ?? 0) > 1) return `duplicate SKU ${item.sku} in Zoho`;
    return undefined;
  };

  for (const item of standalone) {
    const link = links.get(`product:${item.item_id}`);
    if (!isSellable(item)) {
      if (item.status === 'active') ops.push({ kind: 'skip', zohoId: item.item_id, sku: item.sku, name: item.name, reason: 'service item' });
      continue;
    }
    if (item.status !== 'active') continue; // hidden below if linked
    seen.add(`product:${item.item_id}`);
    const issue = problem(item);
    if (issue) {
      ops.push({ kind: 'conflict', zohoId: item.item_id, sku: item.sku, name: item.name, reason: issue });
      continue;
    }
    const sku = item.sku!;
    const fields = ownedFields(item, settings.zohoOwns);
    const category = settings.zohoOwns.categories ? categoryOf(item) : undefined;
    const hash = hashOf(withCategory(fields, category));
    const image = imageChange(imageSource(`/items/${item.item_id}/image`, item, `${item.item_id}.jpg`), link, settings.zohoOwns.images);
    if (link) {
      const productId = Number(link.bigcommerceId);
      if (link.hash === hash && !link.hidden) {
        // Only the image changed: no product write, just the image.
        if (image) ops.push({ kind: 'update', zohoId: item.item_id, sku, name: item.name, productId, fields: {}, variants: [], hash, show: false, image });
        else ops.push({ kind: 'unchanged', zohoId: item.item_id, sku, name: item.name });
      } else {
        ops.push({ kind: 'update', zohoId: item.item_id, sku, name: item.name, productId, fields: link.hidden ? { ...fields, is_visible: true } : fields, variants: [], hash, show: link.hidden, image, category });
      }
      continue;
    }
    const owner = input.bigcommerceSkus.get(sku);
    const claimedBy = linkedSkus.get(sku);
    if (claimedBy && claimedBy !== item.item_id) {
      ops.push({ kind: 'conflict', zohoId: item.item_id, sku, name: item.name, reason: `SKU ${sku} is already synced from another Zoho item` });
    } else if (owner && !owner.productLevel) {
      ops.push({ kind: 'conflict', zohoId: item.item_id, sku, name: item.name, reason: `SKU ${sku} belongs to a variant of BigCommerce product ${owner.productId}` });
    } else if (owner) {
      ops.push({ kind: 'adopt', zohoId: item.item_id, sku, name: item.name, productId: owner.productId, fields, variants: [], hash, image, category });
    } else {
      ops.push({ kind: 'create', zohoId: item.item_id, sku, name: item.name, fields: { ...creationDefaults(settings.createVisible), ...withRequired(fields, item) }, variants: [], hash, image, category });
    }
  }

  for (const [groupId, members] of grouped) {
    const zohoId = groupZohoId(groupId);
    const group = groups.get(groupId);
    const name = group?.group_name ?? members[0]!.group_name ?? groupId;
    const sellable = members.filter(isSellable);
    if (sellable.length === 0) {
      ops.push({ kind: 'skip', zohoId, name, reason: 'service item group' });
      continue;
    }
    const active = sellable.filter((m) => m.status === 'active' && group?.status !== 'inactive');
    if (active.length === 0) continue; // hidden below if linked
    const issues = active.map((m) => [m, problem(m)] as const).filter(([, p]) => p);
    if (issues.length) {
      for (const [m, p] of issues) ops.push({ kind: 'conflict', zohoId: m.item_id, sku: m.sku, name: m.name, reason: `${p} (item group ${name})` });
      continue;
    }
    seen.add(`product:${zohoId}`);
    const link = links.get(`product:${zohoId}`);
    const names = attributeNames(group);
    const variants: VariantPlan[] = sellable.map((m) => {
      const fields: ProductFields = { sku: m.sku, price: number(m.rate) ?? 0, purchasing_disabled: m.status !== 'active' };
      const variantLink = links.get(`variant:${m.item_id}`);
      const adopted = input.bigcommerceSkus.get(m.sku ?? '');
      return {
        zohoId: m.item_id,
        sku: m.sku ?? '',
        fields,
        optionValues: names
          .map((attr, i) => ({ option_display_name: attr, label: String(m[`attribute_option_name${i + 1}` as 'attribute_option_name1'] ?? '') }))
          .filter((o) => o.label),
        hash: hashOf(fields),
        bigcommerceId: variantLink ? Number(variantLink.bigcommerceId) : adopted?.variantId,
        active: m.status === 'active',
      };
    });
    const productFields: ProductFields = {};
    if (settings.zohoOwns.name) productFields.name = name;
    if (settings.zohoOwns.description && group?.description !== undefined) productFields.description = group.description;
    if (settings.zohoOwns.price) productFields.price = Math.min(...active.map((m) => number(m.rate) ?? 0));
    const category = settings.zohoOwns.categories ? ((group && categoryOf(group)) ?? active.map(categoryOf).find(Boolean)) : undefined;
    const hash = hashOf(withCategory({ productFields, variants: variants.map((v) => v.hash) }, category));
    const variantChanged = variants.some((v) => links.get(`variant:${v.zohoId}`)?.hash !== v.hash);
    // The group's own image, downloaded through an item that shows it (Zoho gives a group's items
    // its image; itemgroups.yml documents no download of a group's image); failing that, the
    // first active variant's. A group image no item shows cannot be read by a documented call:
    // the product's image is then left as it is.
    const groupKey = group && imageKeyOf(group);
    const holder = (groupKey && active.find((m) => imageKeyOf(m) === groupKey)) || active.find((m) => imageKeyOf(m));
    const source = holder && imageSource(`/items/${holder.item_id}/image`, holder, `${holder.item_id}.jpg`);
    const image = source || !groupKey ? imageChange(source, link, settings.zohoOwns.images) : undefined;
    if (link) {
      const productId = Number(link.bigcommerceId);
      if (link.hash === hash && !link.hidden && !variantChanged) {
        if (image) ops.push({ kind: 'update', zohoId, sku: '', name, productId, fields: {}, variants: [], hash, show: false, image });
        else ops.push({ kind: 'unchanged', zohoId, sku: '', name });
      } else {
        ops.push({ kind: 'update', zohoId, sku: '', name, productId, fields: link.hidden ? { ...productFields, is_visible: true } : productFields, variants, hash, show: link.hidden, image, category });
      }
      continue;
    }
    const owner = variants.map((v) => input.bigcommerceSkus.get(v.sku)).find((o) => o && !o.productLevel);
    if (owner) ops.push({ kind: 'adopt', zohoId, sku: '', name, productId: owner.productId, fields: productFields, variants, hash, image, category });
    else {
      ops.push({
        kind: 'create',
        zohoId,
        sku: '',
        name,
        fields: { ...creationDefaults(settings.createVisible), name, price: productFields.price ?? 0, ...productFields, inventory_tracking: 'variant' },
        variants,
        hash,
        image,
        category,
      });
    }
  }

  // Linked products whose Zoho record is inactive or (on a complete read) gone: hide, never delete.
  const present = new Set(items.map((i) => `product:${i.group_id ? groupZohoId(i.group_id) : i.item_id}`));
  for (const link of input.links) {
    if (link.entity !== 'product' || link.hidden) continue;
    const key = `product:${link.zohoId}`;
    if (seen.has(key)) continue;
    if (!input.complete && !present.has(key)) continue; // not read this time: no opinion
    ops.push({ kind: 'hide', zohoId: link.zohoId, sku: link.sku, productId: Number(link.bigcommerceId) });
  }
  return ops;
}

/** A new standalone product needs a name and price even when BigCommerce keeps its own afterwards. */
function withRequired(fields: ProductFields, item: ZohoItem): ProductFields {
  return { name: item.name, sku: item.sku, price: number(item.rate) ?? 0, inventory_tracking: 'product', ...fields };
}
