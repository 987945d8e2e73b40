import { z } from 'zod';
import type { Config } from '../config.js';
import { HttpError, badRequest } from '../http/errors.js';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  scope: z.string().default(''),
  user: z.object({ id: z.union([z.number(), z.string()]), username: z.string().optional(), email: z.string().default('') }),
  owner: z
    .object({ id: z.union([z.number(), z.string()]), username: z.string().optional(), email: z.string().default('') })
    .optional(),
  context: z.string().regex(/^stores\/[A-Za-z0-9]+$/),
  account_uuid: z.string().optional(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const authCallbackPath = '/bigcommerce/auth';
const EXCHANGE_TIMEOUT_MS = 15_000;

/** Trades the install's one-time code for the store's API token at `{BC_LOGIN_URL}/oauth2/token`. */
export async function exchangeAuthCode(
  config: Config,
  params: { code: string; scope: string; context: string },
): Promise<TokenResponse> {
  const body = {
    client_id: config.bigcommerce.clientId,
    client_secret: config.bigcommerce.clientSecret,
    code: params.code,
    context: params.context,
    scope: params.scope,
    grant_type: 'authorization_code',
    redirect_uri: `${config.appUrl}${authCallbackPath}`,
  };
  let response: Response;
  try {
    response = await fetch(`${config.bigcommerce.loginUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
    });
  } catch (error) {
    throw new HttpError(502, 'token_exchange_unreachable', `BigCommerce could not be reached to finish the install: ${String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    // BigCommerce answers 4xx for an unknown, used or expired code.
    throw badRequest(
      'token_exchange_failed',
      `BigCommerce refused the install code (HTTP ${response.status}). Start the install again from the control panel.`,
    );
  }
  const parsed = tokenResponseSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new HttpError(502, 'token_exchange_malformed', 'BigCommerce answered the token exchange with an unexpected body.');
  }
  if (parsed.data.context !== params.context) {
    throw badRequest('token_exchange_context', 'BigCommerce returned a token for another store than the install named.');
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
