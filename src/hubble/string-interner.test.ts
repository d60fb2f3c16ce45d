import { describe, expect, it } from 'vitest';
import { HUBBLE_ERROR_CODES } from './hubble-error.ts';
import { decodeUtf8, StringInterner } from './string-interner.ts';

describe('StringInterner', () => {
  it('returns equal strings for equal bytes, wherever they sit in the buffer', () => {
    const interner = new StringInterner(16);
    const buffer = Buffer.from('xx kube-system yy kube-system');
    const a = interner.intern(buffer, 3, 14);
    const b = interner.intern(buffer, 18, 29);
    expect(a).toBe('kube-system');
    expect(b).toBe(a);
  });

  it('is not fooled by a reused buffer', () => {
    const interner = new StringInterner(16);
    const buffer = Buffer.from('alpha');
    expect(interner.intern(buffer, 0, 5)).toBe('alpha');
    buffer.write('omega');
    expect(interner.intern(buffer, 0, 5)).toBe('omega');
  });

  it('stays correct when every string collides', () => {
    const interner = new StringInterner(1);
    const words = ['a', 'bb', 'ccc', 'a', 'ccc', 'bb'];
    for (const word of words) expect(interner.intern(Buffer.from(word), 0, word.length)).toBe(word);
  });

  it('compares strings beyond ASCII by their bytes, including ones of the same length in characters', () => {
    const interner = new StringInterner(1);
    const words = ['żółw', 'żółx', 'zolw', 'żółw', 'zółw', 'zolw', 'żółx'];
    for (const word of words) {
      const bytes = Buffer.from(`[${word}]`);
      expect(interner.intern(bytes, 1, bytes.length - 1)).toBe(word);
    }
  });

  it('decodes UTF-8 and rejects invalid UTF-8 with a typed error', () => {
    expect(decodeUtf8(Buffer.from('żółw→🐢'), 0, Buffer.byteLength('żółw→🐢'))).toBe('żółw→🐢');
    expect(() => decodeUtf8(Buffer.from([0x61, 0xc3, 0x28]), 0, 3)).toThrow(expect.objectContaining({ code: HUBBLE_ERROR_CODES.decode }) as Error);
    expect(() => new StringInterner().intern(Buffer.from([0xff]), 0, 1)).toThrow(/invalid UTF-8/);
  });
});
