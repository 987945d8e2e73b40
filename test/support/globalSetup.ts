import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** mongodb://host:port (no database): each test file picks a database of its own. */
    mongoBaseUri: string;
  }
}

/**
 * Starts the embedded database once for the run, in a temporary folder, unless MONGODB_URI
 * points the tests at a real MongoDB.
 */
export default async function setup(project: TestProject) {
  if (process.env.MONGODB_URI) {
    project.provide('mongoBaseUri', process.env.MONGODB_URI.replace(/\/[^/]*$/, ''));
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'bczoho-test-db-'));
  const db = await startEmbeddedDatabase({ dataDir, logger: pino({ level: 'warn' }), dbName: '' });
  project.provide('mongoBaseUri', db.uri.replace(/\/$/, ''));
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
