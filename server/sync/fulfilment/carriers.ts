import type { Settings } from '../../settings/schema.js';

/** How a BigCommerce shipment names its carrier: `shipping_provider` and `tracking_carrier`. */
export interface CarrierFields {
  shippingProvider: string;
  trackingCarrier: string;
}

/**
 * Carriers known without a settings row, by their name with case, spaces and punctuation
 * dropped. `shipping_provider` must be one of BigCommerce's own providers (or empty);
 * `tracking_carrier` is an AfterShip courier slug, so carriers BigCommerce has no provider for
 * (DHL) still get a tracking link.
 */
const KNOWN_CARRIERS: Record<string, CarrierFields> = {
  fedex: { shippingProvider: 'fedex', trackingCarrier: 'fedex' },
  federalexpress: { shippingProvider: 'fedex', trackingCarrier: 'fedex' },
  ups: { shippingProvider: 'ups', trackingCarrier: 'ups' },
  usps: { shippingProvider: 'usps', trackingCarrier: 'usps' },
  unitedstatespostalservice: { shippingProvider: 'usps', trackingCarrier: 'usps' },
  endicia: { shippingProvider: 'endicia', trackingCarrier: 'usps' },
  auspost: { shippingProvider: 'auspost', trackingCarrier: 'australia-post' },
  australiapost: { shippingProvider: 'auspost', trackingCarrier: 'australia-post' },
  canadapost: { shippingProvider: 'canadapost', trackingCarrier: 'canada-post' },
  royalmail: { shippingProvider: 'royalmail', trackingCarrier: 'royal-mail' },
  dhl: { shippingProvider: '', trackingCarrier: 'dhl' },
  dhlexpress: { shippingProvider: '', trackingCarrier: 'dhl' },
};

const normalize = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The merchant's row for this Zoho carrier (matched ignoring case and spacing) wins; else a
 * carrier BigCommerce knows by name; else empty fields, which BigCommerce accepts and for
 * which it still links the tracking number through AfterShip.
 */
export function carrierFor(deliveryMethod: string | undefined, mapping: Settings['fulfilment']['carriers']): CarrierFields {
  const name = normalize(deliveryMethod ?? '');
  if (!name) return { shippingProvider: '', trackingCarrier: '' };
  const row = mapping.find((r) => normalize(r.zoho) === name);
  if (row) return { shippingProvider: row.shippingProvider, trackingCarrier: row.trackingCarrier };
  return KNOWN_CARRIERS[name] ?? { shippingProvider: '', trackingCarrier: '' };
}
