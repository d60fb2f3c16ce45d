const NS_PER_SECOND = 1_000_000_000n;

// Protobuf's JSON form for Timestamp: RFC 3339, 0–9 fractional digits, `Z` or a numeric offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp → epoch nanoseconds, exactly (no float on the way); undefined when the text is
 * not one or names an impossible date. Years 0001–9999, as protobuf's Timestamp allows.
 */
export function parseRfc3339Nanos(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', sign, oh = '0', om = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return undefined;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const seconds = date.getTime() / 1000 - offsetSeconds;
  return BigInt(seconds) * NS_PER_SECOND + BigInt(frac.padEnd(9, '0'));
}

/**
 * Epoch nanoseconds → RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, the way Go's protojson (and
 * so Hubble) writes Timestamps: `2023-08-21T12:12:18.510175415Z`, `1970-01-01T00:20:34.567800Z`.
 */
export function formatRfc3339Nanos(ns: bigint): string {
  let seconds = ns / NS_PER_SECOND;
  let nanos = ns % NS_PER_SECOND;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += NS_PER_SECOND;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString(); // 2023-08-21T12:12:18.000Z
  const base = iso.slice(0, iso.length - 5);
  if (nanos === 0n) return `${base}Z`;
  let digits = nanos.toString().padStart(9, '0');
  while (digits.endsWith('000')) digits = digits.slice(0, -3);
  return `${base}.${digits}Z`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
