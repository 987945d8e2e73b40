import { Schema, model } from 'mongoose';

/** A store's settings (the whole object, validated by server/settings/schema.ts), keyed by store hash. */
const storeSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    values: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: true, versionKey: false, minimize: false },
);

// Pruning reads only the stores that keep run history for other than the default time.
storeSettingsSchema.index({ 'values.history.keepRunsDays': 1 });

export const StoreSettings = model('StoreSettings', storeSettingsSchema, 'settings');
