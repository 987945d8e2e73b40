import { StoreUser, User, storeUserId } from '../db/models/index.js';
import { badRequest, notFound } from '../http/errors.js';

/**
 * Who may manage the app in a store, Express-free. Roles come from BigCommerce: the store's
 * owner, the admin who installed the app, and every other control-panel user. The owner always
 * manages the app and lets other users manage it (`canManage`); an admin who installed it may
 * too, until the owner says otherwise. Everyone else reads.
 */
export type StoreRole = 'owner' | 'admin' | 'user';

export interface StoreUserInfo {
  id: string;
  email: string;
  role: StoreRole;
  canManage: boolean;
}

/** The one rule: the owner manages; anyone else when the owner (or the install) allowed it. */
export const mayManage = (membership: { role: string; canManage?: boolean | null }) => membership.role === 'owner' || membership.canManage === true;

/**
 * A user's role at a load, from BigCommerce's payload: the owner it names is the owner; the
 * admin who installed the app stays one; anyone else (a former owner included) is a user. Without
 * an owner in the payload, what was known stands.
 */
export function roleAtLoad(userId: string, ownerId: string | undefined, known: StoreRole | undefined): StoreRole {
  if (ownerId === undefined) return known ?? 'user';
  if (ownerId === userId) return 'owner';
  return known === 'admin' ? 'admin' : 'user';
}

export async function listStoreUsers(storeHash: string): Promise<StoreUserInfo[]> {
  const memberships = await StoreUser.find({ storeHash }, { userId: 1, role: 1, canManage: 1 }).lean();
  const users = await User.find({ _id: { $in: memberships.map((m) => m.userId) } }, { email: 1 }).lean();
  const emailOf = new Map(users.map((u) => [u._id, u.email ?? '']));
  const order: Record<string, number> = { owner: 0, admin: 1, user: 2 };
  return memberships
    .map((m) => ({ id: m.userId, email: emailOf.get(m.userId) ?? '', role: m.role as StoreRole, canManage: mayManage(m) }))
    .sort((a, b) => order[a.role]! - order[b.role]! || a.email.localeCompare(b.email));
}

/** The owner lets a user of the store manage the app, or takes it back. */
export async function setCanManage(storeHash: string, userId: string, canManage: boolean): Promise<StoreUserInfo> {
  const membership = await StoreUser.findById(storeUserId(storeHash, userId), { role: 1 }).lean();
  if (!membership) throw notFound('unknown_user', 'No such user of this store.');
  if (membership.role === 'owner') throw badRequest('owner_manages', 'The store owner always manages the app.');
  await StoreUser.updateOne({ _id: storeUserId(storeHash, userId) }, { $set: { canManage } });
  const user = await User.findById(userId, { email: 1 }).lean();
  return { id: userId, email: user?.email ?? '', role: membership.role as StoreRole, canManage };
}
