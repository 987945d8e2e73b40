import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';

/**
 * What one call costs on the embedded database as a collection grows: the figures behind the
 * README's advice on when to move to MongoDB.
 */
async function time(fn: () => Promise<unknown>, repeat: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < repeat; i++) await fn();
  return (performance.now() - start) / repeat;
}

export async function benchDatabase(): Promise<void> {
  const uriFromEnv = process.env.MONGODB_URI;
  const dataDir = mkdtempSync(join(tmpdir(), 'bczoho-bench-'));
  const embedded = uriFromEnv ? undefined : await startEmbeddedDatabase({ dataDir, logger: pino({ level: 'warn' }), dbName: 'bench' });
  const client = await MongoClient.connect(uriFromEnv ?? embedded!.uri);
  try {
    const c = client.db('bench').collection<{ _id: string; sku: string; n: number }>('links');
    await c.createIndex({ sku: 1 });
    console.log(`database (${uriFromEnv ? 'MONGODB_URI' : 'embedded FerretDB'}): ms per call`);
    console.log('docs\tinsertMany(1000)\tfindOne _id\tupdateOne _id\tfindOne sku\tfind all');
    let size = 0;
    for (const target of [1_000, 5_000, 20_000]) {
      let insertMs = 0;
      let batches = 0;
      while (size < target) {
        const docs = Array.from({ length: 1_000 }, (_, i) => ({ _id: `s:item:${size + i}`, sku: `SKU-${size + i}`, n: 0 }));
        const start = performance.now();
        await c.insertMany(docs);
        insertMs += performance.now() - start;
        batches++;
        size += 1_000;
      }
      const id = () => `s:item:${Math.floor(Math.random() * size)}`;
      const findId = await time(() => c.findOne({ _id: id() }), 20);
      const updateId = await time(() => c.updateOne({ _id: id() }, { $inc: { n: 1 } }), 20);
      const findSku = await time(() => c.findOne({ sku: `SKU-${Math.floor(Math.random() * size)}` }), 10);
      const findAll = await time(() => c.find({}).toArray(), 3);
      console.log([size, (insertMs / batches).toFixed(1), findId.toFixed(1), updateId.toFixed(1), findSku.toFixed(1), findAll.toFixed(0)].join('\t\t'));
    }
  } finally {
    await client.close();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
