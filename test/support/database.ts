import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { inject } from 'vitest';
import { connectMongoose } from '../../server/db/connection.js';

/** A fresh database for one test file, on the run's embedded server, through the real models. */
export async function connectTestDatabase(): Promise<{ uri: string; close(): Promise<void> }> {
  const uri = `${inject('mongoBaseUri')}/t_${randomBytes(6).toString('hex')}`;
  await connectMongoose(uri);
  return {
    uri,
    async close() {
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await mongoose.disconnect();
    },
  };
}
