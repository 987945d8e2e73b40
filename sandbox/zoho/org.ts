import type { Clock } from '../common/clock.js';
import type { DataCenter } from './dataCenters.js';
import { notFound } from './errors.js';
import { OrgRateLimiter, type ZohoLimits, type ZohoPlan } from './limits.js';
import type {
  ZohoContact,
  ZohoCreditNote,
  ZohoInventoryAdjustment,
  ZohoInvoice,
  ZohoItem,
  ZohoItemGroup,
  ZohoLocation,
  ZohoPackage,
  ZohoPayment,
  ZohoPricebook,
  ZohoSalesOrder,
  ZohoShipmentOrder,
} from './records.js';
import { StockLedger } from './stock.js';

/** The modules workflow rules (and so webhooks) can be set on. */
export type ZohoModule =
  | 'item'
  | 'itemgroup'
  | 'pricebook'
  | 'contact'
  | 'salesorder'
  | 'invoice'
  | 'customerpayment'
  | 'creditnote'
  | 'package'
  | 'shipmentorder'
  | 'inventory_adjustment';

export type RecordEvent = 'create' | 'update' | 'delete';

export interface OrgInfo {
  organization_id: string;
  name: string;
  dataCenter: DataCenter;
  plan: ZohoPlan;
  currency_code: string;
  currency_symbol: string;
  time_zone: string;
  contact_name: string;
  email: string;
  account_created_date: string;
}

export type RecordListener = (org: ZohoOrg, module: ZohoModule, event: RecordEvent, record: unknown) => void;

/** Zoho's timestamp format: 2024-05-01T10:00:00+0000. */
export const zohoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
export const zohoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Reads Zoho's timestamp ("+0530" offsets) or any ISO date; NaN when unreadable. */
export function parseZohoTime(value: string): number {
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * One Zoho Inventory organization: its records, stock ledger, number series, rate limiter
 * and call counters. Records are kept in insertion order (Maps), which is the order lists
 * return unless sorted.
 */
export class ZohoOrg {
  readonly locations = new Map<string, ZohoLocation>();
  readonly items = new Map<string, ZohoItem>();
  readonly itemGroups = new Map<string, ZohoItemGroup>();
  readonly pricebooks = new Map<string, ZohoPricebook>();
  readonly contacts = new Map<string, ZohoContact>();
  readonly salesOrders = new Map<string, ZohoSalesOrder>();
  readonly invoices = new Map<string, ZohoInvoice>();
  readonly payments = new Map<string, ZohoPayment>();
  readonly creditNotes = new Map<string, ZohoCreditNote>();
  readonly packages = new Map<string, ZohoPackage>();
  readonly shipments = new Map<string, ZohoShipmentOrder>();
  readonly adjustments = new Map<string, ZohoInventoryAdjustment>();
  readonly stock = new StockLedger();
  /** Sales order line id → its order: invoices and packages refer to order lines by id alone. */
  readonly salesOrderLineIndex = new Map<string, string>();
  readonly limiter: OrgRateLimiter;
  /** Calls answered for this organization: total, 429s, and per "METHOD /route". */
  readonly usage = { calls: 0, throttled: 0, byRoute: new Map<string, number>() };
  private readonly series = new Map<string, number>();
  /** Currencies enabled in the organization (id → code); the base currency's id is `<org id>000`. */
  readonly currencies = new Map<string, string>();

  constructor(
    readonly info: OrgInfo,
    readonly clock: Clock,
    private readonly makeId: () => string,
    limits: () => ZohoLimits,
    private readonly onRecord: RecordListener,
  ) {
    this.limiter = new OrgRateLimiter(clock, limits);
  }

  get id(): string {
    return this.info.organization_id;
  }

  /** The id of a currency, enabled on first use (the base currency is always there). */
  currencyId(code: string): string {
    const upper = code.toUpperCase();
    if (upper === this.info.currency_code) return `${this.id}000`;
    for (const [id, c] of this.currencies) if (c === upper) return id;
    const id = `${this.id}${String(this.currencies.size + 1).padStart(3, '0')}`;
    this.currencies.set(id, upper);
    return id;
  }

  /** The code of a currency id; undefined for one the organization does not have. */
  currencyCode(id: string): string | undefined {
    return id === `${this.id}000` ? this.info.currency_code : this.currencies.get(id);
  }

  /** A fresh record id (Zoho ids are long digit strings, unique across organizations). */
  newId(): string {
    return this.makeId();
  }

  /** Next number of a series, e.g. SO-00001 (what Zoho's auto numbering produces). */
  nextNumber(prefix: string): string {
    return `${prefix}${String(this.nextSequence(prefix)).padStart(5, '0')}`;
  }

  nextSequence(series: string): number {
    const n = (this.series.get(series) ?? 0) + 1;
    this.series.set(series, n);
    return n;
  }

  now(): string {
    return zohoTime(this.clock.now());
  }

  today(): string {
    return zohoDate(this.clock.now());
  }

  /** Announces a change to a record (workflow rules listen). */
  emit(module: ZohoModule, event: RecordEvent, record: unknown): void {
    this.onRecord(this, module, event, record);
  }

  primaryLocation(): ZohoLocation {
    for (const location of this.locations.values()) if (location.is_primary) return location;
    const first = this.locations.values().next().value;
    if (!first) throw new Error(`organization ${this.id} has no location`);
    return first;
  }

  /** A record by id, or Zoho's "does not exist" (code 1002). */
  get<T>(map: Map<string, T>, id: string | undefined, what: string): T {
    const record = id === undefined ? undefined : map.get(id);
    if (!record) throw notFound(what);
    return record;
  }

  /** Counts a served call against its route. */
  countCall(route: string): void {
    this.usage.calls++;
    this.usage.byRoute.set(route, (this.usage.byRoute.get(route) ?? 0) + 1);
  }
}
