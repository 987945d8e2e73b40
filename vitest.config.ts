import { defineConfig } from 'vitest/config';

// One embedded database for the whole run (started by the global setup); each test file
// works in a database of its own inside it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Leases allow 10 s for clock differences between hosts; one machine's tests need not wait that out.
    env: { LEASE_CLOCK_SKEW_MS: '200' },
    // expect.poll waits for the system (workers polling the database); on a busy 2-core CI machine
    // that takes longer than the default second.
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
