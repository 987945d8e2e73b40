import { Store } from './store.js';
import { StoreUser } from './storeUser.js';
import { User } from './user.js';
import { WebhookReceipt } from './webhookReceipt.js';
import { ApiUsage } from './apiUsage.js';

export { Store, type StoreDoc } from './store.js';
export { User } from './user.js';
export { StoreUser, storeUserId } from './storeUser.js';
export { WebhookReceipt } from './webhookReceipt.js';
export { ApiUsage, apiUsageId, utcDay } from './apiUsage.js';

/** Every model, so that start-up can make sure each one's indexes exist. */
export const allModels = [Store, User, StoreUser, WebhookReceipt, ApiUsage] as const;
