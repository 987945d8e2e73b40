import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';
import { projectRoot } from '../../server/paths.js';

/**
 * Where the platforms' reference files live: `REFERENCE_DIR`, else `../shared/reference`
 * beside the repository (CI checks the repo out with a copy of shared/ next to it, so this
 * relative location is the contract).
 */
export function referenceDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.REFERENCE_DIR;
  return fromEnv ? resolve(fromEnv) : join(projectRoot, '..', 'shared', 'reference');
}

export function referenceAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = referenceDir(env);
  return existsSync(join(dir, 'bigcommerce', 'openapi')) && existsSync(join(dir, 'zoho-inventory', 'openapi'));
}

/**
 * What contract tests do here: run against the reference; skip without it on a developer's
 * machine; fail without it under CI, since a contract test that silently never runs
 * protects nothing.
 */
export function contractTestMode(env: NodeJS.ProcessEnv = process.env): 'run' | 'skip' | 'fail' {
  if (referenceAvailable(env)) return 'run';
  const ci = (env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0' ? 'fail' : 'skip';
}

let skipNoticePrinted = false;

/** `describe` for tests that need the reference files (see contractTestMode). */
export function describeContract(name: string, fn: () => void): void {
  const mode = contractTestMode();
  if (mode === 'run') {
    describe(name, fn);
    return;
  }
  if (mode === 'fail') {
    describe(name, () => {
      it('has the reference files it checks against', () => {
        throw new Error(`${referenceDir()} not found: contract tests require ../shared/reference (or REFERENCE_DIR) when CI is set`);
      });
    });
    return;
  }
  if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    console.warn(`${referenceDir()} not found (../shared/reference): contract tests skipped`);
  }
  describe.skip(name, fn);
}
