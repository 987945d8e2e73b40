import { Schema, model } from 'mongoose';

/**
 * A process currently spending a Zoho organization's per-minute calls (`<org key>:<process id>`):
 * Zoho's 100 a minute is the organization's, so each process paces itself to its share of it.
 * `seenAt` is renewed while the process calls; a process that stopped (or died) drops out of
 * the count once it is older than the active window.
 */
const zohoPaceMemberSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgKey: { type: String, required: true },
    seenAt: { type: Date, required: true },
    /** Calls this process had in the organization's window at its last heartbeat (sent or in flight). */
    spent: { type: Number, default: 0 },
  },
  { versionKey: false },
);
zohoPaceMemberSchema.index({ orgKey: 1 });

export const zohoPaceMemberId = (orgKey: string, processId: string) => `${orgKey}:${processId}`;
export const ZohoPaceMember = model('ZohoPaceMember', zohoPaceMemberSchema, 'zohoPaceMembers');
