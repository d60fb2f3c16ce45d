/**
 * SD-WAN tunnel colors: the 22 values Catalyst SD-WAN accepts for a TLOC (catalystwan `TLOCColor`).
 * A color names a transport (an MPLS circuit, a business internet link, LTE, ...).
 */
export const PUBLIC_COLORS = [
  'public-internet',
  'biz-internet',
  '3g',
  'lte',
  'blue',
  'green',
  'red',
  'bronze',
  'silver',
  'gold',
  'custom1',
  'custom2',
  'custom3',
] as const;

export const PRIVATE_COLORS = [
  'mpls',
  'metro-ethernet',
  'private1',
  'private2',
  'private3',
  'private4',
  'private5',
  'private6',
] as const;

export const COLORS = [...PUBLIC_COLORS, ...PRIVATE_COLORS, 'default'] as const;

export type Color = (typeof COLORS)[number];

const colorSet: ReadonlySet<string> = new Set(COLORS);
const publicColorSet: ReadonlySet<string> = new Set(PUBLIC_COLORS);

export function isColor(value: string): value is Color {
  return colorSet.has(value);
}

/** Public colors can sit behind NAT and cross the internet; private ones are carrier transports. */
export function isPublicColor(color: Color): boolean {
  return publicColorSet.has(color);
}
