import { Schema, model } from 'mongoose';

/** A BigCommerce control-panel user, keyed by BigCommerce's user id (as a string). */
const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    email: { type: String, default: '' },
    username: { type: String },
    lastSeenAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);

export const User = model('User', userSchema, 'users');
