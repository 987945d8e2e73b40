import type { AppContext } from '../context.js';
import { decryptSecret, encryptSecret, randomToken } from '../crypto.js';
import { OAuthState, ZohoConnection, type ZohoConnectionStatus } from '../db/models/index.js';
import { HttpError, badRequest, forbidden } from '../http/errors.js';
import { clearStoreSchedules, syncStoreSchedules } from '../sync/scheduler.js';
import { zohoClientFor } from './client.js';
import { accountsUrlFor, apiBaseFor, dataCenterFromLocation, trustedAccountsServer, type ZohoDataCenter } from './dataCenters.js';
import { organizationZone, organizationZoneLogged } from './dates.js';
import { ZohoAuthError } from './errors.js';
import { buildAuthorizeUrl, exchangeCode, revokeToken } from './oauth.js';
import { DAILY_CALLS_BY_PLAN, planFromName, type ZohoPlan } from './plans.js';
import { zohoRuntime } from './runtime.js';
import { ZOHO_WEBHOOK_SECRET_HEADER, webhookBodyTemplates } from './webhookTemplates.js';

/**
 * Connecting a store to a Zoho Inventory organization, Express-free: the panel asks for an
 * authorize URL, Zoho sends the merchant back to /zoho/callback, which hands the answer to the
 * panel that opened it; the panel's session completes it (only the session that started it
 * may), then the merchant picks an organization; disconnect and uninstall revoke the refresh
 * token and forget it all.
 */

/** How long the merchant has to finish Zoho's consent page. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

const NO_LEASE = new Date(0);

export async function startZohoConnect(ctx: AppContext, who: { storeHash: string; userId: string }, dc: ZohoDataCenter): Promise<{ authorizeUrl: string }> {
  if (!ctx.config.zoho.clientId || !ctx.config.zoho.clientSecret) {
    throw new HttpError(503, 'zoho_not_configured', 'The app has no Zoho client id and secret (ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET).');
  }
  const now = new Date();
  // No TTL indexes on the embedded database: each new state sweeps the expired ones.
  await OAuthState.deleteMany({ expiresAt: { $lt: now } });
  const state = randomToken(24);
  await OAuthState.create({ _id: state, provider: 'zoho', storeHash: who.storeHash, userId: who.userId, dc, expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS) });
  return { authorizeUrl: buildAuthorizeUrl(ctx.config, accountsUrlFor(ctx.config, dc), state) };
}

export interface CallbackQuery {
  code?: unknown;
  state?: unknown;
  location?: unknown;
  'accounts-server'?: unknown;
  error?: unknown;
}

/**
 * A consent's state, checked without using it up: known, unused and unexpired. The callback
 * page asks this before it hands Zoho's answer to the panel; completing it asks again.
 */
export async function checkZohoState(state: unknown) {
  if (typeof state !== 'string' || state.length === 0 || state.length > 100) {
    throw badRequest('invalid_state', 'This Zoho sign-in link is incomplete. Start again from the app.');
  }
  const pending = await OAuthState.findOne({ _id: state, provider: 'zoho' }).lean();
  if (!pending) throw badRequest('invalid_state', 'This Zoho sign-in link is unknown or was already used. Start again from the app.');
  if (pending.expiresAt.getTime() < Date.now()) throw badRequest('expired_state', 'This Zoho sign-in link has expired. Start again from the app.');
  return pending;
}

/**
 * The authorize redirect's answer, as the panel hands it on: the state must be the one this
 * session (store and user) started, so a consent given by someone else, on a link this store's
 * admin sent them, binds nothing. It is claimed (once, unexpired), the accounts server checked,
 * and only then is the client secret sent, to exchange the code.
 */
export async function completeZohoConnect(ctx: AppContext, who: { storeHash: string; userId: string }, query: CallbackQuery): Promise<ZohoConnectionSummary> {
  const pending = await checkZohoState(query.state);
  if (pending.storeHash !== who.storeHash || pending.userId !== who.userId) {
    ctx.logger.warn({ storeHash: who.storeHash, userId: who.userId, startedBy: { storeHash: pending.storeHash, userId: pending.userId } }, 'zoho consent completed by another session refused');
    throw forbidden('zoho_consent_other_session', 'This Zoho sign-in was started from another session of the app. Nothing was connected: start again from this panel.');
  }
  // Claimed by the session that started it: two tabs completing it at once cannot both win.
  const claimed = await OAuthState.findOneAndDelete({ _id: pending._id, provider: 'zoho', storeHash: who.storeHash, userId: who.userId }).lean();
  if (!claimed) throw badRequest('invalid_state', 'This Zoho sign-in link was already used. Start again from the app.');
  if (query.error !== undefined) {
    throw badRequest('zoho_declined', `Zoho did not grant access (${String(query.error).slice(0, 60)}). Start again from the app to retry.`);
  }
  if (typeof query.code !== 'string' || query.code.length === 0) throw badRequest('missing_code', 'Zoho sent no authorization code. Start again from the app.');

  const chosenDc = claimed.dc as ZohoDataCenter;
  const named = query['accounts-server'];
  const trusted = named === undefined ? { origin: accountsUrlFor(ctx.config, chosenDc), dc: undefined } : trustedAccountsServer(ctx.config, named);
  if (!trusted) {
    ctx.logger.warn({ storeHash: claimed.storeHash, accountsServer: String(named).slice(0, 100) }, 'zoho callback named an untrusted accounts server');
    throw badRequest('untrusted_accounts_server', 'The Zoho sign-in came back from a server that is not Zoho. Nothing was connected.');
  }
  // The account may live in another DC than the one picked: Zoho's redirect says where.
  const dc = trusted.dc ?? dataCenterFromLocation(query.location) ?? chosenDc;

  let token;
  try {
    token = await exchangeCode(ctx.config, trusted.origin, query.code);
  } catch (error) {
    if (error instanceof ZohoAuthError) throw badRequest('code_refused', 'Zoho refused the sign-in code (used or expired). Start again from the app.');
    throw new HttpError(502, 'zoho_unreachable', `Zoho could not complete the sign-in: ${(error as Error).message}`);
  }

  const storeHash = claimed.storeHash;
  const previous = await ZohoConnection.findById(storeHash).lean();
  const now = new Date();
  await ZohoConnection.updateOne(
    { _id: storeHash },
    {
      $set: {
        // An organization chosen before (a reconnect in the same DC) is checked below.
        status: 'pending_organization',
        dc,
        accountsServer: trusted.origin,
        apiBase: apiBaseFor(ctx.config, dc),
        apiDomain: token.api_domain,
        refreshTokenSealed: encryptSecret(token.refresh_token, ctx.config.encryptionKey),
        accessTokenSealed: encryptSecret(token.access_token, ctx.config.encryptionKey),
        accessTokenExpiresAt: new Date(now.getTime() + token.expires_in * 1000),
        refreshLeaseUntil: NO_LEASE,
        recentRefreshes: [],
        connectedBy: claimed.userId,
        connectedAt: now,
      },
      $inc: { tokenVersion: 1 },
      $unset: { lastError: 1, refreshLeaseOwner: 1 },
      // A reconnect keeps the webhook URL and secret the merchant's Zoho rules already use.
      $setOnInsert: { webhookKey: randomToken(24), webhookSecretSealed: encryptSecret(randomToken(32), ctx.config.encryptionKey) },
    },
    { upsert: true },
  );
  zohoRuntime(ctx).tokens.forget(storeHash);
  if (previous?.refreshTokenSealed) {
    // Zoho keeps at most 20 refresh tokens per user: do not leave the replaced one alive.
    const old = decryptSecret(previous.refreshTokenSealed, ctx.config.encryptionKey);
    if (old !== token.refresh_token) void revokeToken(previous.accountsServer, old);
  }
  ctx.logger.info({ storeHash, dc }, 'zoho connected');

  if (previous?.organizationId && previous.dc === dc) {
    const organizations = await listZohoOrganizations(ctx, storeHash).catch(() => []);
    const same = organizations.find((o) => o.organizationId === previous.organizationId);
    if (same) {
      await ZohoConnection.updateOne({ _id: storeHash }, { $set: { status: 'connected', ...organizationFields(same) } });
      organizationZoneLogged(ctx.logger, same.timeZone, { storeHash, organizationId: same.organizationId });
      // A reconnect to the same organization schedules at once (a new one waits for its choice).
      await syncStoreSchedules(storeHash);
    }
  }
  return zohoConnectionSummary(storeHash);
}

export interface ZohoOrganization {
  organizationId: string;
  name: string;
  plan: ZohoPlan;
  planName: string;
  isDefault: boolean;
  /** Who the organization belongs to, as Zoho lists it (contact_name, email). */
  contactName?: string;
  contactEmail?: string;
  /** The organization's `time_zone` as Zoho lists it (an IANA name, or an abbreviation such as "PST"). */
  timeZone?: string;
  /** The organization's base currency (`currency_code`). */
  currencyCode?: string;
}

/** The organizations the connected Zoho user can reach (`GET /organizations`). */
export async function listZohoOrganizations(ctx: AppContext, storeHash: string): Promise<ZohoOrganization[]> {
  const client = await zohoClientFor(ctx, storeHash);
  const answer = await client.get<{ organizations?: Record<string, unknown>[] }>('/organizations', { priority: 'realtime', organization: false });
  return (answer.organizations ?? []).map((org) => ({
    organizationId: String(org.organization_id),
    name: typeof org.name === 'string' ? org.name : String(org.organization_id),
    plan: planFromName(org.plan_name),
    planName: typeof org.plan_name === 'string' ? org.plan_name : '',
    isDefault: org.is_default_org === true,
    contactName: typeof org.contact_name === 'string' ? org.contact_name : undefined,
    contactEmail: typeof org.email === 'string' ? org.email : undefined,
    timeZone: typeof org.time_zone === 'string' ? org.time_zone : undefined,
    currencyCode: typeof org.currency_code === 'string' && org.currency_code ? org.currency_code.toUpperCase() : undefined,
  }));
}

/** What the connection keeps of the organization it is bound to, read again at each (re)connect. */
const organizationFields = (org: ZohoOrganization) => ({
  organizationName: org.name,
  organizationContact: { name: org.contactName, email: org.contactEmail },
  // Empty when Zoho lists none: dates are then UTC's (dates.ts).
  organizationTimeZone: org.timeZone ?? '',
  ...(org.currencyCode ? { organizationCurrency: org.currencyCode } : {}),
});

/** Binds the store to one of the user's organizations; its plan sets the daily budget. */
export async function chooseZohoOrganization(ctx: AppContext, storeHash: string, organizationId: string): Promise<ZohoConnectionSummary> {
  const organizations = await listZohoOrganizations(ctx, storeHash);
  const chosen = organizations.find((o) => o.organizationId === organizationId);
  if (!chosen) throw badRequest('unknown_organization', 'That organization is not one the connected Zoho user can reach.');
  const current = await ZohoConnection.findById(storeHash, { organizationId: 1, budgetSource: 1 }).lean();
  const changed = current?.organizationId !== chosen.organizationId;
  await ZohoConnection.updateOne(
    { _id: storeHash },
    {
      $set: {
        status: 'connected',
        organizationId: chosen.organizationId,
        ...organizationFields(chosen),
        plan: chosen.plan,
        // A budget set by hand stays; otherwise the plan's (a new organization forgets a learned one).
        ...(current?.budgetSource === 'configured' ? {} : changed || !current?.budgetSource || current.budgetSource === 'plan' ? { dailyBudget: DAILY_CALLS_BY_PLAN[chosen.plan], budgetSource: 'plan' } : {}),
      },
      ...(changed ? { $unset: { budgetExhaustedUntil: 1 } } : {}),
    },
  );
  ctx.logger.info({ storeHash, organizationId, plan: chosen.plan, timeZone: chosen.timeZone }, 'zoho organization chosen');
  organizationZoneLogged(ctx.logger, chosen.timeZone, { storeHash, organizationId });
  // Orders, fulfilment and their reconciliation start now; the catalog waits for confirmed settings.
  await syncStoreSchedules(storeHash);
  return zohoConnectionSummary(storeHash);
}

/** Revokes the refresh token at Zoho (best effort) and forgets the connection. */
export async function disconnectZoho(ctx: AppContext, storeHash: string): Promise<{ revoked: boolean }> {
  const connection = await ZohoConnection.findById(storeHash).lean();
  await OAuthState.deleteMany({ storeHash });
  // Nothing runs for a store without Zoho (uninstall comes through here too).
  await clearStoreSchedules(storeHash);
  if (!connection) return { revoked: false };
  const revoked = connection.refreshTokenSealed
    ? await revokeToken(connection.accountsServer, decryptSecret(connection.refreshTokenSealed, ctx.config.encryptionKey))
    : false;
  await ZohoConnection.deleteOne({ _id: storeHash });
  zohoRuntime(ctx).forget(storeHash, connection.organizationId);
  ctx.logger.info({ storeHash, revoked }, 'zoho disconnected');
  return { revoked };
}

export interface ZohoConnectionSummary {
  status: ZohoConnectionStatus | 'not_connected';
  dc?: string;
  organizationId?: string;
  organizationName?: string;
  /** The organization's contact, so the merchant sees whose organization the store is bound to. */
  contactName?: string;
  contactEmail?: string;
  plan?: string;
  dailyBudget?: number;
  /** The zone the organization's documents are dated in (its `time_zone`; "UTC" when Zoho's is absent or unknown). */
  timeZone?: string;
  lastError?: { message: string; at?: Date };
}

/** What the panel shows of the connection. */
export async function zohoConnectionSummary(storeHash: string): Promise<ZohoConnectionSummary> {
  const connection = await ZohoConnection.findById(storeHash, {
    status: 1,
    dc: 1,
    organizationId: 1,
    organizationName: 1,
    organizationContact: 1,
    organizationTimeZone: 1,
    plan: 1,
    dailyBudget: 1,
    lastError: 1,
  }).lean();
  if (!connection) return { status: 'not_connected' };
  return {
    status: connection.status,
    dc: connection.dc,
    organizationId: connection.organizationId ?? undefined,
    organizationName: connection.organizationName ?? undefined,
    contactName: connection.organizationContact?.name ?? undefined,
    contactEmail: connection.organizationContact?.email ?? undefined,
    plan: connection.plan ?? undefined,
    dailyBudget: connection.dailyBudget ?? undefined,
    timeZone: connection.organizationId ? organizationZone(connection.organizationTimeZone).zone : undefined,
    lastError: connection.status === 'needs_reconnect' && connection.lastError?.message ? { message: connection.lastError.message, at: connection.lastError.at ?? undefined } : undefined,
  };
}

/** The URL, headers and body templates for the merchant's Zoho workflow-rule webhooks. */
export async function zohoWebhookSetup(ctx: AppContext, storeHash: string) {
  const connection = await ZohoConnection.findById(storeHash, { webhookKey: 1, webhookSecretSealed: 1 }).lean();
  if (!connection) throw new HttpError(409, 'zoho_not_connected', 'Connect Zoho Inventory first.');
  return {
    url: `${ctx.config.appUrl}/webhooks/zoho/${connection.webhookKey}`,
    headers: { [ZOHO_WEBHOOK_SECRET_HEADER]: decryptSecret(connection.webhookSecretSealed, ctx.config.encryptionKey) },
    bodies: webhookBodyTemplates(),
  };
}

