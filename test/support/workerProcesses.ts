import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../server/paths.js';
import type { TestHarness } from './testApp.js';

/** A job every worker process runs ({ms}: wait that long), and where it writes when it starts and finishes. */
export const TEST_SLEEP_JOB = 'test.sleep';
export const TEST_JOB_EVENTS = 'testJobEvents';

/**
 * Real worker processes (test/support/workerProcess.ts: ROLE=worker, short job locks) on the
 * test's database and simulators, for crash and multi-process tests. Kill them all at the end.
 */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];

  /** Any harness will do: a test's, or a benchmark's database and configuration. */
  constructor(private readonly h: Pick<TestHarness, 'dbUri'> & { ctx: Pick<TestHarness['ctx'], 'config'> }) {}

  /** `env` adds to (or overrides) the worker's environment. */
  start(env: Record<string, string> = {}): Promise<ChildProcess> {
    const { config } = this.h.ctx;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/workerProcess.ts'], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        MONGODB_URI: this.h.dbUri,
        APP_URL: config.appUrl,
        BC_CLIENT_ID: config.bigcommerce.clientId,
        BC_CLIENT_SECRET: config.bigcommerce.clientSecret,
        BC_LOGIN_URL: config.bigcommerce.loginUrl,
        BC_API_URL: config.bigcommerce.apiUrl,
        ZOHO_CLIENT_ID: config.zoho.clientId,
        ZOHO_CLIENT_SECRET: config.zoho.clientSecret,
        ZOHO_ACCOUNTS_URL: config.zoho.accountsUrl,
        ZOHO_API_URL: config.zoho.apiUrl,
        SESSION_SECRET: config.sessionSecret,
        ENCRYPTION_KEY: config.encryptionKey.toString('base64'),
        LOG_LEVEL: 'warn',
        ...env,
      },
    });
    this.children.push(child);
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => line === 'worker ready' && resolve(child));
      child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });
  }

  killAll(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Polls until the condition holds, or fails naming what it waited for. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
