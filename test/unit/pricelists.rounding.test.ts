import { describe, expect, it } from 'vitest';
import { normalizeRoundingType, percentagePrice, roundPrice } from '../../server/sync/pricelists/rounding.js';

describe('Zoho rounding types', () => {
  it('no_rounding keeps the price list’s decimal places (half up, without binary noise)', () => {
    expect(roundPrice(18.05, 'no_rounding')).toBe(18.05);
    expect(roundPrice(1.005, 'no_rounding')).toBe(1.01);
    expect(roundPrice(12.3456, 'no_rounding', 3)).toBe(12.346);
    expect(roundPrice(12.35, 'no_rounding', 1)).toBe(12.4);
  });

  it('round_to_dollar: the nearest whole number', () => {
    expect(roundPrice(18.05, 'round_to_dollar')).toBe(18);
    expect(roundPrice(18.5, 'round_to_dollar')).toBe(19);
    expect(roundPrice(18.49, 'round_to_dollar')).toBe(18);
    expect(roundPrice(0.4, 'round_to_dollar')).toBe(0);
  });

  it('round_to_dollar_minus_01: the nearest .99', () => {
    expect(roundPrice(11.25, 'round_to_dollar_minus_01')).toBe(10.99);
    expect(roundPrice(16.2, 'round_to_dollar_minus_01')).toBe(15.99);
    expect(roundPrice(21.6, 'round_to_dollar_minus_01')).toBe(21.99);
    expect(roundPrice(18, 'round_to_dollar_minus_01')).toBe(17.99);
    expect(roundPrice(18.49, 'round_to_dollar_minus_01')).toBe(18.99);
    expect(roundPrice(0.2, 'round_to_dollar_minus_01')).toBe(0); // never negative
  });

  it('round_to_half_dollar and round_to_half_dollar_minus_01: the nearest .50 / .00, and .49 / .99', () => {
    expect(roundPrice(18.2, 'round_to_half_dollar')).toBe(18);
    expect(roundPrice(18.25, 'round_to_half_dollar')).toBe(18.5);
    expect(roundPrice(18.8, 'round_to_half_dollar')).toBe(19);
    expect(roundPrice(11.25, 'round_to_half_dollar_minus_01')).toBe(11.49);
    expect(roundPrice(11.7, 'round_to_half_dollar_minus_01')).toBe(11.49);
    expect(roundPrice(11.8, 'round_to_half_dollar_minus_01')).toBe(11.99);
    expect(roundPrice(18, 'round_to_half_dollar_minus_01')).toBe(17.99);
  });

  it('reads Zoho’s spellings, including the OpenAPI file’s round_to_dollor; unknown types are refused', () => {
    expect(normalizeRoundingType('round_to_dollor')).toBe('round_to_dollar');
    expect(normalizeRoundingType('ROUND_TO_HALF_DOLLAR')).toBe('round_to_half_dollar');
    expect(normalizeRoundingType(undefined)).toBe('no_rounding');
    expect(normalizeRoundingType('')).toBe('no_rounding');
    expect(normalizeRoundingType('round_to_ten')).toBeUndefined();
  });
});

describe('percentage price lists', () => {
  it('marks a rate down or up by the percentage, then rounds', () => {
    expect(percentagePrice(19, { percentage: 5, isIncrease: false, rounding: 'no_rounding' })).toBe(18.05);
    expect(percentagePrice(19, { percentage: 5, isIncrease: false, rounding: 'round_to_dollar' })).toBe(18);
    expect(percentagePrice(12.5, { percentage: 10, isIncrease: false, rounding: 'round_to_dollar_minus_01' })).toBe(10.99);
    expect(percentagePrice(10, { percentage: 15, isIncrease: true, rounding: 'no_rounding' })).toBe(11.5);
    expect(percentagePrice(10, { percentage: 12.5, isIncrease: true, rounding: 'round_to_half_dollar' })).toBe(11.5);
    expect(percentagePrice(3.33, { percentage: 10, isIncrease: true, rounding: 'no_rounding', decimalPlaces: 3 })).toBe(3.663);
    expect(percentagePrice(40, { percentage: 100, isIncrease: false, rounding: 'round_to_dollar_minus_01' })).toBe(0);
  });
});
