import { describe, expect, it } from 'vitest';
import { COLORS } from './color.ts';
import { MAX_SUGGEST_INPUT, editDistance, suggest } from './suggest.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['mpls', 'mpls', 0],
    ['biz-internt', 'biz-internet', 1],
    ['kitten', 'sitting', 3],
    ['isthums', 'isthmus', 1], // a swap of adjacent letters costs 1
    ['ab', 'ba', 1],
    ['ca', 'abc', 3], // optimal string alignment, not full Damerau
  ])('%j → %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('suggest', () => {
  it.each([
    ['biz-internt', 'biz-internet'],
    ['bizinternet', 'biz-internet'],
    ['MPLS', 'mpls'],
    ['mlps', 'mpls'],
    ['privat1', 'private1'],
    ['metro-ethernt', 'metro-ethernet'],
    ['gren', 'green'],
    ['internet', 'biz-internet'], // contained: the closer of the two internet colors wins
  ])('suggests a color for %j: %j', (input, expected) => {
    expect(suggest(input, COLORS)).toBe(expected);
  });

  it.each(['', 'x', 'satellite', 'zzzzzz', 'yellow'])('has no suggestion for %j', (input) => {
    expect(suggest(input, COLORS)).toBeUndefined();
  });

  it('suggests key names, including by containment', () => {
    const keys = ['max-latency', 'max-loss', 'max-jitter', 'objective', 'window', 'tunnels', 'tunnel', 'fallback'];
    expect(suggest('max-latncy', keys)).toBe('max-latency');
    expect(suggest('max_latency', keys)).toBe('max-latency');
    expect(suggest('latency', keys)).toBe('max-latency');
    expect(suggest('tunel', keys)).toBe('tunnel');
    expect(suggest('colour', keys)).toBeUndefined();
  });

  it('prefers the earlier candidate on a tie', () => {
    expect(suggest('ab', ['ax', 'bb'])).toBe('ax');
  });

  it('gives up on input longer than the cap, without doing quadratic work', () => {
    expect(suggest('m'.repeat(MAX_SUGGEST_INPUT + 1), ['mpls'])).toBeUndefined();
    const started = performance.now();
    expect(suggest('x'.repeat(1_048_576), COLORS)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });
});
