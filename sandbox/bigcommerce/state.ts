import { randomBytes, randomUUID } from 'node:crypto';

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
}

/** One simulated store and what BigCommerce knows of the app in it. */
export class SimStore {
  readonly accountUuid = randomUUID();
  /** The API token issued at the last install; null while the app is not installed. */
  accessToken: string | null = null;
  installed = false;

  constructor(
    readonly hash: string,
    /** The first user is the store owner. */
    readonly users: SimUser[],
  ) {}

  get owner(): SimUser {
    return this.users[0]!;
  }

  userById(id: number): SimUser | undefined {
    return this.users.find((u) => u.id === id);
  }
}

/** Everything the simulator knows: its stores, outstanding install codes and a call count. */
export class BigCommerceState {
  readonly stores = new Map<string, SimStore>();
  /** Install codes: single use, ten minutes. */
  readonly codes = new Map<string, { storeHash: string; scope: string; userId: number; expiresAt: number }>();
  /** Every call the simulator served, by "METHOD path" (contract and budget tests read it). */
  readonly calls = new Map<string, number>();
  private nextUserId = 1001;

  constructor(readonly options: SimulatorOptions) {
    this.addStore(options.storeHash ?? 'sandbox1');
  }

  /** Adds a store with an owner and one more staff user. */
  addStore(hash: string): SimStore {
    const users = ['owner', 'staff'].map((role) => {
      const id = this.nextUserId++;
      return { id, username: `${role}-${hash}`, email: `${role}@${hash}.example.com` };
    });
    const store = new SimStore(hash, users);
    this.stores.set(hash, store);
    return store;
  }

  get defaultStore(): SimStore {
    return this.stores.values().next().value!;
  }

  store(hash: unknown): SimStore | undefined {
    return typeof hash === 'string' ? this.stores.get(hash) : undefined;
  }

  issueCode(store: SimStore, scope: string, userId: number): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { storeHash: store.hash, scope, userId, expiresAt: Date.now() + 10 * 60_000 });
    return code;
  }

  countCall(key: string): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }
}
