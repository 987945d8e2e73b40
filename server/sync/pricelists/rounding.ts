/**
 * Zoho's percentage price lists: an item's sales rate marked up or down by a percentage, then
 * rounded as the price list says. Zoho describes the rounding types as "nearest whole number"
 * and "nearest .99" (and their half-dollar versions); prices are never negative.
 */
export const ZOHO_ROUNDING_TYPES = ['no_rounding', 'round_to_dollar', 'round_to_dollar_minus_01', 'round_to_half_dollar', 'round_to_half_dollar_minus_01'] as const;
export type ZohoRoundingType = (typeof ZOHO_ROUNDING_TYPES)[number];

/** Zoho's own OpenAPI file spells one of them `round_to_dollor`: accept both spellings. */
export function normalizeRoundingType(value: unknown): ZohoRoundingType | undefined {
  if (value === undefined || value === null || value === '') return 'no_rounding';
  const text = String(value).trim().toLowerCase().replace('dollor', 'dollar');
  return (ZOHO_ROUNDING_TYPES as readonly string[]).includes(text) ? (text as ZohoRoundingType) : undefined;
}

/** Multiplications like 12.5 × 0.9 leave binary noise (11.250000000000002): cut it before rounding. */
const clean = (value: number) => Number(value.toFixed(6));

const toCents = (value: number) => Number(value.toFixed(2));

function roundHalfUp(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Number((Math.round(clean(value * factor)) / factor).toFixed(decimals));
}

/** The nearest value `step × k − offset` (ties go up), never below zero. */
function nearestEnding(value: number, step: number, offset: number): number {
  const k = Math.round(clean((value + offset) / step));
  return Math.max(0, toCents(k * step - offset));
}

/** Rounds a computed price as Zoho's rounding type says; `decimalPlaces` applies when no rounding is chosen. */
export function roundPrice(value: number, rounding: ZohoRoundingType, decimalPlaces = 2): number {
  const v = clean(value);
  switch (rounding) {
    case 'round_to_dollar':
      return nearestEnding(v, 1, 0);
    case 'round_to_dollar_minus_01':
      return nearestEnding(v, 1, 0.01);
    case 'round_to_half_dollar':
      return nearestEnding(v, 0.5, 0);
    case 'round_to_half_dollar_minus_01':
      return nearestEnding(v, 0.5, 0.01);
    case 'no_rounding':
      return Math.max(0, roundHalfUp(v, decimalPlaces));
  }
}

/** An item's price in a percentage price list: rate × (1 ± percentage / 100), rounded. */
export function percentagePrice(rate: number, book: { percentage: number; isIncrease: boolean; rounding: ZohoRoundingType; decimalPlaces?: number }): number {
  const factor = book.isIncrease ? 100 + book.percentage : 100 - book.percentage;
  return roundPrice((rate * factor) / 100, book.rounding, book.decimalPlaces ?? 2);
}
