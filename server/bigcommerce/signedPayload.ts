import { errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { unauthorized } from '../http/errors.js';

/** The claims BigCommerce puts in the load / uninstall / remove_user `signed_payload_jwt`. */
const claimsSchema = z.object({
  sub: z.string().regex(/^stores\/[A-Za-z0-9]+$/, 'sub must be stores/{hash}'),
  user: z.object({ id: z.union([z.number(), z.string()]), email: z.string().optional().default('') }),
  owner: z.object({ id: z.union([z.number(), z.string()]), email: z.string().optional().default('') }).optional(),
  url: z.string().optional(),
  channel_id: z.number().nullable().optional(),
});

export interface SignedPayload {
  storeHash: string;
  user: { id: string; email: string };
  owner?: { id: string; email: string };
}

/** Tolerated clock difference between BigCommerce and us, for nbf/exp/iat. */
const CLOCK_TOLERANCE_S = 60;

/**
 * Verifies the HS256 signature with the client secret, the audience (our client id), the
 * issuer ("bc") and the time claims. Any failure is a 401 with a message saying which check failed.
 */
export async function verifySignedPayload(token: unknown, clientId: string, clientSecret: string): Promise<SignedPayload> {
  if (typeof token !== 'string' || token.length === 0) {
    throw unauthorized('missing_signed_payload', 'The request has no signed_payload_jwt.');
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(clientSecret), {
      algorithms: ['HS256'],
      audience: clientId,
      issuer: 'bc',
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    throw unauthorized('invalid_signed_payload', `The signed_payload_jwt was rejected: ${describeJoseError(error)}.`);
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    throw unauthorized('invalid_signed_payload', `The signed_payload_jwt is missing claims: ${parsed.error.issues[0]?.message}.`);
  }
  const claims = parsed.data;
  return {
    storeHash: claims.sub.slice('stores/'.length),
    user: { id: String(claims.user.id), email: claims.user.email },
    owner: claims.owner && { id: String(claims.owner.id), email: claims.owner.email },
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not match';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" is wrong (${error.reason})`;
  if (error instanceof errors.JOSEError) return error.message;
  return 'it is not a valid JWT';
}
