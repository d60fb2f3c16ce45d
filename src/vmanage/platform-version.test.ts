import { describe, expect, it } from 'vitest';
import { isVersionAtLeast } from './platform-version.ts';

describe('isVersionAtLeast', () => {
  it.each([
    ['20.12.1', true],
    ['20.18.1-li', true],
    ['21.1', true],
    ['20.9.3.1', false],
    ['20.11.99', false],
    ['19.2.4', false],
    ['', true],
  ])('%s ≥ 20.12 is %s', (version, expected) => {
    expect(isVersionAtLeast(version, 20, 12)).toBe(expected);
  });
});
