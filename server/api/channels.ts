import { Router } from 'express';
import { storeChannels } from '../bigcommerce/channels.js';
import { StoreNotConnectedError } from '../bigcommerce/clientFactory.js';
import { BigCommerceApiError } from '../bigcommerce/errors.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { sessionOf } from './requireSession.js';

/** GET /api/channels: the store's BigCommerce channels (storefronts, marketplaces…) for the order settings; any panel user may read. */
export function channelsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/channels', async (req, res) => {
    try {
      res.json({ channels: await storeChannels(ctx, sessionOf(req).storeHash) });
    } catch (error) {
      if (error instanceof StoreNotConnectedError) throw new HttpError(409, 'bigcommerce_not_connected', error.message);
      if (error instanceof BigCommerceApiError) throw new HttpError(502, 'bigcommerce_error', `BigCommerce answered: ${error.message}`);
      throw error;
    }
  });

  return router;
}
