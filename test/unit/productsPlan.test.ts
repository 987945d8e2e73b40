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
});
