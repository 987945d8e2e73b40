import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAlertEmails } from '../../server/alerts/email.js';
import type { AppContext } from '../../server/context.js';
import { AlertEmail, OrderSync, Store, WebhookReceipt, ZohoConnection, orderSyncId } from '../../server/db/models/index.js';
import { saveSettings } from '../../server/settings/service.js';
import { startSmtpSink, type RunningSmtpSink } from '../../sandbox/smtpSink.js';
import { installedStoreSession, markZohoConnected } from '../support/sessions.js';
import { startTestHarness, testConfig, type TestHarness } from '../support/testApp.js';

/**
 * Alerts that need the merchant are e-mailed to the store owner once each, over real SMTP to a
 * local sink, with a link to the panel; the `alerts.email` setting and a missing SMTP_URL turn it off.
 */
let h: TestHarness;
let sink: RunningSmtpSink;
let ctx: AppContext;
const FROM = 'Zoho connector <alerts@app.test>';

beforeAll(async () => {
  h = await startTestHarness();
  sink = await startSmtpSink();
  const mail = testConfig({ SMTP_URL: sink.url, ALERT_FROM: FROM, ALERT_PANEL_URL: 'http://cp.test/manage/app?store={store_hash}' }).alertMail;
  ctx = { ...h.ctx, config: { ...h.ctx.config, alertMail: mail } };
});
afterAll(async () => {
  await sink?.close();
  await h?.close();
});

const ownerOf = (storeHash: string) => `owner@${storeHash}.example`;
const mailsTo = (storeHash: string) => sink.mails.filter((m) => m.to.includes(ownerOf(storeHash)));

/** An installed store whose owner's e-mail BigCommerce gave at install, connected to Zoho. */
async function ownedStore(storeHash: string): Promise<void> {
  await installedStoreSession(h.ctx, storeHash);
  await Store.updateOne({ _id: storeHash }, { $set: { ownerEmail: ownerOf(storeHash) } });
  await markZohoConnected(h.ctx, storeHash);
}

const holdOrder = (storeHash: string, orderId: number, status = 'held') =>
  OrderSync.updateOne({ _id: orderSyncId(storeHash, orderId) }, { $set: { storeHash, orderId, status, claimedAt: new Date() } }, { upsert: true });

describe('alert e-mails', () => {
  it('e-mails the owner once for each alert that needs them, with a link to the panel', async () => {
    await ownedStore('mail1');
    const at = new Date(Date.now() - 3_600_000);
    await ZohoConnection.updateOne({ _id: 'mail1' }, { $set: { status: 'needs_reconnect', lastError: { code: 401, message: 'invalid_code', at } } });
    await holdOrder('mail1', 101);
    await WebhookReceipt.create({ _id: 'zoho:mail1:garbage', source: 'zoho', storeHash: 'mail1', topic: 'unknown', status: 'unreadable', receivedAt: new Date(), payload: 'item changed' });
    // Edited orders are the panel's only.
    await OrderSync.updateOne({ _id: orderSyncId('mail1', 102) }, { $set: { storeHash: 'mail1', orderId: 102, status: 'done', claimedAt: new Date(), edited: { at: new Date(), differences: ['total'] } } }, { upsert: true });

    expect(await sendAlertEmails(ctx)).toBe(3);
    const mails = mailsTo('mail1');
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Orders need attention (BigCommerce store mail1)',
      'Reconnect Zoho Inventory (BigCommerce store mail1)',
      'Zoho Inventory sends webhooks the app cannot read (BigCommerce store mail1)',
    ]);
    for (const mail of mails) {
      expect(mail.from).toBe('"Zoho connector" <alerts@app.test>');
      expect(mail.text).toContain('http://cp.test/manage/app?store=mail1');
    }
    const reconnect = mails.find((m) => m.subject.startsWith('Reconnect'))!;
    expect(reconnect.text).toContain('invalid_code');
    expect(reconnect.text).toContain(`Since ${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`);
    expect(mails.find((m) => m.subject.startsWith('Zoho Inventory sends'))!.text).toContain('${item.item_id}');

    // Later runs, even two at once, send nothing more while the alerts stand.
    expect(await Promise.all([sendAlertEmails(ctx), sendAlertEmails(ctx)])).toEqual([0, 0]);
    expect(mailsTo('mail1')).toHaveLength(3);
  });

  it('two runs at once send a new alert once', async () => {
    await ownedStore('mail2');
    await holdOrder('mail2', 201);
    // Each run has its own clock, a millisecond or more apart, as runs on two workers do.
    const at = Date.now();
    const sent = await Promise.all([0, 1, 2].map((skew) => sendAlertEmails(ctx, new Date(at + skew))));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(mailsTo('mail2')).toHaveLength(1);
  });

  it('an alert that ends and comes back is a new alert, e-mailed again', async () => {
    await holdOrder('mail2', 201, 'done');
    expect(await sendAlertEmails(ctx)).toBe(0);
    expect(await AlertEmail.countDocuments({ storeHash: 'mail2', endedAt: { $exists: true } })).toBe(1);
    await holdOrder('mail2', 202);
    expect(await sendAlertEmails(ctx)).toBe(1);
    expect(mailsTo('mail2').map((m) => m.subject)).toEqual(['Orders need attention (BigCommerce store mail2)', 'Orders need attention (BigCommerce store mail2)']);
  });

  it('an e-mail the mail server refuses is sent by a later run, once', async () => {
    await ownedStore('mail3');
    await holdOrder('mail3', 301);
    sink.refuseNext(1);
    expect(await sendAlertEmails(ctx)).toBe(0);
    expect(await AlertEmail.findOne({ storeHash: 'mail3' }).lean()).toMatchObject({ lastError: expect.stringContaining('451') });
    expect(await sendAlertEmails(ctx)).toBe(1);
    expect(await sendAlertEmails(ctx)).toBe(0);
    expect(mailsTo('mail3')).toHaveLength(1);
  });

  it('the alerts.email setting turned off sends nothing', async () => {
    await ownedStore('mail4');
    await saveSettings('mail4', { alerts: { email: false } });
    await holdOrder('mail4', 401);
    await sendAlertEmails(ctx);
    expect(mailsTo('mail4')).toEqual([]);
  });

  it('without SMTP_URL and ALERT_FROM nothing is sent or recorded', async () => {
    await ownedStore('mail5');
    await holdOrder('mail5', 501);
    expect(h.ctx.config.alertMail).toBeUndefined();
    expect(await sendAlertEmails(h.ctx)).toBe(0);
    expect(mailsTo('mail5')).toEqual([]);
    expect(await AlertEmail.countDocuments({ storeHash: 'mail5' })).toBe(0);
  });
});
