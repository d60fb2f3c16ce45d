import { describe, expect, it } from 'vitest';
import { KeyInterner } from './key-interner.ts';

describe('KeyInterner', () => {
  it('returns one string per Service key and node name', () => {
    const keys = new KeyInterner();
    const first = keys.service('shop', 'catalog');
    expect(first).toBe('shop/catalog');
    expect(keys.service('shop', 'catalog')).toBe(first);
    expect(keys.service('shop', 'cart')).toBe('shop/cart');
    expect(keys.bareNodeName('east/worker-1')).toBe('worker-1');
    expect(keys.bareNodeName('worker-2')).toBe('worker-2');
  });

  it('stays bounded whatever the input, and still answers correctly after a reset', () => {
    const keys = new KeyInterner();
    for (let i = 0; i < 70_000; i++) keys.service('ns', `svc-${i}`);
    expect(keys.service('ns', 'svc-1')).toBe('ns/svc-1');
    expect(keys.service('ns', 'svc-69999')).toBe('ns/svc-69999');
  });
});
