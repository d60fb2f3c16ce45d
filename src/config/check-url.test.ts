import { describe, expect, it } from 'vitest';
import { checkUrl } from './check-url.ts';

describe('checkUrl', () => {
  const vmanage = { schemes: ['https'], loopbackHttp: true } as const;

  it('accepts https, and plain http only on loopback', () => {
    expect(checkUrl('https://vmanage.example.com:8443', vmanage)).toBeUndefined();
    expect(checkUrl('http://127.0.0.1:8080', vmanage)).toBeUndefined();
    expect(checkUrl('http://localhost:8080/', vmanage)).toBeUndefined();
    expect(checkUrl('http://[::1]:8080', vmanage)).toBeUndefined();
    expect(checkUrl('http://vmanage.example.com', vmanage)).toContain('only accepted for a loopback host');
  });

  it('refuses text that is not a URL', () => {
    expect(checkUrl('vmanage.example.com', vmanage)).toBe('expected a https URL such as https://host.example.com, found "vmanage.example.com"');
  });

  it('refuses credentials in the URL without repeating them', () => {
    const message = checkUrl('https://admin:hunter2@vmanage.example.com', vmanage);
    expect(message).toContain('must not contain credentials');
    expect(message).not.toContain('hunter2');
  });

  it('refuses a query', () => {
    expect(checkUrl('https://vmanage.example.com/?a=1', vmanage)).toContain('without a query');
  });
});
