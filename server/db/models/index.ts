import { Store } from './store.js';
import { StoreUser } from './storeUser.js';
import { User } from './user.js';

export { Store, type StoreDoc } from './store.js';
export { User } from './user.js';
export { StoreUser, storeUserId } from './storeUser.js';

/** Every model, so that start-up can make sure each one's indexes exist. */
export const allModels = [Store, User, StoreUser] as const;
