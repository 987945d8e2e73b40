import { randomBytes, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../common/clock.js';
import type { ExchangeListener } from '../common/exchanges.js';
import { documentedAnswers, type DocumentedAnswers } from '../common/documentedAnswers.js';
import { Faults } from '../common/faults.js';
import { seededRandom } from '../common/random.js';
import { WebhookDeliverer } from '../common/webhookDelivery.js';
import { setStockLevel, type StockTarget } from './inventory.js';
import { Limits } from './limits.js';
import type {
  Plan,
  SimCategory,
  SimCustomer,
  SimCustomerGroup,
  SimEventPayload,
  SimHook,
  SimImage,
  SimLocation,
  SimOrder,
  SimPriceList,
  SimPriceListAssignment,
  SimPriceRecord,
  SimProduct,
  SimVariant,
} from './model.js';
import { SimApiError } from './errors.js';
import { createOrder, refundOrder, type OrderInput, type RefundInput } from './orders.js';
import { RateLimiter } from './rateLimit.js';
import { WebhookEmitter } from './webhooks.js';

/** A control-panel user of a simulated store. */
export interface SimUser {
  id: number;
  username: string;
  email: string;
}

export interface SimulatorOptions {
  /** The app as registered in the (simulated) Developer Portal. */
  clientId: string;
  clientSecret: string;
  /** The app's public base URL: callbacks live under it. */
  appUrl: string;
  /** The first store (more can be added with addStore). */
  storeHash?: string;
  /** The simulator's time (rate-limit windows, record dates, outages). Real time by default. */
  clock?: Clock;
  /** Plan of stores added without one. Enterprise by default, so every feature is on. */
  defaultPlan?: Plan;
  /** Answer only the fields the OpenAPI files document (sandbox/common/documentedAnswers.ts); on wherever the files are. */
  documentedAnswersOnly?: boolean;
}

/**
 * How the simulator announces stock an order moved. The reference files do not say whether
 * BigCommerce raises the plain `…/inventory/updated` event for an order's change besides its
 * `…/inventory/order/updated` twin, nor in which order the two arrive: by default both are
 * raised, in a random order, each a little later (so that they may also land around the order's
 * own events). Seeded, so a test replays the same draw.
 */
export interface OrderInventoryEventOptions {
  /** Raise the plain inventory event too (default true). */
  plainEventToo: boolean;
  /** Which of the two comes first: drawn at random (default), or fixed. */
  order: 'random' | 'order-first' | 'plain-first';
  /** Each event waits a random 0..maxDelayMs after the one before it (0: raised at once, in order). */
  maxDelayMs: number;
  seed: number;
}

export const DEFAULT_ORDER_INVENTORY_EVENTS: OrderInventoryEventOptions = { plainEventToo: true, order: 'random', maxDelayMs: 40, seed: 1 };

export interface AddStoreOptions {
  /** Installs the app right away with this API token (no install dance needed in tests). */
  accessToken?: string;
  plan?: Plan;
  name?: string;
}

/** Where the ids of each kind of record start, so that ids of different kinds rarely coincide. */
const ID_BASES = {
  product: 111,
  variant: 501,
  sku: 301,
  option: 201,
  optionValue: 401,
  image: 1001,
  category: 18,
  location: 1,
  priceList: 1,
  assignment: 1,
  customerGroup: 1,
  customer: 1,
  customerAddress: 1,
  order: 100,
  orderProduct: 1,
  orderAddress: 1,
  coupon: 1,
  shipment: 1,
  refund: 1,
  hook: 20_000_001,
} as const;
export type IdKind = keyof typeof ID_BASES;

let storeCounter = 1_000_000;

/** One simulated store: what BigCommerce knows of the app in it, and the store's data. */
export class SimStore {
  readonly accountUuid = randomUUID();
  /** The numeric store id webhooks carry as `store_id`. */
  readonly storeId = ++storeCounter;
  /** The API token issued at the last install; null while the app is not installed. */
  accessToken: string | null = null;
  installed = false;
  plan: Plan;
  name: string;
  readonly currency = 'USD';
  /**
   * Multi-currency: each transactional currency the store sells in and its rate from the store's
   * default currency (units of it per unit of the default), as orders report it.
   */
  readonly currencyRates = new Map<string, number>([['USD', 1]]);
  /** Storefronts and other channels besides channel 1 (the store's own storefront). */
  readonly channels = new Map<number, { name: string; type: string; platform: string }>();

  readonly products = new Map<number, SimProduct>();
  readonly variants = new Map<number, SimVariant>();
  readonly images = new Map<number, SimImage>();
  readonly categories = new Map<number, SimCategory>();
  readonly locations = new Map<number, SimLocation>();
  /** Stock on hand per location: key `${locationId}|product:${id}` or `${locationId}|variant:${id}`. */
  readonly stock = new Map<string, number>();
  readonly priceLists = new Map<number, SimPriceList>();
  /** Key `${priceListId}|${variantId}|${currency}`. */
  readonly priceRecords = new Map<string, SimPriceRecord>();
  readonly priceListAssignments = new Map<number, SimPriceListAssignment>();
  readonly customerGroups = new Map<number, SimCustomerGroup>();
  readonly customers = new Map<number, SimCustomer>();
  readonly orders = new Map<number, SimOrder>();
  readonly hooks = new Map<number, SimHook>();
  /** Every event the store raised, delivered or not (tests read it). */
  readonly events: SimEventPayload[] = [];
  /** API calls served for this store, by "METHOD /v3/path/{id}". */
  readonly calls = new Map<string, number>();
  private readonly nextIds = new Map<IdKind, number>();
  private readonly skuIndex = new Map<string, { productId: number; variantId?: number }>();
  /** Product ids by lower-case name and by lower-case URL (entries may be stale: check the record). */
  readonly productNameIndex = new Map<string, number>();
  readonly productUrlIndex = new Map<string, number>();

  constructor(
    readonly hash: string,
    /** The first user is the store owner. */
    readonly users: SimUser[],
    options: { plan: Plan; name?: string; now: number },
  ) {
    this.plan = options.plan;
    this.name = options.name ?? `Sandbox store ${hash}`;
    const location: SimLocation = {
      id: this.nextId('location'),
      code: 'BC-LOCATION-1',
      label: 'Default location',
      enabled: true,
      fields: { description: '', managed_by_external_source: false, type_id: 'PHYSICAL', storefront_visibility: true, time_zone: 'Etc/UTC' },
      createdAt: options.now,
      updatedAt: options.now,
    };
    this.locations.set(location.id, location);
  }

  get owner(): SimUser {
    return this.users[0]!;
  }

  userById(id: number): SimUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  nextId(kind: IdKind): number {
    const id = this.nextIds.get(kind) ?? ID_BASES[kind];
    this.nextIds.set(kind, id + 1);
    return id;
  }

  /** The default location (id 1) is where catalog-level stock writes land. */
  get defaultLocationId(): number {
    return 1;
  }

  /**
   * Products and variants share one SKU namespace, compared without letter case. A lookup
   * index keeps this cheap for big catalogs; the catalog service keeps it up to date.
   */
  findSku(sku: string): { product: SimProduct; variant?: SimVariant } | undefined {
    const hit = this.resolveSkuEntry(sku);
    if (hit !== null) return hit;
    // The entry no longer describes its record: rebuild once, then trust the index.
    this.rebuildSkuIndex();
    return this.resolveSkuEntry(sku) ?? undefined;
  }

  /** Records that `sku` now names this product (and variant); an empty SKU names nothing. */
  indexSku(sku: string, productId: number, variantId?: number): void {
    if (sku) this.skuIndex.set(sku.toLowerCase(), { productId, variantId });
  }

  unindexSku(sku: string): void {
    if (sku) this.skuIndex.delete(sku.toLowerCase());
  }

  /** The indexed record (undefined when absent), or null when the entry is stale. */
  private resolveSkuEntry(sku: string): { product: SimProduct; variant?: SimVariant } | undefined | null {
    const entry = this.skuIndex.get(sku.toLowerCase());
    if (!entry) return undefined;
    const product = this.products.get(entry.productId);
    const variant = entry.variantId === undefined ? undefined : this.variants.get(entry.variantId);
    const current = variant ? variant.sku : product?.sku;
    if (!product || (entry.variantId !== undefined && !variant) || current?.toLowerCase() !== sku.toLowerCase()) return null;
    return variant ? { product, variant } : { product };
  }

  private rebuildSkuIndex(): void {
    this.skuIndex.clear();
    for (const product of this.products.values()) this.indexSku(product.sku, product.id);
    // A variant's entry wins over its product's (a simple product and its base variant share one).
    for (const variant of this.variants.values()) this.indexSku(variant.sku, variant.product_id, variant.id);
  }

  totalCalls(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }

  /** Whether the plan has a feature the API gates (price lists: Enterprise; customer groups: Plus and up). */
  hasFeature(feature: 'priceLists' | 'customerGroups'): boolean {
    if (feature === 'priceLists') return this.plan === 'enterprise';
    return this.plan !== 'standard';
  }
}

/**
 * Everything the simulator knows and the knobs tests turn: stores, install codes, call counts,
 * the clock, limits, the rate limiter, fault injection, webhook delivery and exchange recording.
 */
export class BigCommerceState {
  readonly stores = new Map<string, SimStore>();
  /** Install codes: single use, ten minutes. */
  readonly codes = new Map<string, { storeHash: string; scope: string; userId: number; expiresAt: number }>();
  /** Every call the simulator served, by "METHOD path" (contract and budget tests read it). */
  readonly calls = new Map<string, number>();
  readonly clock: Clock;
  readonly limits = new Limits();
  readonly rateLimit: RateLimiter;
  readonly faults: Faults;
  /** Webhook delivery: `configure({retryDelaysMs, duplicateRate, reorderWindowMs})`, `settle()`, `log`. */
  readonly deliveries = new WebhookDeliverer();
  readonly webhooks: WebhookEmitter;
  /** Listeners for every API exchange (contract tests attach here). */
  readonly exchanges = new Set<ExchangeListener>();
  /** The response layer that answers only documented fields. */
  readonly answers: DocumentedAnswers;
  /** How an order's stock change is announced (see OrderInventoryEventOptions). */
  orderInventoryEvents: OrderInventoryEventOptions = { ...DEFAULT_ORDER_INVENTORY_EVENTS };
  /** The seeded draws behind the order of, and the delays between, an order's inventory events. */
  orderEventRandom: () => number = seededRandom(DEFAULT_ORDER_INVENTORY_EVENTS.seed);
  /** The simulator's own base URL once it listens (uploaded images are served from it). */
  publicUrl = 'http://127.0.0.1';
  private nextUserId = 1001;

  constructor(readonly options: SimulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.rateLimit = new RateLimiter(this.clock);
    this.faults = new Faults(this.clock);
    this.answers = documentedAnswers('bigcommerce', options.documentedAnswersOnly);
    this.webhooks = new WebhookEmitter(this.clock, this.deliveries);
    this.addStore(options.storeHash ?? 'sandbox1');
  }

  /** Changes how an order's stock change is announced; `configureOrderInventoryEvents()` restores the defaults (and the seed's sequence). */
  configureOrderInventoryEvents(options: Partial<OrderInventoryEventOptions> = {}): void {
    this.orderInventoryEvents = { ...DEFAULT_ORDER_INVENTORY_EVENTS, ...options };
    this.orderEventRandom = seededRandom(this.orderInventoryEvents.seed);
  }

  /** Adds a store with an owner and one more staff user; with `accessToken`, the app is installed. */
  addStore(hash: string, options: AddStoreOptions = {}): SimStore {
    const users = ['owner', 'staff'].map((role) => {
      const id = this.nextUserId++;
      return { id, username: `${role}-${hash}`, email: `${role}@${hash}.example.com` };
    });
    const store = new SimStore(hash, users, { plan: options.plan ?? this.options.defaultPlan ?? 'enterprise', name: options.name, now: this.clock.now() });
    if (options.accessToken) {
      store.accessToken = options.accessToken;
      store.installed = true;
    }
    this.stores.set(hash, store);
    return store;
  }

  get defaultStore(): SimStore {
    return this.stores.values().next().value!;
  }

  store(hash: unknown): SimStore | undefined {
    return typeof hash === 'string' ? this.stores.get(hash) : undefined;
  }

  /** The store, by hash or itself; throws for an unknown hash (test helpers). */
  resolve(store: SimStore | string): SimStore {
    const found = typeof store === 'string' ? this.stores.get(store) : store;
    if (!found) throw new Error(`No simulated store ${String(store)}`);
    return found;
  }

  issueCode(store: SimStore, scope: string, userId: number): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { storeHash: store.hash, scope, userId, expiresAt: Date.now() + 10 * 60_000 });
    return code;
  }

  countCall(key: string, store?: SimStore): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    if (store) store.calls.set(key, (store.calls.get(key) ?? 0) + 1);
  }

  /** Raises any event for a store, delivered to its matching hooks (test helper and API alike). */
  emit(store: SimStore | string, scope: string, data: SimEventPayload['data']): SimEventPayload {
    return this.webhooks.emit(this.resolve(store), scope, data);
  }

  /**
   * Sets stock as a merchant would in the control panel: at a location (default 1), by SKU,
   * variant or product. Raises `store/product/inventory/updated` or `store/sku/inventory/updated`.
   */
  setStock(store: SimStore | string, target: StockTarget, quantity: number, locationId?: number): void {
    const s = this.resolve(store);
    setStockLevel(this, s, target, quantity, locationId ?? s.defaultLocationId);
  }

  /** Places an order as a shopper would (stock taken, events raised). */
  placeOrder(store: SimStore | string, input: OrderInput): SimOrder {
    return createOrder(this, this.resolve(store), input);
  }

  /** The merchant refunds an order (in part or whole) in the control panel. */
  refundOrder(store: SimStore | string, orderId: number, input: RefundInput) {
    const resolved = this.resolve(store);
    const order = resolved.orders.get(orderId);
    if (!order) throw new SimApiError(404, `Order ${orderId} not found.`);
    return refundOrder(this, resolved, order, input);
  }
}
