/** How BigCommerce writes and reads times: v3 ISO 8601 with an offset, v2 RFC 2822, hooks epoch seconds. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `2018-08-15T14:49:05+00:00` (BigCommerce keeps whole seconds). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** `Tue, 05 Mar 2019 21:12:43 +0000`, as the v2 API writes dates. */
export function rfc2822(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Reads a date filter: ISO 8601 (date or date-time), RFC 2822, or a unix timestamp in seconds.
 * Returns ms at whole seconds (the platform's precision), or undefined when it cannot be read
 * (BigCommerce then ignores the filter).
 */
export function parseDateFilter(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : toSecond(ms);
}

/** Stored times compare at whole seconds, as the platform stores them. */
export const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
