import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../server/db/models/index.js';
import { startDemo, type RunningDemo } from '../../sandbox/demo.js';
import { ZOHO_DEMO } from '../../sandbox/zoho/seed.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';

/**
 * The demo, as a newcomer sees it: the stand-in control panel installs the app and shows it in
 * its iframe; a second user opens it too; uninstall ends access.
 */
describe.skipIf(!browserAvailable())('demo in a browser', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bczoho-demo-'));
    demo = await startDemo({ dataDir, logLevel: 'silent' });
    ({ browser, close: closeBrowser } = await launchBrowser());
  }, 180_000);

  afterAll(async () => {
    await closeBrowser?.();
    await demo?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('installs with one click and shows the app inside the control panel', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(demo.controlPanelUrl);
    const frame = page.frameLocator('#app-frame');
    const storeHash = await page.locator('#store-hash').textContent();
    await expect.poll(() => frame.locator('[data-testid="store-hash"]').textContent({ timeout: 20_000 })).toBe(storeHash);
    expect(await frame.locator('[data-testid="user-email"]').textContent()).toBe(demo.bigcommerce.state.defaultStore.owner.email);
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? join(process.env.SCREENSHOT_DIR, 'demo-installed.png') : join(dataDir, 'installed.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets a second user of the store open the app', async () => {
    const staff = demo.bigcommerce.state.defaultStore.users[1]!;
    const page = await browser.newPage();
    await page.goto(`${demo.controlPanelUrl}?user=${staff.id}`);
    const frame = page.frameLocator('#app-frame');
    await expect.poll(() => frame.locator('[data-testid="user-email"]').textContent({ timeout: 20_000 })).toBe(staff.email);
    await page.close();
  });

  it('connects Zoho from the panel in a pop-up window, then syncs products with "Sync now"', async () => {
    const page = await browser.newPage();
    await page.goto(demo.controlPanelUrl);
    const frame = page.frameLocator('#app-frame');
    const popupOpened = page.waitForEvent('popup');
    await frame.locator('[data-testid="zoho-connect-button"]').click({ timeout: 20_000 });
    const popup = await popupOpened;
    // The sandbox Zoho consent page: accept as the demo organization's user.
    await popup.locator('li', { hasText: ZOHO_DEMO.userEmail }).getByRole('button', { name: 'Accept' }).click();
    await popup.waitForEvent('close', { timeout: 20_000 });
    await frame.locator('[data-testid="zoho-choose-organization"]').click({ timeout: 20_000 });
    await expect.poll(() => frame.locator('[data-testid="zoho-organization"]').textContent({ timeout: 20_000 })).toContain('Zylker Demo');

    await frame.locator('[data-testid="sync-products"]').click();
    const flows = frame.locator('[data-testid="flows-panel"]');
    await expect.poll(async () => (await flows.textContent({ timeout: 5_000 })) ?? '', { timeout: 60_000 }).toMatch(/Products\s*succeeded/i);
    // The demo store now has the Zoho-only T-shirt variants and mug linked, and nothing inactive.
    const skus = [...demo.bigcommerce.state.defaultStore.products.values()].map((p) => p.sku);
    expect(skus).not.toContain('ZI-TEST-2');
    expect(skus).not.toContain('SHIPPING');
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? join(process.env.SCREENSHOT_DIR, 'demo-synced.png') : join(dataDir, 'synced.png'), fullPage: true });
    await page.close();
  });

  it('uninstalls from the control panel, then installs afresh', async () => {
    const hash = demo.bigcommerce.state.defaultStore.hash;
    const page = await browser.newPage();
    await page.goto(demo.controlPanelUrl);
    await page.getByRole('button', { name: 'Uninstall app' }).click();
    await page.waitForURL(/manage\/app/);
    // The control panel then plays a fresh install, so the app opens again, installed anew…
    const frame = page.frameLocator('#app-frame');
    await expect.poll(() => frame.locator('[data-testid="store-hash"]').textContent({ timeout: 20_000 })).toBe(hash);
    // …and the app's record of the store shows both: the uninstall, then the new install.
    const store = await Store.findById(hash).lean();
    expect(store?.status).toBe('installed');
    expect(store?.uninstalledAt).toBeInstanceOf(Date);
    expect(store!.installedAt!.getTime()).toBeGreaterThan(store!.uninstalledAt!.getTime());
    await page.close();
  });
});
