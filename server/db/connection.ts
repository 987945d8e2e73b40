import mongoose from 'mongoose';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';
import { allModels } from './models/index.js';

export interface Database {
  connection: mongoose.Connection;
  uri: string;
  close(): Promise<void>;
}

/** Connects mongoose (its default connection) and makes sure every model's indexes exist. */
export async function connectMongoose(uri: string): Promise<mongoose.Connection> {
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 15_000 });
  await Promise.all(allModels.map((m) => m.init()));
  return mongoose.connection;
}

/** MONGODB_URI when given; otherwise the embedded server with its files in DATA_DIR. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    logger.warn('MONGODB_URI is not set: using the embedded database (fine for one process and small stores; see README)');
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
    uri = embedded.uri;
  }
  try {
    const connection = await connectMongoose(uri);
    return {
      connection,
      uri,
      async close() {
        await mongoose.disconnect();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
