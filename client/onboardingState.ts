import { api, type SessionInfo } from './api.js';
import type { Run } from './flows.js';

const skipKey = (storeHash: string) => `zoho-connector:onboarding-skipped:${storeHash}`;

/** Storage can be refused inside a third-party iframe: then a skip lasts until the panel is reloaded. */
export function rememberSkipped(storeHash: string): void {
  try {
    window.localStorage.setItem(skipKey(storeHash), '1');
  } catch {
    // not persisted
  }
}

function wasSkipped(storeHash: string): boolean {
  try {
    return window.localStorage.getItem(skipKey(storeHash)) === '1';
  } catch {
    return false;
  }
}

/**
 * Onboarding shows until Zoho is connected and a real (not preview) products sync has finished
 * (succeeded, or partly: its failures are then Activity's business), unless skipped.
 */
export async function needsOnboarding(session: SessionInfo): Promise<boolean> {
  if (wasSkipped(session.store.hash)) return false;
  if (session.connections.zoho.status !== 'connected') return true;
  const { runs } = await api<{ runs: Run[] }>('/runs?flow=products');
  return !runs.some((r) => !r.dryRun && (r.status === 'succeeded' || r.status === 'partial'));
}
