/**
 * Parsers for the quantities users write in annotations: durations (`50ms`), percentages (`99.9%`) and
 * SLO windows (`30d`). They never throw; a failure carries a reason precise enough to fix the input.
 *
 * The grammar is deliberately narrow: an unsigned ASCII decimal number immediately followed by a
 * case-sensitive unit. Everything else is refused with a reason, because an annotation that is silently
 * read differently from what its author meant would steer real traffic onto the wrong transport.
 *  - Surrounding ASCII whitespace is ignored (YAML block scalars easily add a trailing newline), but no
 *    whitespace is allowed inside (`50 ms`), as in Go, Prometheus and Kubernetes quantities.
 *  - Units are case-sensitive: `M` vs `m` means minutes, months or mega depending on the reader, so `50MS`
 *    is refused with a "did you mean ms" hint rather than guessed.
 *  - No signs, exponents (`1e3`), hexadecimal (`0x10`), `NaN`/`Infinity`, thousands separators, fullwidth
 *    digits or other look-alike characters: each gets its own reason.
 */

export type QuantityResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

/**
 * Longest input looked at. A legitimate quantity is under 20 characters; the cap bounds the work done on
 * hostile input (a megabyte string is refused before any scanning) and keeps numbers far from the range
 * where `Number()` would overflow to Infinity (at most 64 digits → < 1e64).
 */
export const MAX_QUANTITY_LENGTH = 64;

/**
 * Largest duration or window accepted: 366 days. Nothing Isthmus measures (latency, jitter, poll
 * intervals, SLO windows) is meaningful beyond a year, and the cap keeps every result a modest finite
 * number of seconds that downstream arithmetic (error budgets, burn rates) handles without surprises.
 */
export const MAX_SECONDS = 366 * 86_400;

/** A unit scales the number by a power of ten (exact decimal shift) and then by an integer factor. */
interface UnitScale {
  readonly exponent: number;
  readonly factor: number;
}

interface QuantityKind {
  /** The noun used in reasons ("a duration"). */
  readonly noun: string;
  readonly example: string;
  readonly units: ReadonlyMap<string, UnitScale>;
  /** Listed in reasons when the unit is missing or unknown. */
  readonly unitList: string;
  /** Units that are refused with a specific explanation (exact, case-sensitive match). */
  readonly refused: ReadonlyMap<string, string>;
  /** Common spellings that are not units here, mapped to the unit meant. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly allowsMicroSign: boolean;
  readonly allowsZero: boolean;
  readonly compoundHint: string | undefined;
  readonly max: number;
  readonly maxText: string;
}

const SECOND: UnitScale = { exponent: 0, factor: 1 };
const MINUTE: UnitScale = { exponent: 0, factor: 60 };
const HOUR: UnitScale = { exponent: 0, factor: 3600 };
const DAY: UnitScale = { exponent: 0, factor: 86_400 };
const WEEK: UnitScale = { exponent: 0, factor: 7 * 86_400 };
const MILLISECOND: UnitScale = { exponent: -3, factor: 1 };
const MICROSECOND: UnitScale = { exponent: -6, factor: 1 };

const DURATION: QuantityKind = {
  noun: 'a duration',
  example: '50ms',
  // Both the micro sign (U+00B5) and Greek mu (U+03BC) are accepted, as Go's time.ParseDuration does:
  // keyboards produce either.
  units: new Map([
    ['us', MICROSECOND],
    ['µs', MICROSECOND],
    ['μs', MICROSECOND],
    ['ms', MILLISECOND],
    ['s', SECOND],
    ['m', MINUTE],
    ['h', HOUR],
  ]),
  unitList: 'us, ms, s, m or h',
  refused: new Map([
    ['ns', 'nanoseconds are finer than SD-WAN measures (whole milliseconds); use us, ms or s'],
    ['d', 'days are too long for a duration here; use us, ms, s, m or h'],
  ]),
  aliases: new Map([
    ['msec', 'ms'],
    ['msecs', 'ms'],
    ['millis', 'ms'],
    ['sec', 's'],
    ['secs', 's'],
    ['second', 's'],
    ['seconds', 's'],
    ['min', 'm'],
    ['mins', 'm'],
    ['minute', 'm'],
    ['minutes', 'm'],
    ['hr', 'h'],
    ['hrs', 'h'],
    ['hour', 'h'],
    ['hours', 'h'],
  ]),
  allowsMicroSign: true,
  allowsZero: true,
  compoundHint: 'compound durations like 1h30m are not supported; write one number and one unit, e.g. 90m',
  max: MAX_SECONDS,
  maxText: '366 days',
};

const WINDOW: QuantityKind = {
  noun: 'a window',
  example: '30d',
  units: new Map([
    ['m', MINUTE],
    ['h', HOUR],
    ['d', DAY],
    ['w', WEEK],
  ]),
  unitList: 'm, h, d or w',
  refused: new Map([
    ['s', 'seconds are too fine for an SLO window; use m, h, d or w'],
    ['ms', 'milliseconds are too fine for an SLO window; use m, h, d or w'],
    ['us', 'microseconds are too fine for an SLO window; use m, h, d or w'],
    ['M', 'months vary in length; use d or w, e.g. 30d or 4w'],
    ['mo', 'months vary in length; use d or w, e.g. 30d or 4w'],
    ['y', 'years vary in length; use d or w, e.g. 365d or 52w'],
    ['Y', 'years vary in length; use d or w, e.g. 365d or 52w'],
  ]),
  aliases: new Map([
    ['min', 'm'],
    ['mins', 'm'],
    ['minute', 'm'],
    ['minutes', 'm'],
    ['hr', 'h'],
    ['hrs', 'h'],
    ['hour', 'h'],
    ['hours', 'h'],
    ['day', 'd'],
    ['days', 'd'],
    ['wk', 'w'],
    ['week', 'w'],
    ['weeks', 'w'],
  ]),
  allowsMicroSign: false,
  // A zero-length window has no error budget to compute; refusing it here keeps every caller safe.
  allowsZero: false,
  compoundHint: 'compound windows like 1d12h are not supported; write one number and one unit, e.g. 36h',
  max: MAX_SECONDS,
  maxText: '366 days',
};

const PERCENTAGE: QuantityKind = {
  noun: 'a percentage',
  example: '1%',
  units: new Map([['%', { exponent: -2, factor: 1 }]]),
  unitList: '%',
  refused: new Map(),
  aliases: new Map([
    ['pct', '%'],
    ['percent', '%'],
  ]),
  allowsMicroSign: false,
  allowsZero: true,
  compoundHint: undefined,
  // Every percentage Isthmus reads (loss, objective) is a share of a whole.
  max: 1,
  maxText: '100%',
};

/** `50ms`, `0.05s`, `1s`, `250us`, `2m`, `1h` → seconds. */
export function parseDuration(text: string): QuantityResult {
  return parseQuantity(text, DURATION);
}

/** `1%`, `0.5%`, `99.9%` → a ratio in 0..1. A bare number is refused: `0.5` could mean 0.5% or 50%. */
export function parsePercentage(text: string): QuantityResult {
  return parseQuantity(text, PERCENTAGE);
}

/** `30d`, `4w`, `12h`, `90m` → seconds, greater than zero. */
export function parseWindow(text: string): QuantityResult {
  return parseQuantity(text, WINDOW);
}

const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)/;
// `NaN`, `Infinity`, `-inf`, `Infinityms`…: what JavaScript, Go or Python would print for a broken value.
const NON_FINITE = /^[+-]?(?:nan|inf)/i;
const RADIX_PREFIX = /^0[xXoObB][0-9a-fA-F]/;

function fail(reason: string): QuantityResult {
  return { ok: false, reason };
}

function parseQuantity(text: string, kind: QuantityKind): QuantityResult {
  if (text.length > MAX_QUANTITY_LENGTH) {
    return fail(`too long: ${text.length} characters, ${kind.noun} has at most ${MAX_QUANTITY_LENGTH}`);
  }
  const trimmed = text.replace(EDGE_WHITESPACE, '');
  if (trimmed === '') return fail(text === '' ? 'empty' : 'blank (only whitespace)');
  const foreign = foreignCharacter(trimmed, kind.allowsMicroSign);
  if (foreign !== undefined) return fail(foreign);
  if (/\s/.test(trimmed)) return fail(`whitespace inside; write ${kind.example}, with no space between number and unit`);
  if (NON_FINITE.test(trimmed)) return fail(`not a finite number; write a decimal number and a unit, e.g. ${kind.example}`);
  if (trimmed.startsWith('-')) return fail(`negative; ${kind.noun} cannot be below zero`);
  if (trimmed.startsWith('+')) return fail(`a sign is not allowed; write ${kind.example}`);
  if (RADIX_PREFIX.test(trimmed)) return fail('hexadecimal, octal and binary numbers are not supported; write a decimal number');

  const number = NUMBER.exec(trimmed)?.[0];
  if (number === undefined) {
    return kind.units.has(trimmed)
      ? fail(`number missing before the unit ${trimmed}; write e.g. ${kind.example}`)
      : fail(`not a number; expected a decimal number and a unit, e.g. ${kind.example}`);
  }
  const unit = trimmed.slice(number.length);
  const badSuffix = numberSuffixProblem(unit, kind);
  if (badSuffix !== undefined) return fail(badSuffix);
  const scale = kind.units.get(unit);
  if (scale === undefined) return fail(unknownUnit(unit, kind));

  // Shifting the decimal point in the text (`50e-3`) gives the double nearest the exact decimal value, so
  // `50ms` is exactly `0.05` and `99.9%` exactly `0.999`; dividing (`99.9 / 100`) would not be.
  const value = Number(`${number}e${scale.exponent}`) * scale.factor;
  if (!Number.isFinite(value) || value > kind.max) return fail(`too large; ${kind.noun} is at most ${kind.maxText}`);
  if (value === 0 && !kind.allowsZero) return fail(`zero; ${kind.noun} must be greater than zero`);
  return { ok: true, value };
}

/** What is wrong right after the number, before any unit is looked up; undefined when nothing is. */
function numberSuffixProblem(rest: string, kind: QuantityKind): string | undefined {
  if (rest === '') return `unit missing; expected ${kind.unitList} after the number, e.g. ${kind.example}`;
  if (/^[eE][+-]?\d/.test(rest)) return 'exponent notation is not supported; write the digits out';
  if (rest.startsWith('.')) {
    return /^\.\d/.test(rest) ? 'not a number (more than one decimal point)' : 'digits expected after the decimal point';
  }
  if (rest.startsWith(',')) return 'commas are not allowed: use a point as the decimal separator and no thousands separators';
  return undefined;
}

function unknownUnit(unit: string, kind: QuantityKind): string {
  const shown = JSON.stringify(unit);
  const refused = kind.refused.get(unit);
  if (refused !== undefined) return `unit ${shown} not accepted: ${refused}`;
  const alias = kind.aliases.get(unit) ?? kind.aliases.get(unit.toLowerCase());
  if (alias !== undefined) return `unknown unit ${shown}; did you mean ${JSON.stringify(alias)}?`;
  const lower = unit.toLowerCase();
  if (kind.units.has(lower)) return `unknown unit ${shown}: units are case-sensitive; did you mean ${JSON.stringify(lower)}?`;
  const prefix = longestUnitPrefix(unit, kind);
  if (prefix !== undefined) {
    const rest = unit.slice(prefix.length);
    if (/^\d/.test(rest) && kind.compoundHint !== undefined) return kind.compoundHint;
    return `unexpected ${JSON.stringify(rest)} after the unit ${prefix}`;
  }
  return `unknown unit ${shown}; expected ${kind.unitList}`;
}

function longestUnitPrefix(text: string, kind: QuantityKind): string | undefined {
  let best: string | undefined;
  for (const unit of kind.units.keys()) {
    if (text.startsWith(unit) && (best === undefined || unit.length > best.length)) best = unit;
  }
  return best;
}

/** The first character that has no place in a quantity (outside printable ASCII), explained. */
function foreignCharacter(text: string, allowsMicroSign: boolean): string | undefined {
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint >= 0x20 && codePoint < 0x7f) continue;
    if (allowsMicroSign && (codePoint === 0xb5 || codePoint === 0x3bc)) continue;
    return `contains ${describeCharacter(codePoint)}; write ASCII digits and units`;
  }
  return undefined;
}

function describeCharacter(codePoint: number): string {
  const id = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (codePoint >= 0xff10 && codePoint <= 0xff19) return `a fullwidth digit (${id})`;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return `a control character (${id})`;
  if (codePoint === 0xa0 || codePoint === 0x202f || codePoint === 0x2007) return `a non-breaking space (${id})`;
  if ((codePoint >= 0x200b && codePoint <= 0x200f) || (codePoint >= 0x202a && codePoint <= 0x202e) || (codePoint >= 0x2066 && codePoint <= 0x2069) || codePoint === 0xfeff) {
    return `an invisible formatting character (${id})`;
  }
  if (codePoint >= 0x660 && codePoint <= 0x669) return `an Arabic-Indic digit (${id})`;
  return `the non-ASCII character ${id}`;
}
