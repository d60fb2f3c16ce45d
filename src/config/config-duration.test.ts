import { describe, expect, it } from 'vitest';
import { formatConfigDuration, parseConfigDuration } from './config-duration.ts';

describe('parseConfigDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['0s', 0],
  ])('reads %s as %d ms', (text, milliseconds) => {
    expect(parseConfigDuration(text)).toBe(milliseconds);
  });

  it.each(['30', '', 's', '30 s', '30seconds', '5M', '-5s', '1h 30m', '30s5', 'PT30S'])('refuses %j', (text) => {
    expect(parseConfigDuration(text)).toBeUndefined();
  });
});

describe('formatConfigDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [86_400_000 + 1_000, '1d1s'],
  ])('writes %d ms as %s', (milliseconds, text) => {
    expect(formatConfigDuration(milliseconds)).toBe(text);
  });

  it('round-trips through the parser', () => {
    for (const milliseconds of [1, 999, 1_000, 61_001, 5_400_000, 694_861_001]) {
      expect(parseConfigDuration(formatConfigDuration(milliseconds))).toBe(milliseconds);
    }
  });
});
