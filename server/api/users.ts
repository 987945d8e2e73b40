import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../http/errors.js';
import { listStoreUsers, setCanManage } from '../users/service.js';
import { requireOwner } from './permissions.js';
import { sessionOf } from './requireSession.js';

const userId = z.string().regex(/^\d{1,20}$/, 'a BigCommerce user id');
const canManageBody = z.object({ canManage: z.boolean() }).strict();

/** The store's users and who may manage the app: everyone reads it, only the owner changes it. */
export function usersRoutes(): Router {
  const router = Router();

  router.get('/users', async (req, res) => {
    res.json({ users: await listStoreUsers(sessionOf(req).storeHash) });
  });

  router.put('/users/:id', requireOwner, async (req, res) => {
    const id = userId.safeParse(req.params.id);
    const body = canManageBody.safeParse(req.body);
    if (!id.success || !body.success) throw badRequest('invalid_user_change', 'Send {"canManage": true | false} for a user of this store.');
    res.json(await setCanManage(sessionOf(req).storeHash, id.data, body.data.canManage));
  });

  return router;
}
