import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import type { ZohoOrg } from '../../sandbox/zoho/org.js';

/**
 * A zone whose day is not UTC's right now (far east of UTC from 10:00 UTC, far west before),
 * and that day: a document dated by UTC instead of the organization's zone shows at once.
 */
export function zoneOffUtcDay(now = new Date()): { zone: string; day: string } {
  const zone = now.getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  expect(day).not.toBe(now.toISOString().slice(0, 10));
  return { zone, day };
}

/** The organization's zone changed in Zoho, then chosen again in the panel (PUT /api/zoho/organization), which reads it. */
export async function chooseOrganizationInZone(app: Express, session: string, org: ZohoOrg, zone: string): Promise<{ timeZone?: string }> {
  org.info.time_zone = zone;
  const res = await request(app).put('/api/zoho/organization').set({ authorization: `Bearer ${session}` }).send({ organizationId: org.id });
  expect(res.status).toBe(200);
  return res.body as { timeZone?: string };
}
