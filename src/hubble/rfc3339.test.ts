import { describe, expect, it } from 'vitest';
import { formatRfc3339Nanos, parseRfc3339Nanos } from './rfc3339.ts';

describe('RFC 3339 with nanoseconds', () => {
  it.each([
    ['2023-08-21T12:12:18.510175415Z', 1_692_619_938_510_175_415n],
    ['1970-01-01T00:20:34.567800Z', 1_234_567_800_000n],
    ['1970-01-01T00:00:00Z', 0n],
    ['1969-12-31T23:59:59.250Z', -750_000_000n],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000_000_000n],
    ['9999-12-31T23:59:59.999999999Z', 253_402_300_799_999_999_999n],
  ])('%s ⇄ %d ns', (text, ns) => {
    expect(parseRfc3339Nanos(text)).toBe(ns);
    expect(formatRfc3339Nanos(ns)).toBe(text);
  });

  it('reads offsets, lower-case separators and any number of fractional digits', () => {
    expect(parseRfc3339Nanos('2023-08-21T14:12:18.5+02:00')).toBe(1_692_619_938_500_000_000n);
    expect(parseRfc3339Nanos('2023-08-21t12:12:18.1234z')).toBe(1_692_619_938_123_400_000n);
  });

  it('writes 0, 3, 6 or 9 fractional digits, as Go’s protojson does', () => {
    expect(formatRfc3339Nanos(1_500_000_000n)).toBe('1970-01-01T00:00:01.500Z');
    expect(formatRfc3339Nanos(1_000_001_000n)).toBe('1970-01-01T00:00:01.000001Z');
    expect(formatRfc3339Nanos(1_000_000_001n)).toBe('1970-01-01T00:00:01.000000001Z');
  });

  it.each(['', 'yesterday', '2023-02-29T00:00:00Z', '2023-13-01T00:00:00Z', '2023-01-01T24:00:00Z', '2023-01-01T00:00:00', '2023-01-01T00:00:00.1234567890Z'])(
    'rejects %j',
    (text) => {
      expect(parseRfc3339Nanos(text)).toBeUndefined();
    },
  );
});
