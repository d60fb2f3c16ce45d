import { describe, expect, it } from 'vitest';
import { parseListenAddress } from './parse-listen-address.ts';

describe('parseListenAddress', () => {
  it.each([
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::]:9464', { host: '::', port: 9464 }],
    ['[::1]:80', { host: '::1', port: 80 }],
    ['localhost:9464', { host: 'localhost', port: 9464 }],
  ])('%s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['9464', ':9464', '::1:80', 'host:99999', 'host:port'])('rejects %s', (text) => {
    expect(() => parseListenAddress(text)).toThrow(RangeError);
  });
});
