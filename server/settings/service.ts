import { StoreSettings } from '../db/models/index.js';
import { HttpError } from '../http/errors.js';
import { defaultSettings, describeSettingsError, settingsSchema, type Settings } from './schema.js';

/** The store's settings with every default filled in (a store that never saved gets the defaults). */
export async function getSettings(storeHash: string): Promise<Settings> {
  return (await readStoredSettings(storeHash)).settings;
}

export interface StoredSettings {
  settings: Settings;
  /** The merchant has saved them (in Settings or the setup guide), rather than running on the defaults. */
  confirmed: boolean;
  /** When they were last saved. */
  savedAt?: Date;
}

/** The settings, and whether the merchant has confirmed them: only a save writes the document. */
export async function readStoredSettings(storeHash: string): Promise<StoredSettings> {
  const doc = await StoreSettings.findById(storeHash).lean();
  if (!doc) return { settings: defaultSettings(), confirmed: false };
  const parsed = settingsSchema.safeParse(doc.values);
  // Values saved under an older schema that no longer validate fall back to the defaults.
  return { settings: parsed.success ? parsed.data : defaultSettings(), confirmed: true, savedAt: (doc as { updatedAt?: Date }).updatedAt };
}

/** Validates the whole object and replaces the stored one; invalid input changes nothing. */
export async function saveSettings(storeHash: string, input: unknown): Promise<Settings> {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const { field, message } = describeSettingsError(parsed.error);
    throw new HttpError(400, 'invalid_settings', message, { field });
  }
  await StoreSettings.updateOne({ _id: storeHash }, { $set: { values: parsed.data } }, { upsert: true });
  return parsed.data;
}
