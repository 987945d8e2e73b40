import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { connectMongoose } from '../../server/db/connection.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';

/**
 * A benchmark's database: MONGODB_URI when set, otherwise an embedded one in a temporary folder.
 * Emptied before `run` (and connected again, so every model's indexes exist), closed and removed after.
 */
export async function withBenchDatabase<T>(name: string, run: (uri: string) => Promise<T>, options: { logLevel?: string } = {}): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), `bczoho-${name}-`));
  const db = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, logger: pino({ level: options.logLevel ?? 'warn' }), dbName: `bench${name}` });
  const uri = process.env.MONGODB_URI ?? db!.uri;
  try {
    await connectMongoose(uri);
    await mongoose.connection.dropDatabase();
    await connectMongoose(uri);
    return await run(uri);
  } finally {
    await mongoose.disconnect();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
