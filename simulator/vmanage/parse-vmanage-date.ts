/**
 * Reads the bulk APIs' `startDate`/`endDate` (`YYYY-MM-DDTHH:MM:SS`, UTC) and the statistics query
 * language's `between` values (`2020-07-11T00:00:00 UTC`) as epoch ms; undefined when malformed.
 */
export function parseVmanageDate(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?: UTC)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Date.parse(`${match[1] ?? ''}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
