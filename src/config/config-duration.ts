/**
 * Durations in configuration files: one or more `<number><unit>` segments such as `500ms`, `30s`, `5m`,
 * `1h30m` or `7d`. Kept apart from any domain duration parser on purpose: the configuration format is a
 * user-facing contract and must not change when a domain helper does.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

// `ms` must come before `m` in the alternation, or `500ms` would read as `500m` followed by garbage.
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const SEGMENT = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds for a duration string, or undefined when the text is not one (a bare number has no unit). */
export function parseConfigDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(SEGMENT)) {
    const [, amount, unit] = match;
    if (amount === undefined || unit === undefined) return undefined;
    total += Number(amount) * UNIT_MS[unit as DurationUnit];
  }
  return Math.round(total);
}

const FORMAT_ORDER: readonly DurationUnit[] = ['d', 'h', 'm', 's', 'ms'];

/** The shortest canonical form (`90000` → `1m30s`), so that printing a configuration round-trips. */
export function formatConfigDuration(milliseconds: number): string {
  if (milliseconds <= 0) return '0s';
  let rest = Math.round(milliseconds);
  let text = '';
  for (const unit of FORMAT_ORDER) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
