import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../server/settings/schema.js';
import { hashOf, planProducts, type PlanInput } from '../../server/sync/products/plan.js';
import type { LinkRow, ZohoItem } from '../../server/sync/products/types.js';

const settings = defaultSettings().products;
const item = (over: Partial<ZohoItem>): ZohoItem => ({ item_id: 'i1', name: 'Mug', sku: 'MUG', status: 'active', product_type: 'goods', rate: 9.5, description: 'A mug', ...over });
const plan = (over: Partial<PlanInput>) => planProducts({ items: [], groups: new Map(), links: [], bigcommerceSkus: new Map(), settings, complete: true, ...over });
const kinds = (ops: ReturnType<typeof plan>) => ops.map((o) => `${o.kind}:${o.zohoId}`);

describe('planProducts', () => {
  it('creates new goods, skips services, leaves inactive items out', () => {
    const ops = plan({ items: [item({}), item({ item_id: 's', sku: 'SHIPPING', product_type: 'service' }), item({ item_id: 'x', sku: 'OLD', status: 'inactive' })] });
    expect(kinds(ops)).toEqual(['create:i1', 'skip:s']);
    const create = ops[0] as Extract<(typeof ops)[number], { kind: 'create' }>;
    expect(create.fields).toMatchObject({ name: 'Mug', sku: 'MUG', price: 9.5, type: 'physical', weight: 0, is_visible: true, inventory_tracking: 'product' });
  });

  it('adopts a BigCommerce product with the same SKU instead of duplicating it', () => {
    const ops = plan({ items: [item({})], bigcommerceSkus: new Map([['MUG', { productId: 77, productLevel: true }]]) });
    expect(ops).toMatchObject([{ kind: 'adopt', productId: 77 }]);
  });

  it('writes nothing for an unchanged item, updates a changed one', () => {
    const fields = { name: 'Mug', sku: 'MUG', price: 9.5, description: 'A mug' };
    const link: LinkRow = { _id: 's:product:i1', entity: 'product', zohoId: 'i1', bigcommerceId: '5', sku: 'MUG', hash: hashOf(fields), hidden: false };
    expect(kinds(plan({ items: [item({})], links: [link] }))).toEqual(['unchanged:i1']);
    const changed = plan({ items: [item({ rate: 11 })], links: [link] });
    expect(changed).toMatchObject([{ kind: 'update', productId: 5, fields: { price: 11 } }]);
  });

  it('hides linked products whose item became inactive or vanished, and shows them when back', () => {
    const link = (id: string, hidden = false): LinkRow => ({ _id: `s:product:${id}`, entity: 'product', zohoId: id, bigcommerceId: id.replace('i', ''), hash: 'h', hidden });
    const ops = plan({ items: [item({ item_id: 'i1', status: 'inactive' }), item({ item_id: 'i3', sku: 'BACK' })], links: [link('i1'), link('i2'), link('i3', true)] });
    expect(kinds(ops).sort()).toEqual(['hide:i1', 'hide:i2', 'update:i3']);
    expect(ops.find((o) => o.zohoId === 'i3')).toMatchObject({ show: true, fields: { is_visible: true } });
    // On an incomplete read a missing item says nothing.
    expect(kinds(plan({ items: [], links: [link('i2')], complete: false }))).toEqual([]);
  });

  it('records conflicts: missing SKU, duplicate SKU in Zoho, SKU held by a variant or another link', () => {
    const ops = plan({
      items: [
        item({ item_id: 'a', sku: '' }),
        item({ item_id: 'b', sku: 'DUP' }),
        item({ item_id: 'c', sku: 'DUP' }),
        item({ item_id: 'd', sku: 'VAR' }),
        item({ item_id: 'e', sku: 'TAKEN' }),
      ],
      bigcommerceSkus: new Map([['VAR', { productId: 9, variantId: 90, productLevel: false }]]),
      links: [{ _id: 's:product:z', entity: 'product', zohoId: 'z', bigcommerceId: '3', sku: 'TAKEN', hash: 'h', hidden: true }],
    });
    const reasons = Object.fromEntries(ops.filter((o) => o.kind === 'conflict').map((o) => [o.zohoId, (o as { reason: string }).reason]));
    expect(reasons.a).toMatch(/missing SKU/);
    expect(reasons.b).toMatch(/duplicate SKU DUP/);
    expect(reasons.c).toMatch(/duplicate SKU DUP/);
    expect(reasons.d).toMatch(/variant of BigCommerce product 9/);
    expect(reasons.e).toMatch(/another Zoho item/);
  });

  it('makes an item group one product with a variant per item, options from the attributes', () => {
    const members = ['S', 'M'].map((size) => item({ item_id: `t${size}`, name: `T-Shirt ${size}`, sku: `TS-${size}`, group_id: 'g1', group_name: 'T-Shirt', attribute_option_name1: size, rate: size === 'S' ? 10 : 12 }));
    const ops = plan({ items: members, groups: new Map([['g1', { group_id: 'g1', group_name: 'T-Shirt', attributes: [{ name: 'Size' }] }]]) });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: 'create', zohoId: 'group:g1', fields: { name: 'T-Shirt', price: 10, inventory_tracking: 'variant' } });
    const variants = (ops[0] as { variants: { sku: string; optionValues: unknown[] }[] }).variants;
    expect(variants.map((v) => [v.sku, v.optionValues])).toEqual([
      ['TS-S', [{ option_display_name: 'Size', label: 'S' }]],
      ['TS-M', [{ option_display_name: 'Size', label: 'M' }]],
    ]);
  });

  it('leaves fields BigCommerce owns alone', () => {
    const keepDescriptions = { ...settings, zohoOwns: { ...settings.zohoOwns, description: false } };
    const ops = plan({ items: [item({})], bigcommerceSkus: new Map([['MUG', { productId: 1, productLevel: true }]]), settings: keepDescriptions });
    expect((ops[0] as { fields: Record<string, unknown> }).fields).not.toHaveProperty('description');
  });

  describe('images (Zoho owns them by default)', () => {
    const pictured = (over: Partial<ZohoItem> = {}) => item({ image_name: 'mug.png', ...over });
    const linked = (over: Partial<LinkRow> = {}): LinkRow => ({
      _id: 's:product:i1',
      entity: 'product',
      zohoId: 'i1',
      bigcommerceId: '5',
      sku: 'MUG',
      hash: hashOf({ name: 'Mug', sku: 'MUG', price: 9.5, description: 'A mug' }),
      hidden: false,
      ...over,
    });

    it('a new product gets its Zoho image, downloaded from the item', () => {
      const [op] = plan({ items: [pictured()] });
      expect(op).toMatchObject({ kind: 'create', image: { action: 'set', source: { path: '/items/i1/image', key: 'mug.png', filename: 'mug.png' } } });
      expect((op as { image: { replaceImageId?: number } }).image.replaceImageId).toBeUndefined();
    });

    it('the same Zoho image is not uploaded again; a new one replaces the one the app uploaded, without a product write', () => {
      const link = linked({ imageKey: 'mug.png', imageHash: 'bytes1', bigcommerceImageId: '40' });
      expect(kinds(plan({ items: [pictured()], links: [link] }))).toEqual(['unchanged:i1']);
      const [op] = plan({ items: [pictured({ image_name: 'mug-blue.png' })], links: [link] });
      expect(op).toMatchObject({ kind: 'update', fields: {}, variants: [], image: { action: 'set', source: { key: 'mug-blue.png' }, replaceImageId: 40, knownHash: 'bytes1' } });
    });

    it('a link saved with the former `<image id>:<name>` key names the same image: it is not downloaded again', () => {
      expect(kinds(plan({ items: [pictured()], links: [linked({ imageKey: 'img1:mug.png', bigcommerceImageId: '40' })] }))).toEqual(['unchanged:i1']);
      expect(plan({ items: [pictured()], links: [linked({ imageKey: 'img1:mug-old.png', bigcommerceImageId: '40' })] })).toMatchObject([{ image: { action: 'set' } }]);
    });

    it('an image Zoho no longer has comes off; one remembered as not downloadable is not asked for again', () => {
      expect(plan({ items: [item({})], links: [linked({ imageKey: 'mug.png', bigcommerceImageId: '40' })] })).toMatchObject([
        { kind: 'update', fields: {}, image: { action: 'remove', imageId: 40 } },
      ]);
      expect(kinds(plan({ items: [pictured()], links: [linked({ imageKey: 'mug.png' })] }))).toEqual(['unchanged:i1']);
    });

    it('an item group takes the group’s own image through an item that shows it, else its first active variant’s', () => {
      const members = ['S', 'M', 'L'].map((size) => item({ item_id: `t${size}`, sku: `TS-${size}`, group_id: 'g1', attribute_option_name1: size }));
      const group = { group_id: 'g1', group_name: 'T-Shirt', attributes: [{ name: 'Size' }] };
      const groupImage = { image_name: 'tee.png' };
      // Zoho gives the group's items its image; an item's own image does not win over it.
      Object.assign(members[0]!, { image_name: 'tee-s.png' });
      Object.assign(members[2]!, groupImage);
      const withGroupImage = plan({ items: members, groups: new Map([['g1', { ...group, ...groupImage }]]) });
      expect(withGroupImage[0]).toMatchObject({ image: { source: { path: '/items/tL/image', key: 'tee.png' } } });
      // itemgroups.yml documents no download of the group's image: never /itemgroups/{id}/image.
      const noItemShowsIt = [members[0]!, members[1]!, item({ item_id: 'tL', sku: 'TS-L', group_id: 'g1', attribute_option_name1: 'L' })];
      const fromVariant = plan({ items: noItemShowsIt, groups: new Map([['g1', { ...group, ...groupImage }]]) });
      expect(fromVariant[0]).toMatchObject({ image: { source: { path: '/items/tS/image', key: 'tee-s.png' } } });
      // A group image nothing documented can read leaves the product's image as it is (it is not taken off).
      const bare = ['S', 'M'].map((size) => item({ item_id: `t${size}`, sku: `TS-${size}`, group_id: 'g1', attribute_option_name1: size }));
      const unreadable = plan({ items: bare, groups: new Map([['g1', { ...group, ...groupImage }]]), links: [linked({ zohoId: 'group:g1', imageKey: 'old', bigcommerceImageId: '40' })] });
      expect(unreadable[0]).not.toHaveProperty('image', expect.anything());
    });

    it('nothing about images when BigCommerce keeps its own', () => {
      const keepImages = { ...settings, zohoOwns: { ...settings.zohoOwns, images: false } };
      expect(plan({ items: [pictured()], settings: keepImages })[0]).not.toHaveProperty('image', expect.anything());
      expect(kinds(plan({ items: [item({})], links: [linked({ imageKey: 'old', bigcommerceImageId: '40' })], settings: keepImages }))).toEqual(['unchanged:i1']);
    });
  });

  describe('categories', () => {
    it('the Zoho category travels with the product by name, and a changed category is a change', () => {
      const [created] = plan({ items: [item({ category_name: ' Kitchen ' })] });
      expect(created).toMatchObject({ kind: 'create', category: 'Kitchen' });
      const hash = (created as { hash: string }).hash;
      const link: LinkRow = { _id: 's:product:i1', entity: 'product', zohoId: 'i1', bigcommerceId: '5', sku: 'MUG', hash, hidden: false };
      expect(kinds(plan({ items: [item({ category_name: 'Kitchen' })], links: [link] }))).toEqual(['unchanged:i1']);
      expect(plan({ items: [item({ category_name: 'Dining' })], links: [link] })).toMatchObject([{ kind: 'update', category: 'Dining' }]);
    });

    it('an item group takes the group’s category, else its variants’', () => {
      const members = [item({ item_id: 'tS', sku: 'TS-S', group_id: 'g1', attribute_option_name1: 'S', category_name: 'Apparel' })];
      const group = { group_id: 'g1', group_name: 'T-Shirt', attributes: [{ name: 'Size' }] };
      expect(plan({ items: members, groups: new Map([['g1', group]]) })[0]).toMatchObject({ category: 'Apparel' });
      expect(plan({ items: members, groups: new Map([['g1', { ...group, category_name: 'Tops' }]]) })[0]).toMatchObject({ category: 'Tops' });
    });

    it('no category when BigCommerce keeps its own, and the hash is the same as without one', () => {
      const keepCategories = { ...settings, zohoOwns: { ...settings.zohoOwns, categories: false } };
      const [withCategory] = plan({ items: [item({ category_name: 'Kitchen' })], settings: keepCategories });
      const [without] = plan({ items: [item({})] });
      expect((withCategory as { category?: string }).category).toBeUndefined();
      expect((withCategory as { hash: string }).hash).toBe((without as { hash: string }).hash);
    });
  });
});
