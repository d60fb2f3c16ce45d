import { describe, expect, it } from 'vitest';
import { MAX_QUANTITY_LENGTH, MAX_SECONDS, parseDuration, parsePercentage, parseWindow } from './quantity.ts';
import type { QuantityResult } from './quantity.ts';

function reasonOf(result: QuantityResult): string {
  if (result.ok) throw new Error(`expected a failure, got ${result.value}`);
  return result.reason;
}

describe('parseDuration', () => {
  it.each([
    ['50ms', 0.05],
    ['0.05s', 0.05],
    ['1s', 1],
    ['1000ms', 1],
    ['1ms', 0.001],
    ['0.001s', 0.001],
    ['.5s', 0.5],
    ['007ms', 0.007],
    ['250us', 0.00025],
    ['250µs', 0.00025], // micro sign U+00B5
    ['250μs', 0.00025], // Greek mu U+03BC
    ['1000000us', 1],
    ['2m', 120],
    ['1.5h', 5400],
    ['0ms', 0],
    ['  50ms\n', 0.05],
    ['\t50ms', 0.05],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: seconds });
  });

  it('is exact for decimal input: 50ms is the same double as 0.05', () => {
    expect(parseDuration('50ms')).toEqual(parseDuration('0.05s'));
    expect(parseDuration('0.3s')).toEqual({ ok: true, value: 0.3 });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank (only whitespace)'],
    ['50', 'unit missing; expected us, ms, s, m or h after the number, e.g. 50ms'],
    ['ms', 'number missing before the unit ms; write e.g. 50ms'],
    ['fast', 'not a number; expected a decimal number and a unit, e.g. 50ms'],
    ['50xs', 'unknown unit "xs"; expected us, ms, s, m or h'],
    ['50MS', 'unknown unit "MS": units are case-sensitive; did you mean "ms"?'],
    ['50Ms', 'unknown unit "Ms": units are case-sensitive; did you mean "ms"?'],
    ['50sec', 'unknown unit "sec"; did you mean "s"?'],
    ['50msec', 'unknown unit "msec"; did you mean "ms"?'],
    ['5ns', 'unit "ns" not accepted: nanoseconds are finer than SD-WAN measures (whole milliseconds); use us, ms or s'],
    ['1d', 'unit "d" not accepted: days are too long for a duration here; use us, ms, s, m or h'],
    ['50 ms', 'whitespace inside; write 50ms, with no space between number and unit'],
    ['-5ms', 'negative; a duration cannot be below zero'],
    ['-0ms', 'negative; a duration cannot be below zero'],
    ['+5ms', 'a sign is not allowed; write 50ms'],
    ['NaN', 'not a finite number; write a decimal number and a unit, e.g. 50ms'],
    ['nanms', 'not a finite number; write a decimal number and a unit, e.g. 50ms'],
    ['Infinity', 'not a finite number; write a decimal number and a unit, e.g. 50ms'],
    ['-Infinityms', 'not a finite number; write a decimal number and a unit, e.g. 50ms'],
    ['inf', 'not a finite number; write a decimal number and a unit, e.g. 50ms'],
    ['1e309', 'exponent notation is not supported; write the digits out'],
    ['1e3ms', 'exponent notation is not supported; write the digits out'],
    ['5E-3s', 'exponent notation is not supported; write the digits out'],
    ['0x10ms', 'hexadecimal, octal and binary numbers are not supported; write a decimal number'],
    ['0b1s', 'hexadecimal, octal and binary numbers are not supported; write a decimal number'],
    ['5.ms', 'digits expected after the decimal point'],
    ['1.2.3ms', 'not a number (more than one decimal point)'],
    ['1,000ms', 'commas are not allowed: use a point as the decimal separator and no thousands separators'],
    ['0,5s', 'commas are not allowed: use a point as the decimal separator and no thousands separators'],
    ['50msx', 'unexpected "x" after the unit ms'],
    ['50ms;', 'unexpected ";" after the unit ms'],
    ['1h30m', 'compound durations like 1h30m are not supported; write one number and one unit, e.g. 90m'],
    ['367d', 'unit "d" not accepted: days are too long for a duration here; use us, ms, s, m or h'],
    ['8785h', 'too large; a duration is at most 366 days'],
    ['9'.repeat(60) + 'ms', 'too large; a duration is at most 366 days'],
  ])('refuses %j: %s', (text, reason) => {
    expect(reasonOf(parseDuration(text))).toBe(reason);
  });

  it('accepts exactly 366 days and no more', () => {
    expect(parseDuration('8784h')).toEqual({ ok: true, value: MAX_SECONDS });
    expect(parseDuration('8784.1h').ok).toBe(false);
  });

  describe('hostile input', () => {
    it.each([
      ['５０ms', 'contains a fullwidth digit (U+FF15); write ASCII digits and units'],
      ['50ｍｓ', 'contains the non-ASCII character U+FF4D; write ASCII digits and units'],
      ['\u200f50ms', 'contains an invisible formatting character (U+200F); write ASCII digits and units'],
      ['50\u202ems', 'contains an invisible formatting character (U+202E); write ASCII digits and units'],
      ['\ufeff50ms', 'contains an invisible formatting character (U+FEFF); write ASCII digits and units'],
      ['50\u00a0ms', 'contains a non-breaking space (U+00A0); write ASCII digits and units'],
      ['50ms😀', 'contains the non-ASCII character U+1F600; write ASCII digits and units'],
      ['٥٠ms', 'contains an Arabic-Indic digit (U+0665); write ASCII digits and units'],
      ['50\u0000ms', 'contains a control character (U+0000); write ASCII digits and units'],
      ['50\tms', 'contains a control character (U+0009); write ASCII digits and units'],
      ['50\u001b[31mms', 'contains a control character (U+001B); write ASCII digits and units'],
      ['50µs\u0301', 'contains the non-ASCII character U+0301; write ASCII digits and units'],
    ])('refuses %j: %s', (text, reason) => {
      expect(reasonOf(parseDuration(text))).toBe(reason);
    });

    it('refuses a megabyte before looking at it', () => {
      const huge = '5'.repeat(1_048_576) + 'ms';
      expect(reasonOf(parseDuration(huge))).toBe(`too long: ${huge.length} characters, a duration has at most ${MAX_QUANTITY_LENGTH}`);
    });

    it('refuses a megabyte of whitespace quickly (no quadratic trimming)', () => {
      const started = performance.now();
      expect(parseDuration(`${' '.repeat(1_048_576)}x`).ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(100);
    });

    it('accepts input exactly at the length cap', () => {
      const text = `${'0'.repeat(MAX_QUANTITY_LENGTH - 3)}1ms`;
      expect(parseDuration(text)).toEqual({ ok: true, value: 0.001 });
      expect(parseDuration(`0${text}`).ok).toBe(false);
    });
  });
});

describe('parsePercentage', () => {
  it.each([
    ['1%', 0.01],
    ['0.5%', 0.005],
    ['99.9%', 0.999],
    ['99.99%', 0.9999],
    ['0%', 0],
    ['100%', 1],
    [' 1% ', 0.01],
  ])('reads %j as the ratio %d', (text, ratio) => {
    expect(parsePercentage(text)).toEqual({ ok: true, value: ratio });
  });

  it.each([
    ['0.01', 'unit missing; expected % after the number, e.g. 1%'],
    ['99.9', 'unit missing; expected % after the number, e.g. 1%'],
    ['150%', 'too large; a percentage is at most 100%'],
    ['100.0001%', 'too large; a percentage is at most 100%'],
    ['-1%', 'negative; a percentage cannot be below zero'],
    ['1 %', 'whitespace inside; write 1%, with no space between number and unit'],
    ['1pct', 'unknown unit "pct"; did you mean "%"?'],
    ['1percent', 'unknown unit "percent"; did you mean "%"?'],
    ['1‰', 'contains the non-ASCII character U+2030; write ASCII digits and units'],
    ['1%5', 'unexpected "5" after the unit %'],
    ['1%%', 'unexpected "%" after the unit %'],
    ['%', 'number missing before the unit %; write e.g. 1%'],
    ['NaN%', 'not a finite number; write a decimal number and a unit, e.g. 1%'],
    ['1e2%', 'exponent notation is not supported; write the digits out'],
    ['５%', 'contains a fullwidth digit (U+FF15); write ASCII digits and units'],
    ['1％', 'contains the non-ASCII character U+FF05; write ASCII digits and units'],
    ['50µs', 'contains the non-ASCII character U+00B5; write ASCII digits and units'],
  ])('refuses %j: %s', (text, reason) => {
    expect(reasonOf(parsePercentage(text))).toBe(reason);
  });
});

describe('parseWindow', () => {
  it.each([
    ['30d', 30 * 86_400],
    ['4w', 28 * 86_400],
    ['12h', 12 * 3600],
    ['90m', 5400],
    ['366d', MAX_SECONDS],
    ['1.5d', 1.5 * 86_400],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseWindow(text)).toEqual({ ok: true, value: seconds });
  });

  it.each([
    ['0d', 'zero; a window must be greater than zero'],
    ['30', 'unit missing; expected m, h, d or w after the number, e.g. 30d'],
    ['30D', 'unknown unit "D": units are case-sensitive; did you mean "d"?'],
    ['30days', 'unknown unit "days"; did you mean "d"?'],
    ['1M', 'unit "M" not accepted: months vary in length; use d or w, e.g. 30d or 4w'],
    ['1y', 'unit "y" not accepted: years vary in length; use d or w, e.g. 365d or 52w'],
    ['3600s', 'unit "s" not accepted: seconds are too fine for an SLO window; use m, h, d or w'],
    ['1d12h', 'compound windows like 1d12h are not supported; write one number and one unit, e.g. 36h'],
    ['367d', 'too large; a window is at most 366 days'],
    ['53w', 'too large; a window is at most 366 days'],
    ['-30d', 'negative; a window cannot be below zero'],
    ['30µs', 'contains the non-ASCII character U+00B5; write ASCII digits and units'],
  ])('refuses %j: %s', (text, reason) => {
    expect(reasonOf(parseWindow(text))).toBe(reason);
  });
});
