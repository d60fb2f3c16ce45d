import { describe, expect, it } from 'vitest';
import { contentKey, SeamDeduper } from './seam-deduper.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('SeamDeduper', () => {
  it('drops flows seen at the seam again (by uuid), and nothing else', () => {
    const dedupe = new SeamDeduper();
    expect(dedupe.seamNs).toBeUndefined();
    expect(dedupe.accept(10n, 'a', bytes(1))).toBe(true);
    expect(dedupe.accept(20n, 'b', bytes(2))).toBe(true);
    expect(dedupe.accept(20n, 'c', bytes(3))).toBe(true);
    expect(dedupe.seamNs).toBe(20n);
    // The resumed stream starts at 20 (inclusive): b and c come again.
    expect(dedupe.accept(20n, 'b', bytes(2))).toBe(false);
    expect(dedupe.accept(20n, 'c', bytes(3))).toBe(false);
    expect(dedupe.accept(20n, 'd', bytes(4))).toBe(true);
    expect(dedupe.accept(30n, 'e', bytes(5))).toBe(true);
    // An older flow arriving late is not a duplicate of the seam.
    expect(dedupe.accept(15n, 'a', bytes(1))).toBe(true);
    // The seam moved on: flows at 20 are history now.
    expect(dedupe.accept(30n, 'b', bytes(2))).toBe(true);
    expect(dedupe.accept(30n, 'e', bytes(5))).toBe(false);
  });

  it('tells flows without a uuid apart by their bytes', () => {
    const dedupe = new SeamDeduper();
    expect(dedupe.accept(5n, '', bytes(1, 2, 3))).toBe(true);
    expect(dedupe.accept(5n, '', bytes(1, 2, 4))).toBe(true);
    expect(dedupe.accept(5n, '', bytes(1, 2, 3))).toBe(false);
    expect(dedupe.accept(5n, '', bytes(1, 2, 4))).toBe(false);
  });

  it('hashes every byte: messages differing in the middle differ', () => {
    const a = new Uint8Array(200).fill(7);
    const b = Uint8Array.from(a);
    b[100] = 8;
    expect(contentKey(a)).not.toBe(contentKey(b));
    expect(Number.isSafeInteger(contentKey(a))).toBe(true);
  });
});
