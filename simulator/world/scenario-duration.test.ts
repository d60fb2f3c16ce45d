import { describe, expect, it } from 'vitest';
import { parseScenarioDuration } from './scenario-duration.ts';

describe('parseScenarioDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1.5s', 1500],
    ['500us', 0.5],
    ['0s', 0],
  ])('reads %s', (text, ms) => {
    expect(parseScenarioDuration(text)).toBe(ms);
  });
  it.each(['', '5', 'm', '5 m', '-5s', '5x', '1h-30m', '5S'])('refuses %j', (text) => {
    expect(parseScenarioDuration(text)).toBeUndefined();
  });
});
