import { createTransport, type Transporter } from 'nodemailer';
import { readAlerts, type Alert } from '../api/alerts.js';
import { STORE_HASH_PLACEHOLDER, type Config } from '../config.js';
import type { AppContext } from '../context.js';
import { AlertEmail, Store } from '../db/models/index.js';
import { getSettings } from '../settings/service.js';
import { ALERT_TITLES, type AlertKind } from './titles.js';
import { storeAlertEmails, storesToAlert } from '../db/hotQueries.js';

/**
 * The `alerts.email` job (every few minutes, one at a time across workers): the alerts that need
 * the merchant are e-mailed to the store owner (the e-mail BigCommerce gave at install), once
 * per alert, with a link to the panel. Needs SMTP_URL and ALERT_FROM; the store's
 * `alerts.email` setting (on by default) turns it off.
 *
 * Once per alert: an alert is its store, kind (and platform) and start: `since` where the alert
 * knows it, else the end of the same kind's previous alert (the epoch for the first), which every
 * run, however many at once, reads the same; a run's own clock would give each run its own id.
 * The sent marker is inserted before the e-mail goes (a unique `_id`: another worker's insert
 * fails), holds a lease while it is sent and is marked sent after; a failed send gives the lease back and the next run tries again. When the alert is
 * no longer shown its marker is closed, so that the next time it is a new alert.
 */
export const ALERT_EMAIL_JOB = 'alerts.email';

/** The alerts that need the merchant (orders edited after invoicing are the panel's only). */
export const EMAILED_ALERTS: ReadonlySet<AlertKind> = new Set<AlertKind>([
  'zoho_needs_reconnect',
  'orders_held',
  'zoho_budget_low',
  'zoho_budget_exhausted',
  'webhooks_silent',
  'zoho_webhook_unreadable',
]);

/** How long a claimed e-mail is its sender's before another run may send it. */
export const SEND_LEASE_MS = 5 * 60_000;
/** Closed alerts' markers are kept this long (no TTL indexes on the embedded database). */
const KEEP_ENDED_MS = 90 * 86_400_000;

const NO_LEASE = new Date(0);
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;
const keyOf = (alert: Alert) => (alert.platform && alert.kind === 'webhooks_silent' ? `${alert.kind}:${alert.platform}` : alert.kind);

export function panelLink(config: Pick<NonNullable<Config['alertMail']>, 'panelUrl'>, storeHash: string): string {
  return config.panelUrl.replaceAll(STORE_HASH_PLACEHOLDER, encodeURIComponent(storeHash));
}

/**
 * Sends what is due; answers how many e-mails went. Without SMTP_URL and ALERT_FROM it does
 * nothing. (The job runner keeps the job's lock while it runs.)
 */
export async function sendAlertEmails(ctx: AppContext, now = new Date()): Promise<number> {
  const mail = ctx.config.alertMail;
  if (!mail) return 0;
  const stores = await Store.find(storesToAlert.filter(), { ownerEmail: 1 }).lean();
  // An uninstalled store's alerts are over; old closed ones are forgotten.
  await AlertEmail.deleteMany({ $or: [{ storeHash: { $nin: stores.map((s) => s._id) } }, { endedAt: { $lt: new Date(now.getTime() - KEEP_ENDED_MS) } }] });
  const transport = createTransport(mail.smtpUrl);
  let sent = 0;
  try {
    for (const store of stores) {
      if (!store.ownerEmail) continue;
      try {
        sent += await sendStoreAlerts(ctx, transport, { storeHash: store._id, to: store.ownerEmail }, now);
      } catch (error) {
        // One store's trouble (its alerts unreadable) must not hold up the others' e-mails.
        ctx.logger.error({ err: error, storeHash: store._id }, 'alert e-mails failed');
      }
    }
  } finally {
    transport.close();
  }
  return sent;
}

async function sendStoreAlerts(ctx: AppContext, transport: Transporter, store: { storeHash: string; to: string }, now: Date): Promise<number> {
  const { storeHash } = store;
  if (!(await getSettings(storeHash)).alerts.email) return 0;
  const alerts = (await readAlerts(storeHash, now)).filter((alert) => EMAILED_ALERTS.has(alert.kind));
  // A store's markers are a handful: ended ones are forgotten after KEEP_ENDED_MS.
  const markers = await AlertEmail.find(storeAlertEmails.filter(storeHash)).lean();
  const open = markers.filter((row) => !row.endedAt);
  const shown = new Set(alerts.map(keyOf));
  const ended = open.filter((row) => !shown.has(row.key)).map((row) => row._id);
  // Closed once: a second run's close must not move the end the next alert's id is made of.
  if (ended.length) await AlertEmail.updateMany({ _id: { $in: ended }, endedAt: { $exists: false } }, { $set: { endedAt: now } });

  let sent = 0;
  for (const alert of alerts) {
    const key = keyOf(alert);
    const previousEnd = markers.reduce<Date | undefined>((last, row) => (row.key === key && row.endedAt && !(last && last >= row.endedAt) ? row.endedAt : last), undefined);
    const id = await claim(storeHash, alert, open.find((row) => row.key === key), previousEnd, now);
    if (!id) continue;
    try {
      await transport.sendMail(alertMessage(ctx.config.alertMail!, store, alert));
      await AlertEmail.updateOne({ _id: id }, { $set: { sentAt: new Date() }, $unset: { lastError: 1 } });
      sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.logger.warn({ storeHash, kind: alert.kind, err: message }, 'alert e-mail not sent; the next run tries again');
      await AlertEmail.updateOne({ _id: id }, { $set: { sendingUntil: NO_LEASE, lastError: message.slice(0, 500) } });
    }
  }
  return sent;
}

/**
 * The right to send this alert's e-mail, or undefined: a new alert's marker is inserted (its
 * unique `_id` is the claim); an unsent one whose lease lapsed is taken by compare-and-set.
 */
async function claim(
  storeHash: string,
  alert: Alert,
  open: { _id: string; sentAt?: Date | null; sendingUntil: Date } | undefined,
  previousEnd: Date | undefined,
  now: Date,
): Promise<string | undefined> {
  const lease = new Date(now.getTime() + SEND_LEASE_MS);
  if (open) {
    if (open.sentAt || open.sendingUntil > now) return undefined;
    const taken = await AlertEmail.updateOne(
      { _id: open._id, sentAt: { $exists: false }, sendingUntil: open.sendingUntil },
      { $set: { sendingUntil: lease }, $inc: { attempts: 1 } },
    );
    return taken.modifiedCount === 1 ? open._id : undefined;
  }
  const key = keyOf(alert);
  const start = alert.since ? new Date(alert.since) : (previousEnd ?? new Date(0));
  const id = `${storeHash}:${key}:${start.toISOString()}`;
  try {
    await AlertEmail.create({ _id: id, storeHash, key, start, sendingUntil: lease });
    return id;
  } catch (error) {
    // Another worker claimed it, or this very alert was e-mailed and closed before.
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
}

function alertMessage(mail: NonNullable<Config['alertMail']>, store: { storeHash: string; to: string }, alert: Alert) {
  const title = ALERT_TITLES[alert.kind];
  const link = panelLink(mail, store.storeHash);
  const since = alert.since ? `Since ${new Date(alert.since).toISOString().replace('T', ' ').slice(0, 16)} UTC.\n\n` : '';
  return {
    from: mail.from,
    to: store.to,
    subject: `${title} (BigCommerce store ${store.storeHash})`,
    text:
      `${alert.message}\n\n${since}` +
      `Open the Zoho Inventory connector in your BigCommerce control panel to see more: ${link}\n\n` +
      `You get this e-mail once per alert because you own the store ${store.storeHash}. ` +
      'To stop these e-mails, turn off "E-mail me alerts" in the app\'s Settings.\n',
  };
}
