import type { AppContext } from '../context.js';
import type { SyncRunDoc } from '../db/models/index.js';
import type { Settings } from '../settings/schema.js';
import type { Flow } from './flows.js';
import type { RunReporter } from './reporter.js';

export interface FlowRunContext {
  ctx: AppContext;
  run: SyncRunDoc;
  settings: Settings;
  reporter: RunReporter;
  /** Called by long runs between pages so the worker's locks stay theirs. */
  heartbeat(): Promise<void>;
}

/** A run's end: `skipped` with a reason (e.g. price lists on a store without them), else from the counts. */
export type FlowOutcome = { status?: 'skipped'; message?: string } | void;

export type FlowRunner = (run: FlowRunContext) => Promise<FlowOutcome>;

/** Flows register their runner here (server/sync/<flow>/index.ts); a flow without one is reported as not available. */
const runners = new Map<Flow, FlowRunner>();

export function registerFlow(flow: Flow, runner: FlowRunner): void {
  runners.set(flow, runner);
}

export function runnerFor(flow: Flow): FlowRunner | undefined {
  return runners.get(flow);
}
