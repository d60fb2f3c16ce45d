/**
 * Durations in scenario files: one or more `<number><unit>` segments, `250ms`, `30s`, `5m`, `1h30m`, `2d`.
 * A bare number is refused on purpose: in a file that mixes seconds (sample periods) and minutes
 * (incident times) a unit-less `5` would be a guess.
 */
const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

// `ms` and `us` must come before `m` and `s` in the alternation, or `500ms` would read as `500m` + `s`.
const WHOLE = /^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h|d))+$/;
const SEGMENT = /(\d+(?:\.\d+)?)(us|ms|s|m|h|d)/g;

/** Milliseconds, or undefined when the text is not a duration. */
export function parseScenarioDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount = '', unit = ''] of trimmed.matchAll(SEGMENT)) {
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}
