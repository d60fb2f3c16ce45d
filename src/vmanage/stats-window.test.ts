import { describe, expect, it } from 'vitest';
import { statsWindow } from './stats-window.ts';

const MIN = 60_000;
const options = { initialLookbackMs: 30 * MIN, overlapMs: 5 * MIN, maxLookbackMs: 60 * MIN };
const NOW = Date.UTC(2024, 1, 27, 16, 0, 0);

describe('statsWindow', () => {
  it('looks back the initial window on the first poll, ending on a whole second', () => {
    expect(statsWindow(NOW + 999, undefined, options)).toEqual({ fromMs: NOW - 30 * MIN, toMs: NOW, gapMs: 0 });
  });

  it('reaches the overlap back into the previous window', () => {
    expect(statsWindow(NOW + MIN, NOW, options)).toEqual({ fromMs: NOW - 5 * MIN, toMs: NOW + MIN, gapMs: 0 });
  });

  it('resumes at the last success after an outage shorter than the lookback bound', () => {
    expect(statsWindow(NOW + 40 * MIN, NOW, options)).toEqual({ fromMs: NOW - 5 * MIN, toMs: NOW + 40 * MIN, gapMs: 0 });
  });

  it('bounds the window after a long outage and reports what it cannot reach as a gap', () => {
    expect(statsWindow(NOW + 90 * MIN, NOW, options)).toEqual({ fromMs: NOW + 30 * MIN, toMs: NOW + 90 * MIN, gapMs: 30 * MIN });
  });
});
