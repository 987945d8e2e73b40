import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests need Debian's chromium (`.ci/run` installs it). Without it they are skipped
 * with a message, except under CI, where a missing browser is a failure.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH} under CI (apt-get install -y chromium).`);
  console.warn(`Chromium not found at ${CHROMIUM_PATH}: browser tests skipped (apt-get install -y chromium).`);
  return false;
}

/** Headless Chromium with the flags this closed network needs; Playwright gives it a fresh profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
