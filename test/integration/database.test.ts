import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgenda } from '../../server/jobs/agenda.js';
import { connectTestDatabase } from '../support/database.js';

/**
 * The guarantees the app's exactly-once effects rest on, proven through the embedded server
 * (FerretDB behind our write-serializing relay), or a real MongoDB when MONGODB_URI is set.
 */
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  db = await connectTestDatabase();
});
afterAll(async () => db?.close());

interface Row {
  _id: string;
  version?: number;
  by?: number;
  value?: number;
  owner?: string | null;
}
const collection = (name: string) => mongoose.connection.db!.collection<Row>(name);

describe('concurrent writes', () => {
  it('20 concurrent compare-and-set updates: exactly one winner', async () => {
    const c = collection('cas');
    await c.insertOne({ _id: 'row', version: 0 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.updateOne({ _id: 'row', version: 0 }, { $set: { version: 1, by: i } })),
    );
    expect(results.reduce((n, r) => n + r.modifiedCount, 0)).toBe(1);
    expect((await c.findOne({ _id: 'row' }))?.version).toBe(1);
  });

  it('20 concurrent $inc: +20', async () => {
    const c = collection('counter');
    await c.insertOne({ _id: 'n', value: 0 });
    await Promise.all(Array.from({ length: 20 }, () => c.updateOne({ _id: 'n' }, { $inc: { value: 1 } })));
    expect((await c.findOne({ _id: 'n' }))?.value).toBe(20);
  });

  it('20 concurrent claims of one free row: exactly one winner, and it owns the row', async () => {
    const c = collection('claims');
    await c.insertOne({ _id: 'job', owner: null });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.findOneAndUpdate({ _id: 'job', owner: null }, { $set: { owner: `w${i}` } }, { returnDocument: 'after' })),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect((await c.findOne({ _id: 'job' }))?.owner).toBe(winners[0]!.owner);
  });

  it('20 concurrent inserts of one natural key: one succeeds, the rest get duplicate-key errors', async () => {
    const c = collection('keys');
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => c.insertOne({ _id: 'store:order:1', by: i })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: number }).code] : []));
    expect(codes).toEqual(Array(19).fill(11000));
  });
});

describe('Agenda on the shared database', () => {
  it('two Agenda instances run each of 30 one-off jobs exactly once', async () => {
    const runs = new Map<number, number>();
    const workers = ['worker-a', 'worker-b'].map((name) => createAgenda(mongoose.connection.db!, { name, processEvery: 100 }));
    for (const agenda of workers) {
      agenda.define<{ n: number }>('count-run', async (job) => {
        runs.set(job.attrs.data.n, (runs.get(job.attrs.data.n) ?? 0) + 1);
      });
      await agenda.ready;
    }
    for (let n = 0; n < 30; n++) await workers[n % 2]!.now('count-run', { n });
    await Promise.all(workers.map((a) => a.start()));
    const deadline = Date.now() + 60_000;
    while ([...runs.values()].reduce((a, b) => a + b, 0) < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Leave time for any duplicate run to show itself before judging.
    await new Promise((r) => setTimeout(r, 1_000));
    await Promise.all(workers.map((a) => a.stop()));
    expect(runs.size).toBe(30);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    // removeOnComplete: nothing left behind in the jobs collection.
    expect(await mongoose.connection.db!.collection('jobs').countDocuments({ name: 'count-run' })).toBe(0);
  });
});
