import type { Trigger } from './flows.js';
import { Priority } from './priority.js';

/** Webhook-driven work is real time; reconciliation next; schedules and "Sync now" last. */
export function priorityForTrigger(trigger: Trigger): Priority {
  if (trigger === 'webhook') return Priority.realtime;
  if (trigger === 'reconcile') return Priority.reconcile;
  return Priority.scheduled;
}
