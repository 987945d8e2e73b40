import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SimStore, SimUser } from './state.js';

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

/** Signs a `signed_payload_jwt` as BigCommerce does for load, uninstall and remove_user. */
export async function signPayload(
  app: AppCredentials,
  store: SimStore,
  user: SimUser,
  overrides: { secret?: string; audience?: string; issuer?: string; issuedAt?: number; expiresInS?: number } = {},
): Promise<string> {
  const now = overrides.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    user: { id: user.id, email: user.email, locale: 'en-US' },
    owner: { id: store.owner.id, email: store.owner.email },
    url: '/',
    channel_id: null,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(overrides.audience ?? app.clientId)
    .setIssuer(overrides.issuer ?? 'bc')
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (overrides.expiresInS ?? 24 * 3600))
    .setJti(randomUUID())
    .setSubject(`stores/${store.hash}`)
    .sign(new TextEncoder().encode(overrides.secret ?? app.clientSecret));
}
