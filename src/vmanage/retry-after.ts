/**
 * Milliseconds to wait according to a `Retry-After` header, or undefined when it is absent or
 * unreadable (the caller then uses its own backoff). vManage does not document the header; clients
 * that honour it (go-sdwan, the Datadog agent) read seconds or an HTTP date, treat `"0"` as one second
 * and cap the wait, which is what this does.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number, capMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    // "0" would make a client hammer the server; one second is the least that makes sense.
    return Math.min(Math.max(seconds, 1) * 1000, capMs);
  }
  // HTTP dates name the day or month; this keeps Date.parse's leniency ("1.5", "-1") out.
  const date = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  // A date already past still means "not right now": wait the minimum rather than not at all.
  return Math.min(Math.max(date - nowMs, 1000), capMs);
}
