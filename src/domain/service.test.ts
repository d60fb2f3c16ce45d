import { describe, expect, it } from 'vitest';
import { parseServiceKey, serviceKey } from './service.ts';

describe('service keys', () => {
  it('joins and splits namespace/name', () => {
    expect(serviceKey({ namespace: 'shop', name: 'checkout' })).toBe('shop/checkout');
    expect(parseServiceKey('shop/checkout')).toEqual({ namespace: 'shop', name: 'checkout' });
  });
  it.each(['', 'checkout', '/checkout', 'shop/', 'a/b/c'])('rejects %j', (key) => {
    expect(parseServiceKey(key)).toBeUndefined();
  });
});
