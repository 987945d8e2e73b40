import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './errors.js';

/**
 * One place that turns errors into replies: JSON `{ error: { code, message } }` for API clients,
 * a small readable page for the browser callbacks that the control panel shows in its iframe.
 */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const { status, code, message, details } = describe(error);
  if (status >= 500) req.log?.error({ err: error }, 'request failed');
  else req.log?.warn({ code, status }, message);
  if (res.headersSent) return;
  if (req.path.startsWith('/bigcommerce/') && req.accepts(['json', 'html']) === 'html') {
    res.status(status).type('html').send(errorPage(message));
    return;
  }
  res.status(status).json({ error: { code, message, ...details } });
}

function describe(error: unknown): { status: number; code: string; message: string; details?: Record<string, unknown> } {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message, details: error.details };
  const bodyError = error as { type?: string; status?: number };
  if (bodyError?.type === 'entity.too.large') return { status: 413, code: 'payload_too_large', message: 'The request body is too large.' };
  if (bodyError?.type === 'entity.parse.failed') return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return { status: bodyError.status, code: 'bad_request', message: String((error as Error).message) };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zoho Inventory connector</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem;color:#313440"><h1 style="font-size:1.25rem">The app could not open</h1>
<p>${escapeHtml(message)}</p></body></html>`;
}
