import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../sandbox/zoho/webhooks.js';
import { receiptIdFor } from '../../server/zoho/webhookIntake.js';
import { ZOHO_WEBHOOK_MODULE_NAMES, parseZohoEvent, webhookBodyTemplates } from '../../server/zoho/webhookTemplates.js';

describe('webhook body templates', () => {
  it('name the record and its last change with Zoho placeholders, for every module', () => {
    const templates = webhookBodyTemplates();
    for (const module of ZOHO_WEBHOOK_MODULE_NAMES) {
      expect(templates[module]).toMatchObject({ module, last_modified_time: `\${${module}.last_modified_time}` });
      expect(templates[module].record_id).toMatch(new RegExp(`^\\$\\{${module}\\.[a-z_]+_id\\}$`));
    }
  });

  it('filled in as Zoho fills them, parse back to the event', () => {
    const filled = renderTemplate(webhookBodyTemplates().itemgroup, { itemgroup: { group_id: '42', last_modified_time: '2026-03-01T10:00:00+0100' } });
    expect(parseZohoEvent(filled)).toEqual({ module: 'itemgroup', recordId: '42', lastModifiedTime: '2026-03-01T10:00:00+0100' });
  });
});

describe('parseZohoEvent', () => {
  it('reads the template shape', () => {
    expect(parseZohoEvent({ module: 'salesorder', record_id: '9', last_modified_time: 't' })).toEqual({ module: 'salesorder', recordId: '9', lastModifiedTime: 't' });
    expect(parseZohoEvent({ module: 'Sales_Order', record_id: 9 })).toEqual({ module: 'salesorder', recordId: '9', lastModifiedTime: undefined });
  });

  it('reads Zoho’s whole-record payload', () => {
    expect(parseZohoEvent({ inventory_adjustment: { inventory_adjustment_id: '5', last_modified_time: 't2' } })).toEqual({
      module: 'inventory_adjustment',
      recordId: '5',
      lastModifiedTime: 't2',
    });
    expect(parseZohoEvent({ shipmentorder: { shipment_id: '6' } })).toMatchObject({ module: 'shipmentorder', recordId: '6' });
  });

  it.each([
    [{ module: 'item', record_id: '${item.item_id}' }],
    [{ module: 'item' }],
    [{ module: 'pricebook', record_id: '1' }],
    [{ item: 'not an object' }],
    [[{ module: 'item', record_id: '1' }]],
    ['text'],
    [null],
  ])('finds nothing it follows in %j', (body) => {
    expect(parseZohoEvent(body)).toBeUndefined();
  });

  it('ignores an unfilled last_modified_time placeholder', () => {
    expect(parseZohoEvent({ module: 'item', record_id: '1', last_modified_time: '${item.last_modified_time}' })?.lastModifiedTime).toBeUndefined();
  });
});

describe('receipt ids (Zoho sends no delivery id)', () => {
  const raw = Buffer.from('{"module":"item","record_id":"1"}');
  it('key on the record and its last change when the body has it', () => {
    const event = { module: 'item' as const, recordId: '1', lastModifiedTime: 't1' };
    expect(receiptIdFor('s1', event, raw)).toBe('zoho:s1:item:1:t1');
    expect(receiptIdFor('s1', { ...event, lastModifiedTime: 't2' }, raw)).not.toBe(receiptIdFor('s1', event, raw));
    expect(receiptIdFor('s2', event, raw)).not.toBe(receiptIdFor('s1', event, raw));
  });

  it('otherwise on the body’s hash within a minute', () => {
    const at = Date.UTC(2026, 0, 1, 10, 0, 5);
    const event = { module: 'item' as const, recordId: '1', lastModifiedTime: undefined };
    expect(receiptIdFor('s1', event, raw, at)).toBe(receiptIdFor('s1', event, raw, at + 30_000));
    expect(receiptIdFor('s1', event, raw, at)).not.toBe(receiptIdFor('s1', event, raw, at + 60_000));
    expect(receiptIdFor('s1', event, Buffer.from('{}'), at)).not.toBe(receiptIdFor('s1', event, raw, at));
  });
});
