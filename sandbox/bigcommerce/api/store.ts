import { Router } from 'express';
import { epochSeconds, isoDate } from '../dates.js';
import type { Plan } from '../model.js';
import { pageRequest, v3Page } from '../pagination.js';
import type { BigCommerceState, SimStore } from '../state.js';
import { storeOf, type Query } from './params.js';

const PLAN_NAMES: Record<Plan, string> = { standard: 'Standard', plus: 'Plus', pro: 'Pro', enterprise: 'Enterprise' };

export function storeInformationView(state: BigCommerceState, store: SimStore) {
  const domain = `store-${store.hash}.mybigcommerce.com`;
  return {
    id: store.hash,
    account_uuid: store.accountUuid,
    domain,
    secure_url: `https://${domain}`,
    control_panel_base_url: `https://${domain}`,
    status: 'live',
    name: store.name,
    first_name: 'Sandbox',
    last_name: 'Owner',
    address: '',
    country: 'United States',
    country_code: 'US',
    infrastructure_region: 'us-central1',
    phone: '',
    admin_email: store.owner.email,
    order_email: store.owner.email,
    favicon_url: '',
    timezone: { name: 'Etc/UTC', raw_offset: 0, dst_offset: 0, dst_correction: false, date_format: { display: 'jS M Y', export: 'M jS Y', extended_display: 'M jS Y @ g:i A' } },
    language: 'en',
    currency: store.currency,
    currency_symbol: '$',
    decimal_separator: '.',
    thousands_separator: ',',
    decimal_places: 2,
    currency_symbol_location: 'left',
    weight_units: 'LBS',
    dimension_units: 'Inches',
    dimension_decimal_places: 2,
    dimension_decimal_token: '.',
    dimension_thousands_token: ',',
    plan_name: PLAN_NAMES[store.plan],
    plan_level: PLAN_NAMES[store.plan],
    plan_is_trial: false,
    industry: '',
    logo: [],
    is_price_entered_with_tax: false,
    store_id: store.storeId,
    default_channel_id: 1,
    default_site_id: 1000,
    active_comparison_modules: [],
    features: {
      stencil_enabled: true,
      sitewidehttps_enabled: true,
      facebook_catalog_id: '',
      checkout_type: 'optimized',
      wishlists_enabled: false,
      graphql_storefront_api_enabled: true,
      shopper_consent_tracking_enabled: false,
      multi_storefront_enabled: true,
      storefront_limits: { active: 1, total_including_inactive: 1 },
    },
  };
}

/** Every store has its own storefront channel, id 1, and the channels a test or the demo added. */
function channelsOf(state: BigCommerceState, store: SimStore) {
  const created = isoDate(store.locations.get(store.defaultLocationId)?.createdAt ?? state.clock.now());
  return [
    {
      id: 1,
      external_id: '',
      is_listable_from_ui: true,
      is_visible: true,
      is_enabled: true,
      status: 'active',
      name: store.name,
      type: 'storefront',
      platform: 'bigcommerce',
      date_created: created,
      date_modified: created,
      icon_url: '',
    },
    ...[...store.channels].map(([id, c]) => ({
      id,
      external_id: '',
      is_listable_from_ui: true,
      is_visible: true,
      is_enabled: true,
      status: 'active',
      name: c.name,
      type: c.type,
      platform: c.platform,
      date_created: created,
      date_modified: created,
      icon_url: '',
    })),
  ];
}

/** v2 `/store` and `/time`. */
export function storeInformationRoutes(state: BigCommerceState): Router {
  const router = Router();
  router.get('/store', (_req, res) => {
    res.json(storeInformationView(state, storeOf(res)));
  });
  router.get('/time', (_req, res) => {
    res.json({ time: epochSeconds(state.clock.now()) });
  });
  return router;
}

/** v3 `/channels`. */
export function channelRoutes(state: BigCommerceState): Router {
  const router = Router();
  router.get('/channels', (req, res) => {
    const store = storeOf(res);
    res.json(v3Page(channelsOf(state, store), pageRequest(req.query as Query, state.limits.current.maxPageSize), (c) => c));
  });
  return router;
}
