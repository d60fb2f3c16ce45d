import { describe, expect, it } from 'vitest';
import { didYouMean } from './did-you-mean.ts';

describe('didYouMean', () => {
  const keys = ['url', 'username', 'password', 'requestTimeout', 'pollInterval'];

  it('finds a close key', () => {
    expect(didYouMean('pasword', keys)).toBe('password');
    expect(didYouMean('requesttimeout', keys)).toBe('requestTimeout');
    expect(didYouMean('pollIntervall', keys)).toBe('pollInterval');
  });

  it('stays quiet when nothing is close', () => {
    expect(didYouMean('color', keys)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
