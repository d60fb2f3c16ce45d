/** IPv4 addresses as unsigned 32-bit numbers: allocation and overlap checks are integer arithmetic. */

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function ipv4ToNumber(text: string): number | undefined {
  const match = DOTTED_QUAD.exec(text);
  if (!match) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octetText = match[i] ?? '';
    // A leading zero (`010`) is octal to some parsers and decimal to others: refuse it.
    if (octetText.length > 1 && octetText.startsWith('0')) return undefined;
    const octet = Number(octetText);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function numberToIpv4(value: number): string {
  return `${Math.floor(value / 16_777_216) % 256}.${Math.floor(value / 65_536) % 256}.${Math.floor(value / 256) % 256}.${value % 256}`;
}

export interface Ipv4Cidr {
  readonly text: string;
  /** First address of the block. */
  readonly first: number;
  readonly prefixLength: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

/** `10.244.1.0/24`; the address must be the network address (no host bits set). */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = ipv4ToNumber(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) return undefined;
  return { text, first: address, prefixLength, size };
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.first < b.first + b.size && b.first < a.first + a.size;
}
