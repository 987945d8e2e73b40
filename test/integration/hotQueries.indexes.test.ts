import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { HOT_QUERIES } from '../../server/db/hotQueries.js';
import { connectTestDatabase } from '../support/database.js';

/** The indexes hot queries rely on are accepted by the database the tests run (embedded FerretDB): none is only declared. */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(async () => {
  await db.close();
});

describe('declared indexes exist in the database', () => {
  const modelNames = [...new Set(HOT_QUERIES.map((q) => q.model.modelName))];
  for (const name of modelNames) {
    it(name, async () => {
      const model = mongoose.model(name);
      await model.createIndexes();
      const existing = (await model.collection.indexes()).map((index) => JSON.stringify(index.key));
      for (const [keys] of model.schema.indexes()) expect(existing).toContain(JSON.stringify(keys));
    });
  }
});
