import { describe, expect, it } from 'vitest';
import { hash, hashBucket, hashString, signedHigh, signedLow, unit } from './hash.ts';
import { poisson } from './poisson.ts';

describe('hash', () => {
  it('is a pure function of its words', () => {
    expect(hash(1, 2, 3, 4)).toBe(hash(1, 2, 3, 4));
    expect(hash(1, 2, 3, 4)).not.toBe(hash(1, 2, 3, 5));
    expect(hashBucket(1, 2, 3, 4)).toBe(hashBucket(1, 2, 3, 4));
    expect(hashString('a')).not.toBe(hashString('b'));
  });

  it('tells buckets 2³² apart and handles negative ones', () => {
    expect(hashBucket(7, 1, 5, 0)).not.toBe(hashBucket(7, 1, 5 + 2 ** 32, 0));
    expect(hashBucket(7, 1, -1, 0)).not.toBe(hashBucket(7, 1, 2 ** 32 - 1, 0));
  });

  it('spreads uniformly', () => {
    const bins = new Array<number>(10).fill(0);
    let signed = 0;
    for (let i = 0; i < 100_000; i++) {
      const h = hashBucket(42, 3, i, 9);
      const u = unit(h);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      bins[Math.floor(u * 10)] = (bins[Math.floor(u * 10)] ?? 0) + 1;
      signed += signedHigh(h) + signedLow(h);
    }
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(Math.abs(signed / 200_000)).toBeLessThan(0.01);
  });
});

describe('poisson', () => {
  it.each([0.3, 4, 80])('has mean %d', (lambda) => {
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) sum += poisson(lambda, unit(hash(1, i, 0, 0)), unit(hash(1, i, 1, 0)));
    expect(Math.abs(sum / n - lambda) / lambda).toBeLessThan(0.03);
  });
  it('is 0 for a zero rate', () => {
    expect(poisson(0, 0.99, 0.5)).toBe(0);
  });
});
