import { Router } from 'express';
import { notFound } from '../errors.js';
import type { ZohoOrg } from '../org.js';
import type { ZohoState } from '../state.js';
import { callerOf, ok } from './support.js';

const PLAN_TYPES = { free: 0, standard: 11, professional: 12, premium: 13, enterprise: 14 } as const;

export function serializeOrganization(org: ZohoOrg, defaultOrg: boolean) {
  const i = org.info;
  return {
    organization_id: i.organization_id,
    name: i.name,
    contact_name: i.contact_name,
    email: i.email,
    is_default_org: defaultOrg,
    plan_type: PLAN_TYPES[i.plan],
    plan_name: i.plan.toUpperCase(),
    plan_period: 'monthly',
    tax_group_enabled: false,
    zi_migration_status: 0,
    language_code: 'en',
    fiscal_year_start_month: 0,
    account_created_date: i.account_created_date,
    time_zone: i.time_zone,
    is_org_active: true,
    currency_id: `${i.organization_id}000`,
    currency_code: i.currency_code,
    currency_symbol: i.currency_symbol,
    currency_format: '###,##0.00',
    price_precision: 2,
    date_format: 'yyyy-MM-dd',
    field_separator: '-',
  };
}

/** GET /organizations (the user's organizations; needs no organization_id) and GET /organizations/{id}. */
export function organizationsRoutes(state: ZohoState): Router {
  const router = Router();

  router.get('/organizations', (_req, res) => {
    const { user } = callerOf(res);
    const orgs = [...user.organizationIds].map((id) => state.organization(id));
    ok(res, 200, 'success', { organizations: orgs.map((o, n) => serializeOrganization(o, n === 0)) });
  });

  router.get('/organizations/:organization_id', (req, res) => {
    const { user } = callerOf(res);
    const id = req.params.organization_id;
    if (!user.organizationIds.has(id)) throw notFound('Organization');
    const org = state.organization(id);
    ok(res, 200, 'success', { organization: serializeOrganization(org, [...user.organizationIds][0] === id) });
  });

  return router;
}
