import { Schema, model } from 'mongoose';

/**
 * One alert of one store, as e-mailed to its owner: the sent marker, keyed
 * `<storeHash>:<kind>[:<platform>]:<start ISO>` so that inserting it claims the e-mail (a
 * duplicate key means another worker has it, or it was sent). `sendingUntil` is the claim's
 * lease, so that an e-mail whose sender died is sent by a later run; `endedAt` closes the alert
 * (the next time it stands, it is a new one). Holds no address: the owner's is read at send time.
 */
const alertEmailSchema = new Schema(
  {
    _id: { type: String, required: true },
    storeHash: { type: String, required: true },
    /** The alert's kind, with its platform where a kind has one per platform (webhooks_silent). */
    key: { type: String, required: true },
    start: { type: Date, required: true },
    sendingUntil: { type: Date, required: true },
    attempts: { type: Number, default: 1 },
    sentAt: { type: Date },
    lastError: { type: String },
    endedAt: { type: Date },
  },
  { versionKey: false },
);
alertEmailSchema.index({ storeHash: 1 });

export const AlertEmail = model('AlertEmail', alertEmailSchema, 'alertEmails');
