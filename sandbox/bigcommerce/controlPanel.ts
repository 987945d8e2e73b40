import { Router, type Request } from 'express';
import { signPayload } from './signing.js';
import type { BigCommerceState, SimStore } from './state.js';

/** The scopes the app asks for in the Developer Portal (what the install grants). */
export const APP_SCOPES = [
  'store_v2_orders',
  'store_v2_products',
  'store_v2_customers',
  'store_v2_information_read_only',
  'store_inventory',
  'store_channel_settings_read_only',
  'store_v2_default',
].join(' ');

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A local stand-in for the BigCommerce control panel: the first open plays the single-click
 * install (the iframe goes to the app's auth callback with a fresh code), later opens frame the
 * load callback with a signed_payload_jwt for the chosen user, and uninstall / remove-user call
 * the app's callbacks as BigCommerce does. `?store=` picks the store, `?user=` the user.
 */
export function controlPanelRoutes(state: BigCommerceState): Router {
  const router = Router();
  const { appUrl } = state.options;
  const storeOf = (req: Request) => state.store(req.query.store) ?? state.defaultStore;
  const userOf = (store: SimStore, req: Request) => store.userById(Number(req.query.user)) ?? store.owner;
  const here = (store: SimStore) => `/manage/app?store=${encodeURIComponent(store.hash)}`;

  router.get('/', (_req, res) => res.redirect('/manage/app'));

  router.get('/manage/app', async (req, res) => {
    const store = storeOf(req);
    const user = userOf(store, req);
    let src: string;
    if (store.installed) {
      src = `${appUrl}/bigcommerce/load?signed_payload_jwt=${encodeURIComponent(await signPayload(state.options, store, user))}`;
    } else {
      const code = state.issueCode(store, APP_SCOPES, user.id);
      const params = new URLSearchParams({ code, scope: APP_SCOPES, context: `stores/${store.hash}`, account_uuid: store.accountUuid });
      src = `${appUrl}/bigcommerce/auth?${params}`;
    }
    const userLinks = store.users
      .map((u) => `<a href="${here(store)}&user=${u.id}"${u.id === user.id ? ' class="on"' : ''}>${escapeHtml(u.email)}</a>`)
      .join(' ');
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Control panel (sandbox) · ${escapeHtml(store.hash)}</title>
<style>body{margin:0;font-family:system-ui,sans-serif;background:#f6f7fc}header{background:#34313f;color:#fff;padding:.75rem 1.25rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header a{color:#c9d0ff;margin-right:.5rem}header a.on{color:#fff;font-weight:600}form{display:inline}button{cursor:pointer}
iframe{border:0;width:100%;height:calc(100vh - 4rem);background:#fff}</style></head><body>
<header><strong>BigCommerce control panel (sandbox)</strong><span>store <code id="store-hash">${escapeHtml(store.hash)}</code></span>
<span>Signed in as: ${userLinks}</span>
<span id="install-state">${store.installed ? 'App installed' : 'Installing the app…'}</span>
<form method="post" action="/manage/app/uninstall?store=${encodeURIComponent(store.hash)}"><button ${store.installed ? '' : 'disabled'}>Uninstall app</button></form></header>
<iframe id="app-frame" title="Zoho Inventory connector" src="${escapeHtml(src)}"></iframe></body></html>`);
  });

  router.post('/manage/app/uninstall', async (req, res) => {
    const store = storeOf(req);
    await callApp('uninstall', await signPayload(state.options, store, store.owner));
    store.installed = false;
    store.accessToken = null;
    // BigCommerce deletes an app's hooks when it is uninstalled.
    store.hooks.clear();
    res.redirect(303, here(store));
  });

  router.post('/manage/app/remove-user', async (req, res) => {
    const store = storeOf(req);
    await callApp('remove-user', await signPayload(state.options, store, userOf(store, req)));
    res.redirect(303, here(store));
  });

  async function callApp(callback: 'uninstall' | 'remove-user', jwt: string) {
    await fetch(`${appUrl}/bigcommerce/${callback}?signed_payload_jwt=${encodeURIComponent(jwt)}`).catch(() => undefined);
  }

  return router;
}
