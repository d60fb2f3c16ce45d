import { isIP } from 'node:net';

export interface Cidr {
  readonly family: 4 | 6;
  /** The network address, canonical form. */
  readonly network: string;
  readonly prefixLength: number;
}

export type CidrResult = { readonly ok: true; readonly cidr: Cidr } | { readonly ok: false; readonly message: string };

const BITS = { 4: 32, 6: 128 } as const;

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Expands `::` and a trailing dotted quad (`::ffff:10.0.0.1`) into eight 16-bit groups. */
function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const quad = ipv4ToBigInt(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${(quad >> 16n).toString(16)}:${(quad & 0xffffn).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const zeros = Array.from({ length: 8 - leftGroups.length - rightGroups.length }, () => '0');
  const groups = right === undefined ? leftGroups : [...leftGroups, ...zeros, ...rightGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups compressed. */
function bigIntToIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - index * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

const EXAMPLE = 'a CIDR such as 10.20.0.0/16 or fd00:10::/64';

/**
 * Parses `address/prefix` for IPv4 and IPv6. Host bits below the prefix are an error rather than silently
 * masked: `10.1.2.0/16` is more often a mistyped `/24` than a deliberate `10.1.0.0/16`.
 */
export function parseCidr(text: string): CidrResult {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, message: `expected ${EXAMPLE}; the prefix length (/N) is missing` };
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = isIP(address);
  if ((family !== 4 && family !== 6) || address.includes('%')) {
    return { ok: false, message: `expected ${EXAMPLE}; "${address}" is not an IP address` };
  }
  const bits = BITS[family];
  const prefixLength = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefixLength > bits) {
    return { ok: false, message: `prefix length must be an integer from 0 to ${bits} for IPv${family}, found "/${prefixText}"` };
  }
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostBits = BigInt(bits - prefixLength);
  const networkValue = (value >> hostBits) << hostBits;
  const network = family === 4 ? bigIntToIpv4(networkValue) : bigIntToIpv6(networkValue);
  if (networkValue !== value) {
    return { ok: false, message: `"${text}" has host bits set below the /${prefixLength} prefix; did you mean ${network}/${prefixLength}?` };
  }
  return { ok: true, cidr: { family, network, prefixLength } };
}
