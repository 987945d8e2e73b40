import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../server/settings/schema.js';
import { carrierFor } from '../../server/sync/fulfilment/carriers.js';
import { decideStatus, salesOrderStates } from '../../server/sync/fulfilment/statuses.js';

describe('carrierFor: Zoho delivery method → BigCommerce shipping provider and tracking carrier', () => {
  it('knows the common carriers by name, whatever their spelling', () => {
    expect(carrierFor('FedEx', [])).toEqual({ shippingProvider: 'fedex', trackingCarrier: 'fedex' });
    expect(carrierFor('UPS', [])).toEqual({ shippingProvider: 'ups', trackingCarrier: 'ups' });
    expect(carrierFor('Royal Mail', [])).toEqual({ shippingProvider: 'royalmail', trackingCarrier: 'royal-mail' });
    expect(carrierFor('Australia Post', [])).toEqual({ shippingProvider: 'auspost', trackingCarrier: 'australia-post' });
    // BigCommerce has no DHL provider: the tracking carrier still gives a link.
    expect(carrierFor('DHL', [])).toEqual({ shippingProvider: '', trackingCarrier: 'dhl' });
  });

  it('leaves both empty for a carrier it does not know, or none', () => {
    expect(carrierFor('Bob’s Van', [])).toEqual({ shippingProvider: '', trackingCarrier: '' });
    expect(carrierFor('', [])).toEqual({ shippingProvider: '', trackingCarrier: '' });
    expect(carrierFor(undefined, [])).toEqual({ shippingProvider: '', trackingCarrier: '' });
  });

  it('lets the merchant’s table win, matched ignoring case and spacing', () => {
    const carriers = settingsSchema.parse({
      fulfilment: {
        carriers: [
          { zoho: "Bob's Van", trackingCarrier: 'bobs-van' },
          { zoho: 'FedEx', shippingProvider: 'carrier_42', trackingCarrier: 'fedex' },
        ],
      },
    }).fulfilment.carriers;
    expect(carrierFor("bob's  van", carriers)).toEqual({ shippingProvider: '', trackingCarrier: 'bobs-van' });
    expect(carrierFor('fedex', carriers)).toEqual({ shippingProvider: 'carrier_42', trackingCarrier: 'fedex' });
    expect(carrierFor('UPS', carriers)).toEqual({ shippingProvider: 'ups', trackingCarrier: 'ups' });
  });
});

describe('salesOrderStates', () => {
  it('gathers the status and sub-statuses, lower-cased', () => {
    const states = salesOrderStates({ salesorder_id: '1', status: 'Confirmed', shipped_status: 'partially_shipped', paid_status: 'paid', packages: [] });
    expect([...states].sort()).toEqual(['confirmed', 'paid', 'partially_shipped']);
  });

  it('adds `delivered` only once every package is delivered and nothing is left to ship', () => {
    const delivered = { status: 'delivered', shipment_status: 'delivered' };
    const base = { salesorder_id: '1', status: 'confirmed', shipped_status: 'fulfilled' };
    expect(salesOrderStates({ ...base, packages: [{ package_id: 'a', ...delivered }, { package_id: 'b', ...delivered }] }).has('delivered')).toBe(true);
    expect(salesOrderStates({ ...base, packages: [{ package_id: 'a', ...delivered }, { package_id: 'b', status: 'shipped' }] }).has('delivered')).toBe(false);
    expect(salesOrderStates({ ...base, shipped_status: 'partially_shipped', packages: [{ package_id: 'a', ...delivered }] }).has('delivered')).toBe(false);
    expect(salesOrderStates({ ...base, packages: [] }).has('delivered')).toBe(false);
  });
});

describe('decideStatus: the optional status mapping never moves an order backwards', () => {
  const mapping = [
    { zoho: 'Delivered', bigcommerceStatusId: 10 }, // Completed
    { zoho: 'shipped', bigcommerceStatusId: 2 }, // Shipped
    { zoho: 'void', bigcommerceStatusId: 5 }, // Cancelled: not the app's to set
  ];

  it('moves an order forward to the furthest matching status', () => {
    expect(decideStatus(new Set(['delivered', 'shipped']), mapping, 2)).toEqual({ kind: 'move', statusId: 10, because: 'delivered' });
    expect(decideStatus(new Set(['shipped']), mapping, 11)).toEqual({ kind: 'move', statusId: 2, because: 'shipped' });
  });

  it('keeps an order that is as far along or further', () => {
    expect(decideStatus(new Set(['shipped']), mapping, 2)).toMatchObject({ kind: 'keep' });
    expect(decideStatus(new Set(['shipped']), mapping, 10)).toMatchObject({ kind: 'keep' });
  });

  it('never touches refunded, cancelled, declined or disputed orders, nor moves one there', () => {
    for (const current of [4, 5, 6, 13, 14]) expect(decideStatus(new Set(['delivered']), mapping, current)).toMatchObject({ kind: 'keep' });
    expect(decideStatus(new Set(['void']), mapping, 11)).toMatchObject({ kind: 'keep' });
  });

  it('does nothing when no row matches', () => {
    expect(decideStatus(new Set(['confirmed']), mapping, 11)).toEqual({ kind: 'none' });
    expect(decideStatus(new Set(['delivered']), [], 11)).toEqual({ kind: 'none' });
  });
});
