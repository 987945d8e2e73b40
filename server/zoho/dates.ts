import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import type { Logger } from '../logger.js';

/**
 * Zoho's dates (a document's `date`, list filters such as `shipment_date_start`) are days of
 * the organization's calendar: an order placed at 23:30 in Los Angeles belongs to that day's
 * books, not to the next UTC day's (at month end, the next month's). The organization's zone is
 * its `time_zone` (GET /organizations), kept on the connection; every date the app sends Zoho
 * comes from `zohoDate` with it.
 */

/**
 * Abbreviations Zoho may answer (organizations.yml's example is "PST"), as the zones they mean.
 * Read before the runtime's own legacy ids, which take "EST" and "MST" for fixed offsets
 * without daylight saving and "BST" for Bangladesh.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  GMT: 'UTC',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
  AST: 'America/Halifax',
  ADT: 'America/Halifax',
  BST: 'Europe/London',
  WET: 'Europe/Lisbon',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  EET: 'Europe/Athens',
  EEST: 'Europe/Athens',
  IST: 'Asia/Kolkata',
  GST: 'Asia/Dubai',
  SGT: 'Asia/Singapore',
  JST: 'Asia/Tokyo',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
  NZST: 'Pacific/Auckland',
  NZDT: 'Pacific/Auckland',
  SAST: 'Africa/Johannesburg',
};

export interface OrganizationZone {
  /** What dates are computed in: an IANA name, a fixed offset ("UTC+5:30"), or "UTC". */
  zone: string;
  /** False when Zoho's value was absent or unknown, and UTC stands in for it. */
  known: boolean;
}

const UTC_FALLBACK: OrganizationZone = { zone: 'UTC', known: false };

/**
 * Zoho's `time_zone` as a zone dates can be computed in: an IANA name ("America/Los_Angeles",
 * "Asia/Calcutta"), an abbreviation ("PST"), an offset ("GMT+05:30") or a label naming one
 * ("(GMT -8:00) Pacific Time (America/Los_Angeles)"). Anything else is UTC, `known: false`.
 */
export function organizationZone(value: unknown): OrganizationZone {
  if (typeof value !== 'string' || value.trim() === '') return UTC_FALLBACK;
  const raw = value.trim();
  const named = ABBREVIATIONS[raw.toUpperCase()] ?? /\(([A-Za-z]+(?:\/[\w+-]+)+)\)/.exec(raw)?.[1] ?? raw;
  if (IANAZone.isValidZone(named)) return { zone: named, known: true };
  const offset = FixedOffsetZone.parseSpecifier(named.replace(/^GMT\s*(?=[+-])/i, 'UTC').replace(/\s+/g, ''));
  return offset?.isValid ? { zone: offset.name, known: true } : UTC_FALLBACK;
}

/**
 * The zone a store's documents are dated in; an absent or unknown one is UTC, and the log says
 * so (`about` names the store and organization).
 */
export function organizationZoneLogged(logger: Logger, value: unknown, about: Record<string, unknown>): string {
  const resolved = organizationZone(value);
  if (!resolved.known) {
    logger.warn({ ...about, timeZone: typeof value === 'string' ? value.slice(0, 100) : value }, 'zoho organization time zone absent or unknown: its documents are dated by UTC');
  }
  return resolved.zone;
}

/**
 * The Zoho date (YYYY-MM-DD) of a moment, in the organization's zone (`organizationZone` reads
 * it; an unknown one is UTC). The moment is a Date, epoch milliseconds or a date string
 * (BigCommerce's RFC 2822 "Tue, 05 Mar 2024 10:00:00 +0000", or ISO); unreadable → `fallback`.
 */
export function zohoDate(value: unknown, timeZone: string | undefined, fallback: Date = new Date()): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN;
  const at = DateTime.fromMillis(Number.isFinite(ms) ? ms : fallback.getTime(), { zone: organizationZone(timeZone).zone });
  return at.isValid ? at.toISODate()! : DateTime.fromJSDate(fallback, { zone: 'utc' }).toISODate()!;
}
