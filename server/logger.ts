import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; request ids are added per request by pino-http in app.ts. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid } });
}
