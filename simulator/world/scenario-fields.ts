import { z } from 'zod';
import { parseDuration, parsePercentage, parseWindow } from '../../src/domain/quantity.ts';
import type { QuantityResult } from '../../src/domain/quantity.ts';
import { isValidSystemIp } from '../../src/domain/system-ip.ts';
import { describeValue } from './describe-value.ts';
import { ipv4ToNumber, parseIpv4Cidr } from './ipv4.ts';
import { parseScenarioDuration } from './scenario-duration.ts';

/**
 * Field types of the scenario schema that zod has no words for. Each takes `unknown` and reports its own
 * message, so a missing, mistyped or malformed value all read "expected <what>, got <found>".
 */

function field<T>(expected: string, convert: (value: unknown) => T | undefined) {
  return z.unknown().transform((value, ctx): T => {
    const converted = value === undefined ? undefined : convert(value);
    if (converted === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describeValue(value)}`, input: value });
      return z.NEVER;
    }
    return converted;
  });
}

/** `250ms`, `30s`, `5m`, `1h30m`, `2d` → milliseconds (≥ 0). */
export const durationField = field('a duration such as "30s", "5m" or "1h30m"', (value) =>
  typeof value === 'string' ? parseScenarioDuration(value) : undefined,
);

/** A duration that must be greater than zero. */
export const positiveDurationField = field('a duration greater than zero, such as "30s", "5m" or "1h30m"', (value) => {
  const ms = typeof value === 'string' ? parseScenarioDuration(value) : undefined;
  return ms !== undefined && ms > 0 ? ms : undefined;
});

/** A ratio 0..1, written as a number (`0.01`) or a percentage (`1%`). */
export const ratioField = field('a ratio between 0 and 1 or a percentage such as "1%"', (value) => {
  if (typeof value === 'number') return value >= 0 && value <= 1 ? value : undefined;
  if (typeof value !== 'string' || !value.endsWith('%')) return undefined;
  const percent = Number(value.slice(0, -1));
  return value.length > 1 && Number.isFinite(percent) && percent >= 0 && percent <= 100 ? percent / 100 : undefined;
});

/** A number, or a `[min, max]` pair to draw from (generator blocks). */
export function rangeField(min: number, max: number, integer: boolean) {
  const kind = integer ? 'an integer' : 'a number';
  const ok = (n: unknown): n is number =>
    typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n));
  return field(`${kind} between ${min} and ${max}, or a [min, max] pair of them`, (value): readonly [number, number] | undefined => {
    if (ok(value)) return [value, value];
    if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1]) && value[0] <= value[1]) return [value[0], value[1]];
    return undefined;
  });
}

export const systemIpField = field('a system IP (dotted IPv4 outside 0/8, 127/8 and 224/3), such as "10.0.0.1"', (value) =>
  typeof value === 'string' && isValidSystemIp(value) ? value : undefined,
);

export const ipv4Field = field('an IPv4 address such as "10.96.0.10"', (value) =>
  typeof value === 'string' && ipv4ToNumber(value) !== undefined ? value : undefined,
);

export const cidrField = field('an IPv4 network such as "10.244.1.0/24" (no host bits set)', (value) =>
  typeof value === 'string' && parseIpv4Cidr(value) !== undefined ? value : undefined,
);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespace, Service and workload names: RFC 1123 labels, as Kubernetes requires. */
export const nameField = field('a Kubernetes name (lower-case letters, digits and "-", at most 63 characters)', (value) =>
  typeof value === 'string' && DNS_LABEL.test(value) ? value : undefined,
);

/** Node names: RFC 1123 subdomains (dots allowed). */
export const nodeNameField = field('a node name (lower-case letters, digits, "-" and ".")', (value) =>
  typeof value === 'string' && DNS_SUBDOMAIN.test(value) ? value : undefined,
);

export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

/** `namespace/name`, or `name` in the `default` namespace. */
export const refField = field('a reference "namespace/name" or "name"', (value): ObjectRef | undefined => {
  if (typeof value !== 'string') return undefined;
  const parts = value.split('/');
  if (parts.length === 1 && DNS_LABEL.test(value)) return { namespace: 'default', name: value };
  const [namespace = '', name = ''] = parts;
  return parts.length === 2 && DNS_LABEL.test(namespace) && DNS_LABEL.test(name) ? { namespace, name } : undefined;
});

/** ISO-8601 date-time with a zone (`2025-01-01T00:00:00Z`) → epoch milliseconds. */
export const instantField = field('an ISO-8601 date-time with a time zone, such as "2025-01-01T00:00:00Z"', (value) => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
});

/** A seed: an integer, or a string hashed to one. */
export const seedField = field('an integer or a string', (value) =>
  (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'string' ? value : undefined,
);

/**
 * SLO quantities are kept as the text the user wrote, since they become annotations; they are checked
 * with the parser the bridge reads annotations with, so a scenario cannot ship an SLO the bridge refuses.
 */
function sloQuantityField(expected: string, parse: (text: string) => QuantityResult) {
  return z.unknown().transform((value, ctx): string => {
    let why = '';
    if (typeof value === 'string') {
      const parsed = parse(value);
      if (parsed.ok) return value;
      why = ` (${parsed.reason})`;
    }
    ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describeValue(value)}${why}`, input: value });
    return z.NEVER;
  });
}

export const sloDurationField = sloQuantityField('a duration such as "50ms"', parseDuration);
export const sloPercentField = sloQuantityField('a percentage such as "1%"', parsePercentage);
export const sloWindowField = sloQuantityField('a window such as "30d"', parseWindow);
