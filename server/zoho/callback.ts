import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { completeZohoConnect } from './connection.js';
import { ZOHO_CALLBACK_PATH } from './oauth.js';

/**
 * `GET /zoho/callback`, where Zoho's consent page sends the merchant back (in the window the
 * panel opened: Zoho refuses to be framed). Answers a tiny page that tells the panel
 * (postMessage to the app's own origin only) and closes itself.
 */
export function zohoCallbackRoutes(ctx: AppContext): Router {
  const router = Router();
  const appOrigin = new URL(ctx.config.appUrl).origin;

  router.get(ZOHO_CALLBACK_PATH, async (req, res) => {
    try {
      const result = await completeZohoConnect(ctx, req.query as Record<string, unknown>);
      const message = { type: 'zoho-connected', status: result.status, organizationName: result.organizationName ?? null };
      const text =
        result.status === 'connected'
          ? `Zoho Inventory is connected${result.organizationName ? ` (${result.organizationName})` : ''}.`
          : 'Zoho Inventory is connected. Choose the organization in the app.';
      sendPage(res, 200, appOrigin, message, 'Connected', text);
    } catch (error) {
      const known = error instanceof HttpError;
      if (!known) req.log?.error({ err: error }, 'zoho callback failed');
      const status = known ? error.status : 500;
      const code = known ? error.code : 'internal_error';
      const text = known ? error.message : 'Something went wrong on our side; it has been logged. Start again from the app.';
      sendPage(res, status, appOrigin, { type: 'zoho-error', code, message: text }, 'Zoho Inventory was not connected', text);
    }
  });

  return router;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside a <script>: `<`, `>` and `&` escaped so no string can end the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function sendPage(res: Response, status: number, appOrigin: string, message: Record<string, unknown>, title: string, text: string): void {
  const nonce = randomBytes(16).toString('base64');
  // Only this page's own script runs; it may not be framed (it is a top-level popup).
  res.setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`);
  // The popup came back from Zoho's origin: "same-origin" would cut it off from the panel that opened it.
  res.setHeader('cross-origin-opener-policy', 'unsafe-none');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.status(status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem;color:#313440"><h1 style="font-size:1.25rem">${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p><p id="hint" hidden>You can close this window and return to the app.</p>
<script nonce="${nonce}">
(function () {
  var message = ${scriptJson(message)};
  if (window.opener) {
    window.opener.postMessage(message, ${scriptJson(appOrigin)});
    ${message.type === 'zoho-connected' ? 'window.close();' : ''}
  }
  document.getElementById('hint').hidden = false;
})();
</script></body></html>`);
}
