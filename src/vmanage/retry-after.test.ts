import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

const now = Date.UTC(2024, 1, 27, 16, 0, 0);

describe('parseRetryAfter', () => {
  it('reads seconds, "0" as one second, and caps', () => {
    expect(parseRetryAfter('2', now, 30_000)).toBe(2000);
    expect(parseRetryAfter('0', now, 30_000)).toBe(1000);
    expect(parseRetryAfter('120', now, 30_000)).toBe(30_000);
  });
  it('reads an HTTP date relative to now, a past one as the minimum', () => {
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now, 30_000)).toBe(5000);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now, 30_000)).toBe(1000);
    expect(parseRetryAfter(new Date(now + 3_600_000).toUTCString(), now, 30_000)).toBe(30_000);
  });
  it.each([undefined, '', '  ', 'soon', '-1', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now, 30_000)).toBeUndefined();
  });
});
