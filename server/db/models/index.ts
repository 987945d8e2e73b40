import { Store } from './store.js';
import { StoreUser } from './storeUser.js';
import { User } from './user.js';
import { WebhookReceipt } from './webhookReceipt.js';
import { ApiUsage } from './apiUsage.js';
import { StoreSettings } from './storeSettings.js';
import { SyncRun } from './syncRun.js';
import { RunRecord } from './runRecord.js';
import { RunLock } from './runLock.js';
import { Schedule } from './schedule.js';
import { Link } from './link.js';
import { ZohoConnection } from './zohoConnection.js';
import { OAuthState } from './oauthState.js';

export { Store, type StoreDoc } from './store.js';
export { User } from './user.js';
export { StoreUser, storeUserId } from './storeUser.js';
export { WebhookReceipt } from './webhookReceipt.js';
export { ApiUsage, apiUsageId, utcDay } from './apiUsage.js';
export { StoreSettings } from './storeSettings.js';
export { SyncRun, type SyncRunDoc } from './syncRun.js';
export { RunRecord } from './runRecord.js';
export { RunLock, runLockId } from './runLock.js';
export { Schedule, scheduleId } from './schedule.js';
export { Link, linkId } from './link.js';
export { ZohoConnection, type ZohoConnectionDoc, type ZohoConnectionStatus } from './zohoConnection.js';
export { OAuthState } from './oauthState.js';

/** Every model, so that start-up can make sure each one's indexes exist. */
export const allModels = [Store, User, StoreUser, WebhookReceipt, ApiUsage, StoreSettings, SyncRun, RunRecord, RunLock, Schedule, Link, ZohoConnection, OAuthState] as const;
