/**
 * Stable JSON for golden files: two-space indent, a final newline, and `undefined` written as `null`
 * so that a field going missing shows in the diff.
 */
export function goldenJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, field: unknown) => (field === undefined ? null : field), 2)}\n`;
}
