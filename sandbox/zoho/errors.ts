import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

/**
 * Zoho's error envelope `{code, message}` (HTTP status + non-zero code). The codes Zoho
 * documents or is widely seen to send are used as is: 1000 internal error, 1002 record does
 * not exist, 5 invalid URL, 57 not authorized (an invalid/expired token: some Zoho products
 * send 14 instead, the simulator picks 57), 44/45/1070 rate limits, 1038 malformed JSON,
 * 1001 duplicate item, 3062 duplicate contact name. Where Zoho's own code is unknown to us
 * (required fields, wrong state, organization access) the simulator uses the codes below and
 * clients must only rely on "non-zero code + HTTP status".
 */
export const ZohoCode = {
  success: 0,
  invalidValue: 2,
  required: 4,
  invalidUrl: 5,
  notAuthorized: 57,
  perMinuteLimit: 44,
  dailyLimit: 45,
  concurrencyLimit: 1070,
  internal: 1000,
  alreadyExists: 1001,
  notFound: 1002,
  malformedJson: 1038,
  contactExists: 3062,
  /** The record's state forbids the operation (e.g. a package for a draft sales order). */
  invalidState: 4000,
  /** The user behind the token is not a member of the organization asked for. */
  notInOrganization: 6041,
} as const;

export class ZohoError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const invalidValue = (field: string) => new ZohoError(400, ZohoCode.invalidValue, `Invalid value passed for ${field}`);
export const requiredField = (field: string) => new ZohoError(400, ZohoCode.required, `${field} is required.`);
export const notFound = (what: string) => new ZohoError(404, ZohoCode.notFound, `${what} does not exist.`);
export const invalidState = (message: string) => new ZohoError(400, ZohoCode.invalidState, message);

export function sendZohoError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ code, message });
}

/** Unknown path under the API root: Zoho answers 404 with code 5. */
export const unknownUrl: RequestHandler = (_req, res) => sendZohoError(res, 404, ZohoCode.invalidUrl, 'Invalid URL Passed');

/** Turns thrown ZohoErrors (and anything else) into Zoho's envelope. */
export const zohoErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof ZohoError) return sendZohoError(res, error.status, error.code, error.message);
  if (error && typeof error === 'object' && 'type' in error && error.type === 'entity.parse.failed') {
    return sendZohoError(res, 400, ZohoCode.malformedJson, 'JSON is not well formed');
  }
  console.error('zoho simulator: unexpected error', error);
  sendZohoError(res, 500, ZohoCode.internal, 'Internal error');
};
