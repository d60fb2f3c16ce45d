import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTE_LIMIT, displayKey, quote } from './quote.ts';

describe('quote', () => {
  it('double-quotes plain text as it is', () => {
    expect(quote('50ms')).toBe('"50ms"');
    expect(quote('')).toBe('""');
    expect(quote('ünïcødé 😀')).toBe('"ünïcødé 😀"');
  });

  it('escapes quotes, backslashes and line breaks, so the result is one line', () => {
    expect(quote('a"b\\c\nd\re\tf')).toBe('"a\\"b\\\\c\\nd\\re\\tf"');
  });

  it('shows control, bidirectional and invisible characters as escapes', () => {
    expect(quote('\u001b[31mred')).toBe('"\\u{1B}[31mred"');
    expect(quote('\u202egnp.exe')).toBe('"\\u{202E}gnp.exe"');
    expect(quote('a\u200bb\u200fc\ufeffd\u2066e\u0085f\u00adg')).toBe('"a\\u{200B}b\\u{200F}c\\u{FEFF}d\\u{2066}e\\u{85}f\\u{AD}g"');
    expect(quote('\ud800x')).toBe('"\\u{D800}x"');
  });

  it('truncates long values and says how long they were', () => {
    const huge = 'x'.repeat(1_048_576);
    expect(quote(huge)).toBe(`"${'x'.repeat(DEFAULT_QUOTE_LIMIT)}"… (1048576 characters in all)`);
    expect(quote('abcdef', 3)).toBe('"abc"… (6 characters in all)');
    expect(quote('abc', 3)).toBe('"abc"');
  });

  it('never splits a surrogate pair when truncating', () => {
    expect(quote('😀😀😀', 2)).toBe('"😀😀"… (6 characters in all)');
  });
});

describe('displayKey', () => {
  it('prints Kubernetes-shaped keys bare and quotes anything else', () => {
    expect(displayKey('isthmus.io/max-latency')).toBe('isthmus.io/max-latency');
    expect(displayKey('isthmus.io/max latency')).toBe('"isthmus.io/max latency"');
    expect(displayKey('isthmus.io/x\ny')).toBe('"isthmus.io/x\\ny"');
    expect(displayKey('')).toBe('""');
    expect(displayKey('k'.repeat(400))).toBe(`"${'k'.repeat(DEFAULT_QUOTE_LIMIT)}"… (400 characters in all)`);
  });
});
