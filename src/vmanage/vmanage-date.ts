/**
 * The `startDate`/`endDate` form of the bulk APIs, `YYYY-MM-DDTHH:MM:SS` (sent with `timeZone=UTC`),
 * from epoch milliseconds. Sub-second precision is dropped, as the format has none.
 */
export function formatVmanageDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}
