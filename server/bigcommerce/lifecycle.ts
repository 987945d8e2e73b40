import type { AppContext } from '../context.js';
import { encryptSecret } from '../crypto.js';
import { Store, StoreUser, User, storeUserId } from '../db/models/index.js';
import { badRequest, forbidden } from '../http/errors.js';
import { roleAtLoad, type StoreRole } from '../users/service.js';
import { exchangeAuthCode } from './oauth.js';
import type { SignedPayload } from './signedPayload.js';
import { disconnectZoho } from '../zoho/connection.js';
import { ensureWebhooksOrRetryLater } from './webhooks.js';

/**
 * The app's lifecycle in one store, as BigCommerce's callbacks drive it. Express-free: routes
 * in callbacks.ts verify and parse, then call these.
 */
export interface StoreSession {
  storeHash: string;
  userId: string;
}

export async function installStore(
  ctx: AppContext,
  params: { code: string; scope: string; context: string },
): Promise<StoreSession> {
  if (!/^stores\/[A-Za-z0-9]+$/.test(params.context)) {
    throw badRequest('invalid_context', 'The install callback needs context=stores/{hash}.');
  }
  const token = await exchangeAuthCode(ctx.config, params);
  const storeHash = token.context.slice('stores/'.length);
  const userId = String(token.user.id);
  const now = new Date();
  await Store.updateOne(
    { _id: storeHash },
    {
      $set: {
        status: 'installed',
        accessTokenSealed: encryptSecret(token.access_token, ctx.config.encryptionKey),
        scope: token.scope,
        accountUuid: token.account_uuid,
        ownerId: token.owner ? String(token.owner.id) : userId,
        ownerEmail: token.owner?.email ?? token.user.email,
        installedAt: now,
      },
    },
    { upsert: true },
  );
  await upsertUser(userId, token.user.email, token.user.username);
  const role = token.owner && String(token.owner.id) === userId ? 'owner' : 'admin';
  // Whoever installs the app may manage it (the owner always may; an admin until the owner says otherwise).
  await StoreUser.updateOne(
    { _id: storeUserId(storeHash, userId) },
    { $set: { storeHash, userId, role, ...(role === 'admin' ? { canManage: true } : {}) } },
    { upsert: true },
  );
  ctx.logger.info({ storeHash, userId }, 'store installed');
  await ensureWebhooksOrRetryLater(ctx, storeHash);
  return { storeHash, userId };
}

/** Load: a verified payload for an installed store; users not seen before are provisioned, and every user's role is kept current. */
export async function loadStore(ctx: AppContext, payload: SignedPayload): Promise<StoreSession> {
  await requireInstalled(payload.storeHash);
  const { storeHash, user } = payload;
  await upsertUser(user.id, user.email);
  const existing = await StoreUser.findById(storeUserId(storeHash, user.id), { role: 1 }).lean();
  const role = roleAtLoad(user.id, payload.owner?.id, existing?.role as StoreRole | undefined);
  if (existing?.role !== role) {
    // The store's owner can change in BigCommerce: the role follows at the next load.
    await StoreUser.updateOne({ _id: storeUserId(storeHash, user.id) }, { $set: { storeHash, userId: user.id, role } }, { upsert: true });
    ctx.logger.info({ storeHash, userId: user.id, role, was: existing?.role }, existing ? 'store user role changed at load' : 'store user provisioned at load');
  }
  // Every load repairs the store's webhooks (one listing call when nothing is wrong).
  await ensureWebhooksOrRetryLater(ctx, storeHash);
  return { storeHash, userId: user.id };
}

/** Uninstall: tokens erased, access ended, jobs cancelled; the store's history stays. */
export async function uninstallStore(ctx: AppContext, payload: SignedPayload): Promise<void> {
  await requireInstalled(payload.storeHash);
  const { storeHash } = payload;
  await Store.updateOne(
    { _id: storeHash },
    { $set: { status: 'uninstalled', uninstalledAt: new Date() }, $unset: { accessTokenSealed: 1 } },
  );
  await StoreUser.deleteMany({ storeHash });
  // The merchant's Zoho grant must not outlive the app in their store.
  await disconnectZoho(ctx, storeHash);
  const cancelled = await ctx.jobs.cancelStoreJobs(storeHash);
  ctx.logger.info({ storeHash, cancelledJobs: cancelled }, 'store uninstalled');
}

/** remove_user: that user's access to this store ends at once. */
export async function removeStoreUser(ctx: AppContext, payload: SignedPayload): Promise<void> {
  await requireInstalled(payload.storeHash);
  await StoreUser.deleteOne({ _id: storeUserId(payload.storeHash, payload.user.id) });
  ctx.logger.info({ storeHash: payload.storeHash, userId: payload.user.id }, 'store user removed');
}

async function requireInstalled(storeHash: string): Promise<void> {
  const store = await Store.findById(storeHash, { status: 1 }).lean();
  if (!store || store.status !== 'installed') {
    throw forbidden('store_not_installed', `Store ${storeHash} has not installed the app (or has uninstalled it). Install it again from the control panel.`);
  }
}

async function upsertUser(id: string, email: string, username?: string): Promise<void> {
  await User.updateOne(
    { _id: id },
    { $set: { email, lastSeenAt: new Date(), ...(username ? { username } : {}) } },
    { upsert: true },
  );
}
