import { parseVmanageDate } from './parse-vmanage-date.ts';

/**
 * The subset of vManage's statistics query language the emulator understands on the bulk statistics
 * POST form: an AND of rules with operators `between` and `last_n_hours` on `entry_time`, `in` on any
 * string field, `less`/`greater` on numbers. Unknown operators are ignored (the row passes), which is
 * lenient where vManage would probably reject; the bridge does not send them.
 */
export interface StatisticsQuery {
  /** Time range in epoch ms, from `entry_time` rules (defaults: the last hour). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly matches: (row: Readonly<Record<string, unknown>>) => boolean;
}

interface Rule {
  readonly field: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export function parseStatisticsQuery(body: unknown, nowMs: number): StatisticsQuery | undefined {
  const query = isObject(body) ? body.query : undefined;
  if (!isObject(query)) return undefined;
  const rawRules = Array.isArray(query.rules) ? (query.rules as unknown[]) : [];
  const rules: Rule[] = [];
  for (const raw of rawRules) {
    if (!isObject(raw) || typeof raw.field !== 'string' || typeof raw.operator !== 'string') return undefined;
    const values = Array.isArray(raw.value) ? raw.value.map(String) : [];
    rules.push({ field: raw.field, operator: raw.operator, values });
  }
  let fromMs = nowMs - 3_600_000;
  let toMs = nowMs;
  const filters: Rule[] = [];
  for (const rule of rules) {
    if (rule.field === 'entry_time' && rule.operator === 'between') {
      const from = parseVmanageDate(rule.values[0] ?? '');
      const to = parseVmanageDate(rule.values[1] ?? '');
      if (from === undefined || to === undefined) return undefined;
      fromMs = from;
      toMs = to;
    } else if (rule.field === 'entry_time' && rule.operator === 'last_n_hours') {
      const hours = Number(rule.values[0]);
      if (!Number.isFinite(hours) || hours <= 0) return undefined;
      fromMs = nowMs - hours * 3_600_000;
      toMs = nowMs;
    } else {
      filters.push(rule);
    }
  }
  return { fromMs, toMs, matches: (row) => filters.every((rule) => ruleMatches(rule, row)) };
}

function ruleMatches(rule: Rule, row: Readonly<Record<string, unknown>>): boolean {
  const value = row[rule.field];
  const first = Number(rule.values[0]);
  if (rule.operator === 'in') return rule.values.includes(String(value));
  if (rule.operator === 'less') return typeof value === 'number' && value < first;
  if (rule.operator === 'greater') return typeof value === 'number' && value > first;
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
