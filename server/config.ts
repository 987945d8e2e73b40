import { z } from 'zod';

/**
 * A 32-byte key for AES-256-GCM (tokens at rest): base64, or 64 hex digits (what Heroku's
 * secret generator makes).
 */
const decodeKey = (value: string) => (/^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64'));
const base64Key = z.string().refine((value) => decodeKey(value).length === 32, {
  message: 'expected 32 random bytes encoded as base64 (openssl rand -base64 32)',
});

const optionalUrl = z.url({ message: 'expected an absolute URL' }).optional();

/** Stands for the store's hash in ALERT_PANEL_URL. */
export const STORE_HASH_PLACEHOLDER = '{store_hash}';
const EMAIL = '[^\\s<>@]+@[^\\s<>@]+';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  APP_URL: z.url({ message: 'expected the public base URL, e.g. https://app.example.com' }).optional(),
  ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  BC_CLIENT_ID: z.string().min(1, 'expected the client id from the BigCommerce Developer Portal'),
  BC_CLIENT_SECRET: z.string().min(1, 'expected the client secret from the BigCommerce Developer Portal'),
  BC_LOGIN_URL: z.url().default('https://login.bigcommerce.com'),
  BC_API_URL: z.url().default('https://api.bigcommerce.com'),
  ZOHO_CLIENT_ID: z.string().default(''),
  ZOHO_CLIENT_SECRET: z.string().default(''),
  ZOHO_ACCOUNTS_URL: optionalUrl,
  ZOHO_API_URL: optionalUrl,
  SESSION_SECRET: z.string().min(32, 'expected at least 32 random characters'),
  ENCRYPTION_KEY: base64Key,
  CSP_FRAME_ANCESTORS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  SYNC_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(50),
  SYNC_RUNS_PER_STORE: z.coerce.number().int().min(1).max(100).default(2),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'expected an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465')
    .optional(),
  ALERT_FROM: z
    .string()
    .regex(new RegExp(`^(${EMAIL}|[^<>]*<${EMAIL}>)$`), 'expected an address such as alerts@example.com or "Zoho connector <alerts@example.com>"')
    .optional(),
  ALERT_PANEL_URL: z
    .string()
    .refine((url) => URL.canParse(url.replaceAll(STORE_HASH_PLACEHOLDER, 'abc123')), `expected a URL, with ${STORE_HASH_PLACEHOLDER} for the store`)
    .default(`https://store-${STORE_HASH_PLACEHOLDER}.mybigcommerce.com/manage/marketplace/apps/my-apps`),
}).superRefine((env, ctx) => {
  if (env.SMTP_URL && !env.ALERT_FROM) ctx.addIssue({ code: 'custom', path: ['ALERT_FROM'], message: 'is required when SMTP_URL is set (the sender of alert e-mails)' });
});

export type Env = z.input<typeof schema>;

export interface Config {
  port: number;
  appUrl: string;
  role: 'web' | 'worker' | 'all';
  mongodbUri: string | undefined;
  dataDir: string;
  bigcommerce: { clientId: string; clientSecret: string; loginUrl: string; apiUrl: string };
  zoho: { clientId: string; clientSecret: string; accountsUrl: string | undefined; apiUrl: string | undefined };
  sessionSecret: string;
  encryptionKey: Buffer;
  cspFrameAncestors: string[];
  logLevel: string;
  /** On SIGTERM, how long running jobs may finish before they are released to another worker. */
  shutdownGraceMs: number;
  /**
   * Flow runs (`sync.run`) a worker executes at once, and at most how many of them one store's:
   * a run mostly waits on its store's API quota, so the slots are many and shared out by store.
   */
  syncRuns: { concurrency: number; perStore: number };
  /** Alert e-mails to store owners: on when SMTP_URL and ALERT_FROM are set. `panelUrl` has {store_hash} in it. */
  alertMail: { smtpUrl: string; from: string; panelUrl: string } | undefined;
}

export class ConfigError extends Error {}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Reads the configuration from an environment object. Throws a ConfigError whose
 * message is one line naming the first bad variable and what it expects.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (FOO= in a .env file) means "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const message = issue.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : issue.message;
    throw new ConfigError(`Configuration error: ${name} ${message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    appUrl: trimSlash(e.APP_URL ?? `http://localhost:${e.PORT}`),
    role: e.ROLE,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    bigcommerce: {
      clientId: e.BC_CLIENT_ID,
      clientSecret: e.BC_CLIENT_SECRET,
      loginUrl: trimSlash(e.BC_LOGIN_URL),
      apiUrl: trimSlash(e.BC_API_URL),
    },
    zoho: {
      clientId: e.ZOHO_CLIENT_ID,
      clientSecret: e.ZOHO_CLIENT_SECRET,
      accountsUrl: e.ZOHO_ACCOUNTS_URL && trimSlash(e.ZOHO_ACCOUNTS_URL),
      apiUrl: e.ZOHO_API_URL && trimSlash(e.ZOHO_API_URL),
    },
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: decodeKey(e.ENCRYPTION_KEY),
    cspFrameAncestors: e.CSP_FRAME_ANCESTORS.split(/[\s,]+/).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    syncRuns: { concurrency: e.SYNC_RUN_CONCURRENCY, perStore: e.SYNC_RUNS_PER_STORE },
    alertMail: e.SMTP_URL && e.ALERT_FROM ? { smtpUrl: e.SMTP_URL, from: e.ALERT_FROM, panelUrl: e.ALERT_PANEL_URL } : undefined,
  };
}
