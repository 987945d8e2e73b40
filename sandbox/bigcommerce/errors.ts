import type { Response } from 'express';

/** The `type` every BigCommerce v3 error carries: a link to its status-code page. */
export const ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/**
 * An API refusal thrown by services and routes. The version's error handler writes it in the
 * version's shape: v3 `{status, title, type, errors?}`, v2 `[{status, message}]`.
 * `body` replaces the whole v3 body where an endpoint has its own shape (e.g. `batch_errors`).
 */
export class SimApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errors?: Record<string, unknown>,
    readonly body?: unknown,
  ) {
    super(title);
  }
}

export const notFound = (what: string) => new SimApiError(404, `The requested ${what} was not found.`);

/** 422 "JSON data is missing or invalid" with a map of field → reason, as the v3 API answers. */
export const invalidJson = (errors: Record<string, string>) => new SimApiError(422, 'JSON data is missing or invalid', errors);

export function v3ErrorBody(status: number, title: string, errors?: Record<string, unknown>) {
  return errors === undefined ? { status, title, type: ERROR_TYPE } : { status, title, type: ERROR_TYPE, errors };
}

export function v2ErrorBody(status: number, message: string, details?: Record<string, unknown>) {
  return [details ? { status, message, details } : { status, message }];
}

export function sendV3Error(res: Response, status: number, title: string, errors?: Record<string, unknown>): void {
  res.status(status).json(v3ErrorBody(status, title, errors));
}

export function sendV2Error(res: Response, status: number, message: string): void {
  res.status(status).json(v2ErrorBody(status, message));
}

/** Writes an error for whichever API version the request was for. */
export function sendApiError(res: Response, status: number, title: string): void {
  if (res.locals.apiVersion === 'v2') sendV2Error(res, status, title);
  else sendV3Error(res, status, title);
}
