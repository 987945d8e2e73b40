import { systemClock, type Clock } from '../common/clock.js';
import { WebhookDeliverer } from '../common/webhookDelivery.js';
import { OAuthTokens, type OAuthLimits, REAL_OAUTH_LIMITS } from './accounts.js';
import { dataCenter, type DataCenter } from './dataCenters.js';
import { REAL_ZOHO_LIMITS, mergeLimits, type ZohoLimits, type ZohoLimitsOverride } from './limits.js';
import { ZohoOrg, zohoDate, type OrgInfo } from './org.js';
import type { ZohoLocation } from './records.js';
import { WorkflowWebhooks, type WorkflowWebhookInput, type WorkflowWebhookRule } from './webhooks.js';

/** An app registered in Zoho's API console. */
export interface ZohoClientApp {
  clientId: string;
  clientSecret: string;
  /** Authorized redirect URIs; empty or absent = any (handy for tests). */
  redirectUris?: string[];
}

export interface ZohoSimulatorOptions {
  /** Registered OAuth clients (the app's ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET). */
  clients?: ZohoClientApp[];
  clock?: Clock;
  /** API limits; defaults are Zoho's real ones. */
  limits?: ZohoLimitsOverride;
  /** Token lifetimes and refresh limits; defaults are Zoho's real ones. */
  oauth?: Partial<OAuthLimits>;
  /** Email of the user the consent page approves without asking (tests drive OAuth with plain HTTP). */
  autoApproveUser?: string;
  /** Load the demo data (seedZoho) at start. */
  seed?: boolean;
  /** Answer only the fields the OpenAPI files document (sandbox/common/documentedAnswers.ts); on wherever the files are. */
  documentedAnswersOnly?: boolean;
}

/** A Zoho account (one person), living in one data center, member of some organizations. */
export interface ZohoUser {
  zuid: string;
  email: string;
  name: string;
  dataCenter: DataCenter;
  organizationIds: Set<string>;
}

/**
 * Everything the Zoho simulator knows: users, organizations with their data, OAuth grants,
 * workflow rules, and what was called. One simulator serves many organizations and users.
 */
export class ZohoState {
  readonly clock: Clock;
  limits: ZohoLimits;
  readonly users = new Map<string, ZohoUser>();
  readonly organizations = new Map<string, ZohoOrg>();
  readonly oauth: OAuthTokens;
  /** Workflow-rule webhook deliveries (retries, duplicates, reordering: see WebhookDeliverer). */
  readonly deliveries = new WebhookDeliverer();
  readonly webhooks: WorkflowWebhooks;
  /** Every call served, by "METHOD /route" (accounts and API), for budget and contract tests. */
  readonly calls = new Map<string, number>();
  autoApproveUser: string | undefined;
  private lastId = 4_600_000_000_000_000n;
  private lastZuid = 70_000_000;
  private lastOrgId = 800_000_000;

  constructor(readonly options: ZohoSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limits = mergeLimits(REAL_ZOHO_LIMITS, options.limits);
    this.oauth = new OAuthTokens(this, { ...REAL_OAUTH_LIMITS, ...options.oauth });
    this.webhooks = new WorkflowWebhooks(this.deliveries);
    this.autoApproveUser = options.autoApproveUser;
  }

  /** Replaces some limits (tests scale them down, then restore REAL_ZOHO_LIMITS). */
  setLimits(override: ZohoLimitsOverride): void {
    this.limits = mergeLimits(REAL_ZOHO_LIMITS, override);
  }

  /** Zoho-like record ids: long digit strings, increasing, unique across this simulator's organizations. */
  newId(): string {
    this.lastId += 1n;
    return String(this.lastId);
  }

  addOrganization(input: Partial<Omit<OrgInfo, 'dataCenter'>> & { name: string; dataCenter?: DataCenter | string; primaryLocationName?: string }): ZohoOrg {
    const dc = dataCenter(input.dataCenter ?? 'us');
    const info: OrgInfo = {
      organization_id: input.organization_id ?? String(++this.lastOrgId),
      name: input.name,
      dataCenter: dc,
      plan: input.plan ?? 'standard',
      currency_code: input.currency_code ?? (dc === 'eu' ? 'EUR' : 'USD'),
      currency_symbol: input.currency_symbol ?? (dc === 'eu' ? '€' : '$'),
      time_zone: input.time_zone ?? (dc === 'eu' ? 'Europe/Berlin' : 'America/Los_Angeles'),
      contact_name: input.contact_name ?? 'Sandbox Admin',
      email: input.email ?? 'admin@example.com',
      account_created_date: input.account_created_date ?? zohoDate(this.clock.now()),
    };
    if (this.organizations.has(info.organization_id)) throw new Error(`organization ${info.organization_id} exists`);
    const org = new ZohoOrg(
      info,
      this.clock,
      () => this.newId(),
      () => this.limits,
      (o, module, event, record) => this.webhooks.onRecord(o, module, event, record),
    );
    this.organizations.set(info.organization_id, org);
    this.addLocation(org, input.primaryLocationName ?? 'Head Office', { primary: true });
    return org;
  }

  addLocation(org: ZohoOrg, name: string, options: { primary?: boolean; city?: string } = {}): ZohoLocation {
    if (options.primary) for (const l of org.locations.values()) l.is_primary = false;
    const location: ZohoLocation = {
      location_id: this.newId(),
      location_name: name,
      type: 'general',
      is_primary: options.primary ?? false,
      status: 'active',
      email: '',
      phone: '',
      address: { city: options.city ?? '', country: '' },
    };
    org.locations.set(location.location_id, location);
    return location;
  }

  /** Adds a Zoho user; it can reach the given organizations, which must share its data center. */
  addUser(input: { email: string; name?: string; dataCenter?: DataCenter | string; organizationIds?: string[] }): ZohoUser {
    const dc = dataCenter(input.dataCenter ?? 'us');
    for (const id of input.organizationIds ?? []) {
      const org = this.organization(id);
      if (org.info.dataCenter !== dc) throw new Error(`organization ${id} is in data center ${org.info.dataCenter}, the user in ${dc}`);
    }
    const user: ZohoUser = {
      zuid: String(++this.lastZuid),
      email: input.email.toLowerCase(),
      name: input.name ?? input.email.split('@')[0]!,
      dataCenter: dc,
      organizationIds: new Set(input.organizationIds ?? []),
    };
    this.users.set(user.zuid, user);
    return user;
  }

  userByEmail(email: string): ZohoUser | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return undefined;
  }

  organization(id: string): ZohoOrg {
    const org = this.organizations.get(id);
    if (!org) throw new Error(`no organization ${id}`);
    return org;
  }

  client(clientId: unknown): ZohoClientApp | undefined {
    return this.options.clients?.find((c) => c.clientId === clientId);
  }

  /** Registers a workflow rule with a webhook action (what a merchant sets up in Zoho). */
  addWorkflowWebhook(organizationId: string, rule: WorkflowWebhookInput): WorkflowWebhookRule {
    this.organization(organizationId);
    return this.webhooks.add(organizationId, rule);
  }

  removeWorkflowWebhook(ruleId: string): void {
    this.webhooks.remove(ruleId);
  }

  countCall(key: string): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  /** Total calls whose key starts with the prefix, e.g. callCount('GET /inventory/v1/items'). */
  callCount(prefix = ''): number {
    let total = 0;
    for (const [k, n] of this.calls) if (k.startsWith(prefix)) total += n;
    return total;
  }
}

