import { isIP } from 'node:net';
import { describeFound } from './describe-found.ts';

export interface AddressRules {
  /** Accept `unix:///absolute/path` (dialing a local Hubble socket; never for listening). */
  readonly allowUnix: boolean;
}

const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

function checkPort(text: string): boolean {
  if (!/^\d{1,5}$/.test(text)) return false;
  const port = Number(text);
  return port >= 1 && port <= 65_535;
}

/**
 * Checks a network address: `host:port`, `[ipv6]:port`, or (when allowed) `unix:///path`.
 * Returns a message for the problem, or undefined when the address is well formed.
 */
export function checkAddress(text: string, rules: AddressRules): string | undefined {
  const forms = rules.allowUnix ? 'host:port, [ipv6]:port or unix:///path' : 'host:port or [ipv6]:port';
  const expected = `expected ${forms}, found ${describeFound(text)}`;
  if (text.startsWith('unix:')) {
    if (!rules.allowUnix) return `${expected}; a unix socket is not allowed here`;
    return /^unix:\/\/\/\S+$/.test(text) ? undefined : `${expected}; a unix socket address is unix:// followed by an absolute path`;
  }
  if (text.startsWith('[')) {
    const match = /^\[([^\]]+)\]:(.*)$/.exec(text);
    if (match?.[1] === undefined || match[2] === undefined || isIP(match[1]) !== 6) return expected;
    return checkPort(match[2]) ? undefined : `${expected}; the port must be 1–65535`;
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return `${expected}; the port is missing`;
  const host = text.slice(0, colon);
  if (host.includes(':')) return `${expected}; put an IPv6 address in brackets, as in [::1]:4245`;
  if (!HOSTNAME.test(host) && isIP(host) !== 4) return expected;
  return checkPort(text.slice(colon + 1)) ? undefined : `${expected}; the port must be 1–65535`;
}
