import type { WebhookDeliverer } from '../common/webhookDelivery.js';
import type { RecordEvent, ZohoModule, ZohoOrg } from './org.js';

/**
 * Zoho has no webhook subscriptions API: a merchant creates a workflow rule on a module
 * ("when an item is created or edited") whose action is a webhook with a URL, custom headers or
 * URL parameters (where the app's shared secret goes) and a body, either the default payload
 * or a template with placeholders such as ${item.item_id}. The simulator fires matching rules
 * on record events and delivers through WebhookDeliverer (retries, duplicates, reordering).
 */
export interface WorkflowWebhookInput {
  module: ZohoModule;
  /** Events that fire the rule; default create and update ("Created or Edited"). */
  events?: RecordEvent[];
  url: string;
  headers?: Record<string, string>;
  /** Appended to the URL as query parameters. */
  params?: Record<string, string>;
  /**
   * The body: a JSON template (text or object) with ${<module>.<field>} and
   * ${organization.organization_id} placeholders. Absent: `{"<module>": <record>}`.
   */
  body?: string | Record<string, unknown>;
  name?: string;
}

export interface WorkflowWebhookRule extends WorkflowWebhookInput {
  id: string;
  organizationId: string;
  active: boolean;
  /** Times the rule fired (one per event, whatever the delivery did). */
  fired: number;
}

const PLACEHOLDER = /\$\{([a-zA-Z_]+)\.([a-zA-Z0-9_.]+)\}/g;

function lookup(scope: Record<string, unknown>, root: string, path: string): unknown {
  let value: unknown = scope[root];
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Fills a template: a leaf that is exactly one placeholder keeps the value's JSON type. */
export function renderTemplate(template: string | Record<string, unknown>, scope: Record<string, unknown>): unknown {
  const text = (s: string) => s.replace(PLACEHOLDER, (_m, root: string, path: string) => {
    const v = lookup(scope, root, path);
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  if (typeof template === 'string') {
    // Substitute inside JSON text with escaping, then read it back as JSON when possible.
    const filled = template.replace(PLACEHOLDER, (_m, root: string, path: string) => {
      const v = lookup(scope, root, path);
      const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return JSON.stringify(s).slice(1, -1);
    });
    try {
      return JSON.parse(filled);
    } catch {
      return filled;
    }
  }
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\$\{([a-zA-Z_]+)\.([a-zA-Z0-9_.]+)\}$/.exec(node);
      if (whole) return lookup(scope, whole[1]!, whole[2]!) ?? '';
      return text(node);
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(template);
}

export class WorkflowWebhooks {
  readonly rules = new Map<string, WorkflowWebhookRule>();
  private lastId = 0;

  constructor(private readonly deliverer: WebhookDeliverer) {}

  add(organizationId: string, input: WorkflowWebhookInput): WorkflowWebhookRule {
    const rule: WorkflowWebhookRule = { ...input, id: `wf-${++this.lastId}`, organizationId, active: true, fired: 0 };
    this.rules.set(rule.id, rule);
    return rule;
  }

  remove(id: string): void {
    this.rules.delete(id);
  }

  onRecord(org: ZohoOrg, module: ZohoModule, event: RecordEvent, record: unknown): void {
    for (const rule of this.rules.values()) {
      if (!rule.active || rule.organizationId !== org.id || rule.module !== module) continue;
      if (!(rule.events ?? ['create', 'update']).includes(event)) continue;
      rule.fired++;
      const scope = { [module]: record, organization: { organization_id: org.id, name: org.info.name } };
      const body = rule.body === undefined ? { [module]: record } : renderTemplate(rule.body, scope);
      const url = new URL(rule.url);
      for (const [k, v] of Object.entries(rule.params ?? {})) url.searchParams.set(k, String(renderTemplate(v, scope)));
      this.deliverer.send(url.toString(), rule.headers ?? {}, body);
    }
  }
}
