import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.ts';

const chunk = (text: string) => Buffer.from(text);

describe('LineSplitter', () => {
  it('cuts lines, keeping an unfinished one for the next chunk', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push(chunk('a\nb\nc'))).toEqual(['a', 'b']);
    expect(splitter.pendingBytes).toBe(1);
    expect(splitter.push(chunk('d\n\ne'))).toEqual(['cd', '']);
    expect(splitter.flush()).toBe('e');
    expect(splitter.flush()).toBeNull();
  });

  it('drops the \\r of CRLF endings, also across chunks', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push(chunk('x\r\ny\r'))).toEqual(['x']);
    expect(splitter.push(chunk('\n'))).toEqual(['y']);
  });

  it('does not split a multi-byte character cut between chunks', () => {
    const splitter = new LineSplitter(100);
    const bytes = Buffer.from('żółw\n');
    expect(splitter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(splitter.push(bytes.subarray(1))).toEqual(['żółw']);
  });

  it('turns lines longer than the limit into undefined without holding them', () => {
    const splitter = new LineSplitter(4);
    expect(splitter.push(chunk('12345\nok\n'))).toEqual([undefined, 'ok']);
    expect(splitter.push(chunk('123'))).toEqual([]);
    expect(splitter.push(chunk('456'))).toEqual([]);
    expect(splitter.pendingBytes).toBeLessThanOrEqual(6);
    expect(splitter.push(chunk('789\nfine\n'))).toEqual([undefined, 'fine']);
    expect(splitter.push(chunk('toolong'))).toEqual([]);
    expect(splitter.flush()).toBeUndefined();
  });

  it('forgets pending bytes on reset', () => {
    const splitter = new LineSplitter(100);
    splitter.push(chunk('partial'));
    splitter.reset();
    expect(splitter.push(chunk('new\n'))).toEqual(['new']);
  });
});
