import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from './clock.js';

/**
 * Fault injection shared by the simulators: added latency, a share of requests failing with a
 * server error, outage windows during which every API call fails, and lost answers (the call is
 * carried out, then its answer never arrives).
 */
export interface FaultOptions {
  /** Added to every API response, in ms. */
  latencyMs?: number;
  /** 0..1: share of API calls answered with `errorStatus` instead of being served. */
  errorRate?: number;
  errorStatus?: number;
  /** Windows (clock ms) in which every call gets 503. */
  outages?: { start: number; end: number }[];
}

/**
 * What a lost-answer predicate sees of a call: `path` is the full path without the query, `body`
 * the parsed body (undefined without one). A predicate that throws does not match.
 */
export interface AnsweredRequest {
  method: string;
  path: string;
  body: unknown;
}

/** Which calls lose their answer: a predicate, or a method and/or a path regex (source). */
export type AnswerMatch = ((req: AnsweredRequest) => boolean) | { method?: string; path?: string };

export interface LoseAnswersOptions {
  /** How many matching answers to lose (then the fault disarms itself). */
  times: number;
  /**
   * `reset`: the connection is reset instead of answered; `timeout`: the answer never comes;
   * `error`: the platform's error answer of `status` (default 500) comes instead.
   */
  mode: 'reset' | 'timeout' | 'error';
  /** With `error`: the status answered. */
  status?: number;
  /** Only calls that match; every API call when absent. */
  match?: AnswerMatch;
}

export interface LostAnswers {
  /** Answers this fault has lost so far. */
  lost(): number;
  /** Answers it will still lose. */
  remaining(): number;
  /** Disarms it. */
  cancel(): void;
}

interface LossRule {
  id: number;
  mode: LoseAnswersOptions['mode'];
  status: number;
  match: { method?: string; path?: string } | 'predicate';
  matches: (req: AnsweredRequest) => boolean;
  remaining: number;
  lost: number;
}

function matcher(match: AnswerMatch | undefined): (req: AnsweredRequest) => boolean {
  if (typeof match === 'function') return match;
  const method = match?.method?.toUpperCase();
  const path = match?.path === undefined ? undefined : new RegExp(match.path);
  return (req) => (method === undefined || req.method === method) && (path === undefined || path.test(req.path));
}

export class Faults {
  private options: FaultOptions = {};
  private rules: LossRule[] = [];
  private nextRuleId = 1;
  private lostCount = 0;
  /** Responses already watched for a lost answer (a call may pass two fault middlewares). */
  private readonly watched = new WeakSet<Response>();

  constructor(private readonly clock: Clock) {}

  set(options: FaultOptions): void {
    this.options = { ...options };
  }

  /** Clears every fault, armed lost answers included (`lostAnswers` keeps counting). */
  clear(): void {
    this.options = {};
    this.rules = [];
  }

  /** Starts an outage now, for `ms` milliseconds. */
  outageFor(ms: number): void {
    const start = this.clock.now();
    this.options = { ...this.options, outages: [...(this.options.outages ?? []), { start, end: start + ms }] };
  }

  /**
   * "Do the work, lose the answer": the next `times` API calls that match are carried out (the
   * record is written, the webhook emitted) and then, when the route answers, the connection is
   * reset (`reset`) or the answer is held until the client gives up or the server closes
   * (`timeout`), or the platform's error of `status` (default 500) is answered instead (`error`).
   * Whatever the route answered (2xx or an error) is lost.
   */
  loseAnswers(options: LoseAnswersOptions): LostAnswers {
    if (!(options.times > 0)) throw new RangeError('loseAnswers: times must be at least 1');
    const { match } = options;
    const rule: LossRule = {
      id: this.nextRuleId++,
      mode: options.mode,
      status: options.status ?? 500,
      match: typeof match === 'function' ? 'predicate' : { ...match },
      matches: matcher(match),
      remaining: options.times,
      lost: 0,
    };
    this.rules.push(rule);
    return {
      lost: () => rule.lost,
      remaining: () => rule.remaining,
      cancel: () => {
        rule.remaining = 0;
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  /** Answers lost since the simulator started, by every `loseAnswers`. */
  get lostAnswers(): number {
    return this.lostCount;
  }

  /** The armed lost-answer faults, as the control routes report them. */
  armedLosses() {
    return this.rules.map(({ id, mode, match, remaining, lost }) => ({ id, mode, match, remaining, lost }));
  }

  /**
   * Express middleware: delays, then fails the call if an outage or the error rate says so,
   * then, if a lost answer is armed, watches the answer. `respond` writes the platform's own
   * error body.
   */
  middleware(respond: (res: Parameters<RequestHandler>[1], status: number) => void): RequestHandler {
    return async (req, res, next) => {
      const { latencyMs = 0, errorRate = 0, errorStatus = 500, outages = [] } = this.options;
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const now = this.clock.now();
      if (outages.some((o) => now >= o.start && now < o.end)) return respond(res, 503);
      if (errorRate > 0 && Math.random() < errorRate) return respond(res, errorStatus);
      if (this.rules.length > 0) this.watchAnswer(req, res, respond);
      next();
    };
  }

  /**
   * Decides when the route first writes its answer (the body is parsed and the work done by
   * then) whether a lost-answer fault takes it; if so, nothing of the answer is written.
   */
  private watchAnswer(req: Request, res: Response, respond: (res: Response, status: number) => void): void {
    if (this.watched.has(res)) return;
    this.watched.add(res);
    const original = { writeHead: res.writeHead, write: res.write, end: res.end };
    let lose: boolean | undefined;
    const decide = (): boolean => {
      if (lose !== undefined) return lose;
      const request = { method: req.method, path: req.originalUrl.split('?')[0]!, body: req.body as unknown };
      const rule = this.rules.find((r) => {
        try {
          return r.matches(request);
        } catch {
          return false; // a predicate that cannot read this call does not match it
        }
      });
      lose = rule !== undefined;
      if (!rule) {
        Object.assign(res, original);
        return false;
      }
      rule.lost++;
      this.lostCount++;
      if (--rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      // `timeout`: the socket stays open with no answer; the client's abort or the server's
      // closeAllConnections() closes it.
      if (rule.mode === 'reset') res.socket?.resetAndDestroy();
      if (rule.mode === 'error' && !res.headersSent) {
        // The route's answer is dropped and the platform's error sent in its place; whatever the
        // route still writes goes nowhere.
        Object.assign(res, original);
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        respond(res, rule.status);
        Object.assign(res, { writeHead: () => res, write: () => true, end: () => res });
      }
      return true;
    };
    const intercept = <F extends (...args: never[]) => unknown>(fn: F, lostResult: unknown) =>
      ((...args: Parameters<F>) => (decide() ? lostResult : Reflect.apply(fn, res, args))) as unknown as F;
    res.writeHead = intercept(original.writeHead, res);
    res.write = intercept(original.write, true);
    res.end = intercept(original.end, res);
  }
}

const faultOptionsSchema = z.object({
  latencyMs: z.number().min(0).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  errorStatus: z.int().min(400).max(599).optional(),
  outages: z.array(z.object({ start: z.number(), end: z.number() })).optional(),
});

const loseAnswersSchema = z.object({
  times: z.int().min(1),
  mode: z.enum(['reset', 'timeout', 'error']),
  status: z.int().min(500).max(599).optional(),
  match: z
    .object({
      method: z.string().min(1).optional(),
      path: z
        .string()
        .min(1)
        .refine((source) => {
          try {
            new RegExp(source);
            return true;
          } catch {
            return false;
          }
        }, 'path must be a regular expression source')
        .optional(),
    })
    .optional(),
});

/**
 * `/__sim/faults`: the faults over HTTP, for tests and benchmarks in another process. Both
 * simulators mount it.
 *   PUT    /__sim/faults               {latencyMs?, errorRate?, errorStatus?, outages?} → 204
 *   DELETE /__sim/faults               clears every fault, armed lost answers included → 204
 *   POST   /__sim/faults/lost-answers  {times, mode: 'reset'|'timeout'|'error', status?, match?: {method?, path?}}
 *                                      → 201 {id, mode, match, remaining, lost}
 *   GET    /__sim/faults/lost-answers  → {lostAnswers, armed: [{id, mode, match, remaining, lost}]}
 */
export function faultControlRoutes(faults: Faults): Router {
  const router = Router();
  router.use('/__sim/faults', express.json());
  const parse = <T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) res.status(400).json({ error: z.prettifyError(parsed.error) });
    return parsed.data;
  };
  router.put('/__sim/faults', (req, res) => {
    const options = parse(faultOptionsSchema, req, res);
    if (!options) return;
    faults.set(options);
    res.status(204).end();
  });
  router.delete('/__sim/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  router.post('/__sim/faults/lost-answers', (req, res) => {
    const options = parse(loseAnswersSchema, req, res);
    if (!options) return;
    faults.loseAnswers(options);
    res.status(201).json(faults.armedLosses().at(-1));
  });
  router.get('/__sim/faults/lost-answers', (_req, res) => {
    res.json({ lostAnswers: faults.lostAnswers, armed: faults.armedLosses() });
  });
  return router;
}
