import { Router } from 'express';
import type { ZohoLocation } from '../records.js';
import { ok, orgOf } from './support.js';

export function serializeLocation(location: ZohoLocation) {
  return {
    location_id: location.location_id,
    location_name: location.location_name,
    type: location.type,
    is_primary: location.is_primary,
    is_primary_location: location.is_primary,
    status: location.status,
    is_location_active: location.status === 'active',
    email: location.email,
    phone: location.phone,
    address: location.address,
    parent_location_id: '',
    associated_series_ids: [],
    is_all_users_selected: true,
    associated_users: [],
  };
}

/** GET /locations (all of them, unpaged, as Zoho lists them) and GET /locations/{id}. */
export function locationsRoutes(): Router {
  const router = Router();

  router.get('/locations', (_req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { locations: [...org.locations.values()].map(serializeLocation) });
  });

  router.get('/locations/:location_id', (req, res) => {
    const org = orgOf(res);
    ok(res, 200, 'success', { location: serializeLocation(org.get(org.locations, req.params.location_id, 'Location')) });
  });

  return router;
}
