import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../server/paths.js';

/** Newest modification time under a folder (recursive). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the panel with Vite when dist/client is missing or older than client/ (a few seconds). */
export async function ensureClientBuilt(): Promise<void> {
  const builtIndex = join(projectRoot, 'dist', 'client', 'index.html');
  const sources = [join(projectRoot, 'client'), join(projectRoot, 'vite.config.ts')];
  const newestSource = Math.max(...sources.map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)));
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestSource) return;
  const { build } = await import('vite');
  await build({ root: join(projectRoot, 'client'), configFile: join(projectRoot, 'vite.config.ts'), logLevel: 'warn' });
}
