import { describe, expect, it } from 'vitest';
import { DEFAULT_HUBBLE_SOCKET, parseHubbleAddress } from './hubble-address.ts';

describe('parseHubbleAddress', () => {
  it('reads the forms Hubble\'s CLI takes', () => {
    expect(parseHubbleAddress('localhost:4245')).toEqual({ target: 'localhost:4245', tls: false, unix: false });
    expect(parseHubbleAddress('hubble-relay.kube-system')).toEqual({ target: 'hubble-relay.kube-system:4245', tls: false, unix: false });
    expect(parseHubbleAddress('tls://relay.example:443')).toEqual({ target: 'relay.example:443', tls: true, unix: false });
    expect(parseHubbleAddress('[::1]:4245')).toEqual({ target: '[::1]:4245', tls: false, unix: false });
    expect(parseHubbleAddress(DEFAULT_HUBBLE_SOCKET)).toEqual({ target: 'unix:///var/run/cilium/hubble.sock', tls: false, unix: true });
    expect(parseHubbleAddress('unix:/tmp/h.sock').target).toBe('unix:///tmp/h.sock');
  });

  it('refuses URLs, relative sockets and bad ports with a hint', () => {
    expect(() => parseHubbleAddress('http://relay:80')).toThrow(/not a URL/);
    expect(() => parseHubbleAddress('unix://relative.sock')).toThrow(/absolute/);
    expect(() => parseHubbleAddress('relay:99999')).toThrow(/1–65535/);
    expect(() => parseHubbleAddress('relay:port')).toThrow(/expected host:port/);
    expect(() => parseHubbleAddress('')).toThrow(/invalid Hubble address/);
  });
});
