import { isColor } from '../domain/color.ts';
import type { Color } from '../domain/color.ts';
import { isValidSiteId } from '../domain/site.ts';
import type { SiteId } from '../domain/site.ts';
import { isValidSystemIp } from '../domain/system-ip.ts';
import type { SystemIp } from '../domain/system-ip.ts';

/**
 * Defensive readers for vManage rows. vManage mixes JSON strings and numbers for the same quantity
 * across endpoint families (and across releases), so numbers are read from either form; anything else
 * reads as undefined and the parser decides whether the row survives.
 */
export type Row = Readonly<Record<string, unknown>>;

export function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string. */
export function stringField(row: Row, key: string): string | undefined {
  const value = row[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number, from a JSON number or a numeric JSON string. */
export function numberField(row: Row, key: string): number | undefined {
  const value = row[key];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*$/.test(value)) return undefined;
  // The text form has no range: "1e400" or 400 nines would read as Infinity.
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function systemIpField(row: Row, key: string): SystemIp | undefined {
  const value = stringField(row, key);
  return value !== undefined && isValidSystemIp(value) ? value : undefined;
}

export function colorField(row: Row, key: string): Color | undefined {
  const value = stringField(row, key);
  return value !== undefined && isColor(value) ? value : undefined;
}

/** Site ids come as strings on `/device` and as integers elsewhere. */
export function siteIdField(row: Row, key: string): SiteId | undefined {
  const value = numberField(row, key);
  return value !== undefined && isValidSiteId(value) ? value : undefined;
}
