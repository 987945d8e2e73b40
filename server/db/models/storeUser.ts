import { Schema, model } from 'mongoose';

export const storeUserId = (storeHash: string, userId: string) => `${storeHash}:${userId}`;

/**
 * Membership of a user in a store: what every panel request checks, so that remove-user and
 * uninstall end access at once. Keyed "<storeHash>:<userId>".
 */
const storeUserSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    userId: { type: String, required: true },
    /** From BigCommerce, kept current at every load: the store's owner, the admin who installed the app, or another user. */
    role: { type: String, enum: ['owner', 'admin', 'user'], required: true },
    /** The owner lets this user manage the app (the owner always may: users/service.ts). */
    canManage: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false },
);
storeUserSchema.index({ storeHash: 1 });

export const StoreUser = model('StoreUser', storeUserSchema, 'storeUsers');
