import { SignJWT, jwtVerify } from 'jose';

/**
 * The panel's cookieless session: a short-lived HS256 JWT naming store and user, handed to
 * the browser in the URL fragment and sent back as a Bearer token.
 */
export interface SessionClaims {
  storeHash: string;
  userId: string;
}

const ISSUER = 'bc-zoho-app';
const AUDIENCE = 'panel';
export const SESSION_TTL_SECONDS = 60 * 60;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signSessionToken(claims: SessionClaims, secret: string): Promise<string> {
  return new SignJWT({ store: claims.storeHash })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
    .sign(keyOf(secret));
}

export async function verifySessionToken(token: string, secret: string): Promise<SessionClaims> {
  const { payload } = await jwtVerify(token, keyOf(secret), {
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  if (typeof payload.store !== 'string' || typeof payload.sub !== 'string') throw new Error('malformed session token');
  return { storeHash: payload.store, userId: payload.sub };
}
