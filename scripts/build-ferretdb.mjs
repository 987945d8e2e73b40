#!/usr/bin/env node
// Builds the embedded database (tools/ferretdb, a small Go program) into .cache/ferretdb/.
// Run by `npm install` (postinstall, with --if-go: silently skipped where Go is absent) and by
// the app at start when the binary is missing or older than its sources. Plain JS on purpose:
// it must run before any dev dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sourceDir = join(projectRoot, 'tools', 'ferretdb');
export const binaryPath = join(projectRoot, '.cache', 'ferretdb', 'ferretdb-embedded');

export function hasGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** True when the binary exists and no Go source, go.mod or go.sum is newer. */
export function isUpToDate() {
  if (!existsSync(binaryPath)) return false;
  const built = statSync(binaryPath).mtimeMs;
  return readdirSync(sourceDir)
    .filter((name) => name.endsWith('.go') || name === 'go.mod' || name === 'go.sum')
    .every((name) => statSync(join(sourceDir, name)).mtimeMs <= built);
}

/** Builds to a temporary name and renames, so concurrent builders never see half a file. */
export function build({ quiet = false } = {}) {
  mkdirSync(dirname(binaryPath), { recursive: true });
  const temporary = `${binaryPath}.${process.pid}.tmp`;
  if (!quiet) console.error('Building the embedded database (tools/ferretdb; about a minute the first time)…');
  const result = spawnSync('go', ['build', '-trimpath', '-o', temporary, '.'], {
    cwd: sourceDir,
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`go build of tools/ferretdb failed (exit ${result.status})`);
  renameSync(temporary, binaryPath);
  return binaryPath;
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const ifGo = process.argv.includes('--if-go');
  if (!hasGo()) {
    if (ifGo) process.exit(0);
    console.error('Go is not installed: install Go (https://go.dev/dl/) or set MONGODB_URI to use your own MongoDB.');
    process.exit(1);
  }
  if (!existsSync(join(sourceDir, 'go.mod'))) process.exit(ifGo ? 0 : 1);
  try {
    if (!isUpToDate()) build();
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    process.exit(1);
  }
}
