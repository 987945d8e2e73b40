import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoSecrets {
  sessionSecret: string;
  encryptionKey: string;
}

/**
 * The demo's own secrets, made once and kept beside its data so that tokens sealed in the
 * database still open after a restart. Never used outside the demo.
 */
export function demoSecrets(dataDir: string): DemoSecrets {
  const file = join(dataDir, 'demo-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets;
  const secrets = { sessionSecret: randomBytes(32).toString('base64url'), encryptionKey: randomBytes(32).toString('base64') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
