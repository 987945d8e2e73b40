import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger.js';
import { projectRoot } from '../paths.js';

/**
 * Launches the embedded MongoDB-compatible server (tools/ferretdb: FerretDB on SQLite behind
 * a relay that serializes writes per collection) when no MONGODB_URI is given.
 */
export interface EmbeddedDatabase {
  uri: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseUnavailable extends Error {}

const binaryPath = join(projectRoot, '.cache', 'ferretdb', 'ferretdb-embedded');
const buildScript = join(projectRoot, 'scripts', 'build-ferretdb.mjs');
const START_TIMEOUT_MS = 60_000;

/** Builds the binary when it is missing or older than its Go sources (the script decides). */
function ensureBinary(logger: Logger): void {
  const goPresent = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
  if (!goPresent) {
    if (existsSync(binaryPath)) return; // a prebuilt binary (e.g. in the Docker image) is enough
    throw new EmbeddedDatabaseUnavailable(
      'No MONGODB_URI is set and Go is not installed to build the embedded database: install Go or set MONGODB_URI.',
    );
  }
  const result = spawnSync(process.execPath, [buildScript], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new EmbeddedDatabaseUnavailable('Building the embedded database (tools/ferretdb) failed; see the output above.');
  logger.debug({ binaryPath }, 'embedded database binary ready');
}

export async function startEmbeddedDatabase(options: { dataDir: string; logger: Logger; dbName?: string }): Promise<EmbeddedDatabase> {
  const { logger } = options;
  ensureBinary(logger);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(binaryPath, ['--data-dir', dataDir, '--port', '0', '--parent-pid', String(process.pid)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const dbLog = logger.child({ component: 'ferretdb' });
  // FerretDB's own log lines are folded into ours at debug level; warnings and errors stay visible.
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (/\b(ERROR|panic)\b/.test(line)) dbLog.warn(line);
    else dbLog.debug(line);
  });

  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error('the embedded database did not start within 60 s')), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^listening 127\.0\.0\.1:(\d+)$/.exec(line.trim());
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      } else dbLog.debug(line);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded database exited during start (code ${code})`));
    });
  });
  logger.info({ port, dataDir }, 'embedded database started');

  let stopping: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}/${options.dbName ?? 'bczoho'}`,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
