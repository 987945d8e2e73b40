import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../server/logger.js';
import { organizationZone, organizationZoneLogged, zohoDate } from '../../server/zoho/dates.js';

/** Zoho dates are days of the organization's calendar: midnight, daylight saving, zones Zoho names. */
describe('zohoDate', () => {
  const LA = 'America/Los_Angeles';

  it('turns the day at the organization’s midnight, not UTC’s', () => {
    // 2026-03-31 23:30 in Los Angeles (PDT, UTC−7) is 2026-04-01 06:30 UTC.
    expect(zohoDate('2026-03-31T23:30:00-07:00', LA)).toBe('2026-03-31');
    expect(zohoDate('2026-03-31T23:30:00-07:00', 'UTC')).toBe('2026-04-01');
    expect(zohoDate(new Date('2026-04-01T06:59:59.999Z'), LA)).toBe('2026-03-31');
    expect(zohoDate(new Date('2026-04-01T07:00:00Z'), LA)).toBe('2026-04-01');
    // East of UTC the day turns first: 18:30 UTC is already tomorrow in India.
    expect(zohoDate(Date.parse('2026-03-31T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-03-31');
    expect(zohoDate(Date.parse('2026-03-31T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-04-01');
  });

  it('follows daylight saving: midnight moves from 08:00 to 07:00 UTC in spring and back in autumn', () => {
    // Spring forward on 2026-03-08 (PST, UTC−8, before; PDT, UTC−7, after).
    expect(zohoDate(new Date('2026-03-08T07:59:59Z'), LA)).toBe('2026-03-07');
    expect(zohoDate(new Date('2026-03-08T08:00:00Z'), LA)).toBe('2026-03-08');
    expect(zohoDate(new Date('2026-03-09T06:59:59Z'), LA)).toBe('2026-03-08');
    expect(zohoDate(new Date('2026-03-09T07:00:00Z'), LA)).toBe('2026-03-09');
    // Fall back on 2026-11-01: that day lasts 25 hours, 07:00 to 08:00 UTC the next day.
    expect(zohoDate(new Date('2026-11-01T06:59:59Z'), LA)).toBe('2026-10-31');
    expect(zohoDate(new Date('2026-11-01T07:00:00Z'), LA)).toBe('2026-11-01');
    expect(zohoDate(new Date('2026-11-02T07:59:59Z'), LA)).toBe('2026-11-01');
    expect(zohoDate(new Date('2026-11-02T08:00:00Z'), LA)).toBe('2026-11-02');
    // Europe's last Sunday of March, at 01:00 UTC.
    expect(zohoDate(new Date('2026-03-28T22:59:59Z'), 'Europe/Berlin')).toBe('2026-03-28');
    expect(zohoDate(new Date('2026-03-28T23:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(zohoDate(new Date('2026-03-29T21:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(zohoDate(new Date('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30');
  });

  it('reads BigCommerce’s RFC 2822 dates, and falls back to the given moment when unreadable', () => {
    expect(zohoDate('Wed, 01 Apr 2026 06:30:00 +0000', LA)).toBe('2026-03-31');
    expect(zohoDate('not a date', LA, new Date('2026-04-01T06:30:00Z'))).toBe('2026-03-31');
    expect(zohoDate(undefined, 'UTC', new Date('2026-04-01T06:30:00Z'))).toBe('2026-04-01');
  });

  it('dates by UTC when the zone is absent or unknown', () => {
    const at = new Date('2026-04-01T06:30:00Z');
    expect(zohoDate(at, undefined)).toBe('2026-04-01');
    expect(zohoDate(at, '')).toBe('2026-04-01');
    expect(zohoDate(at, 'Mars/Olympus')).toBe('2026-04-01');
  });

  it('takes Zoho’s abbreviations (organizations.yml’s example is "PST") as the zones they mean, daylight saving included', () => {
    expect(zohoDate(new Date('2026-04-01T06:30:00Z'), 'PST')).toBe('2026-03-31');
    // "EST" is New York's time, not the runtime's fixed UTC−5: 23:30 EDT on 31 March.
    expect(zohoDate(new Date('2026-04-01T03:30:00Z'), 'EST')).toBe('2026-03-31');
  });
});

describe('organizationZone', () => {
  it('knows IANA names, abbreviations, offsets and labels naming a zone', () => {
    expect(organizationZone('America/Los_Angeles')).toEqual({ zone: 'America/Los_Angeles', known: true });
    expect(organizationZone('Asia/Calcutta')).toEqual({ zone: 'Asia/Calcutta', known: true });
    expect(organizationZone('pst')).toEqual({ zone: 'America/Los_Angeles', known: true });
    expect(organizationZone('BST')).toEqual({ zone: 'Europe/London', known: true });
    expect(organizationZone('GMT+05:30')).toEqual({ zone: 'UTC+5:30', known: true });
    expect(organizationZone('(GMT -8:00) Pacific Standard Time (America/Los_Angeles)')).toEqual({ zone: 'America/Los_Angeles', known: true });
    expect(zohoDate(new Date('2026-03-31T18:30:00Z'), 'GMT+05:30')).toBe('2026-04-01');
  });

  it('is UTC, not known, for anything else (never the server’s own zone)', () => {
    for (const value of [undefined, null, '', '  ', 'Mars/Olympus', 'local', 'system', 42]) {
      expect(organizationZone(value)).toEqual({ zone: 'UTC', known: false });
    }
  });

  it('says in the log when UTC stands in', () => {
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    expect(organizationZoneLogged(logger, 'Europe/Paris', { storeHash: 's' })).toBe('Europe/Paris');
    expect(warn).not.toHaveBeenCalled();
    expect(organizationZoneLogged(logger, 'Mars/Olympus', { storeHash: 's' })).toBe('UTC');
    expect(warn).toHaveBeenCalledWith({ storeHash: 's', timeZone: 'Mars/Olympus' }, expect.stringMatching(/dated by UTC/));
  });
});
