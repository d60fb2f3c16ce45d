/**
 * Shared fast-check generators for the hostile-input tests: strings that are almost right (units,
 * ranges, case, whitespace, unicode look-alikes, huge numbers), and JSON-ish values of any shape.
 */
import fc from 'fast-check';
import { COLORS } from '../../src/domain/color.ts';

/** Fixed seeds keep CI deterministic; fast-check prints the seed and path of any failure for replay. */
export const SEED = 20_261_126;

/** Characters that break naive parsers: controls, bidi overrides, zero-width, fullwidth digits, surrogates. */
const AWKWARD_CHARS = ['\u0000', '\n', '\r', '\t', ' ', '\u00a0', '\u200b', '\u202e', '\u2066', '\ufeff', '\uff15', '\ud800', '\u{1f600}', 'µ', ',', '%', '.', '-', '+', 'e', '"', '\\', '\u001b[31m'];

export const awkwardChar = fc.constantFrom(...AWKWARD_CHARS);

/** Any text: plain, full unicode, or built from awkward characters. */
export const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(awkwardChar, { maxLength: 12 }).map((parts) => parts.join('')),
);

const NUMBERS = ['0', '1', '50', '0.5', '999.999', '1000', '1001', '100', '100.0001', '1e3', '-1', '+5', '0x10', 'NaN', 'Infinity', '9'.repeat(70), '1'.repeat(400), '.5', '5.', '00050', '１０', '1_000'];
const UNITS = ['ms', 'MS', 's', 'us', 'µs', 'ns', 'm', 'h', 'd', 'w', 'y', '%', '', ' ms', 'ms ', 'sec', 'millis', '‰'];

/** A number and a unit from the near-miss lists, with optional whitespace around. */
export const nearQuantity = fc
  .tuple(fc.constantFrom(...NUMBERS), fc.constantFrom(...UNITS), fc.constantFrom('', ' ', '\n', '\t', '\u00a0'), fc.constantFrom('', ' ', '\n'))
  .map(([number, unit, before, after]) => `${before}${number}${unit}${after}`);

const COLOR_NEAR_MISSES = ['MPLS', 'Mpls', 'biz_internet', 'biz-internet ', 'lte\u200b', 'ｍｐｌｓ', 'private7', 'default', 'public-internet,', '', ' '];

/** A color, a near miss, or anything. */
export const colorish = fc.oneof(fc.constantFrom(...COLORS), fc.constantFrom(...COLOR_NEAR_MISSES), anyText);

/** A list of colorish entries joined with commas and the odd whitespace. */
export const colorListText = fc
  .array(fc.tuple(colorish, fc.constantFrom('', ' ', '\t', '  ')), { maxLength: 8 })
  .map((entries) => entries.map(([color, space]) => `${space}${color}${space}`).join(','));

/** JSON-shaped values of any structure, with the odd huge string or deep nesting. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, Number.NaN, Infinity, -0, 2 ** 64, 'x'.repeat(100_000), [], {}) },
);
