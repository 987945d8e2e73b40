import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { checkZohoState } from './connection.js';
import { ZOHO_CALLBACK_PATH } from './oauth.js';

const NO_OPENER_TEXT =
  'This window was not opened by the app, so nothing was connected. Start again from the app in your BigCommerce control panel (Connect Zoho Inventory).';

/**
 * `GET /zoho/callback`, where Zoho's consent page sends the merchant back (in the pop-up the
 * panel opened: Zoho refuses to be framed). It exchanges nothing: it checks the state without
 * using it, then hands the query to the panel that opened the window (postMessage to the
 * app's own origin: the panel runs at the app's origin inside the control panel's iframe and
 * opens the pop-up from there), whose session completes it with `POST /api/zoho/callback`.
 * Opened any other way (a link forwarded to someone else), it says so and nothing connects.
 */
export function zohoCallbackRoutes(ctx: AppContext): Router {
  const router = Router();
  const appOrigin = new URL(ctx.config.appUrl).origin;

  router.get(ZOHO_CALLBACK_PATH, async (req, res) => {
    const query = stringParams(req.query);
    try {
      await checkZohoState(query.state);
      sendPage(res, 200, appOrigin, { type: 'zoho-consent', query }, 'Finishing the Zoho connection', 'Returning to the app…');
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

/** The query's single string values (a repeated or nested parameter is not Zoho's). */
function stringParams(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside a <script>: `<`, `>` and `&` escaped so no string can end the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The page: its text never shows the code (only the script carries the query, for the panel),
 * and the script drops the query from the address bar before anything else.
 */
function sendPage(res: Response, status: number, appOrigin: string, message: Record<string, unknown>, title: string, text: string): void {
  const nonce = randomBytes(16).toString('base64');
  const consent = message.type === 'zoho-consent';
  // Only this page's own script runs; it may not be framed (it is a top-level popup).
  res.setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`);
  // The popup came back from Zoho's origin: "same-origin" would cut it off from the panel that opened it.
  res.setHeader('cross-origin-opener-policy', 'unsafe-none');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.status(status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem;color:#313440"><h1 style="font-size:1.25rem">${escapeHtml(title)}</h1>
<p id="text">${escapeHtml(text)}</p><p id="hint" hidden>You can close this window and return to the app.</p>
<noscript><p>${escapeHtml(NO_OPENER_TEXT)}</p></noscript>
<script nonce="${nonce}">
(function () {
  var message = ${scriptJson(message)};
  history.replaceState(null, '', location.pathname);
  if (window.opener) {
    window.opener.postMessage(message, ${scriptJson(appOrigin)});
    ${consent ? 'window.close();' : ''}
  }${consent ? ` else {
    document.getElementById('text').textContent = ${scriptJson(NO_OPENER_TEXT)};
  }` : ''}
  document.getElementById('hint').hidden = false;
})();
</script></body></html>`);
}
