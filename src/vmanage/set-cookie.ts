/** What a response said about the session cookie. */
export interface SessionCookie {
  readonly value: string;
  /** True when the server expires the cookie (`Expires` in the past or `Max-Age=0`): the session is over. */
  readonly expired: boolean;
}

/** The `JSESSIONID` among `Set-Cookie` headers, or undefined when none sets it. */
export function findSessionCookie(
  headers: string | readonly string[] | undefined,
  nowMs: number,
  name = 'JSESSIONID',
): SessionCookie | undefined {
  if (headers === undefined) return undefined;
  const list = typeof headers === 'string' ? [headers] : headers;
  let found: SessionCookie | undefined;
  for (const header of list) {
    const parsed = parseSetCookie(header, nowMs);
    if (parsed?.name === name) found = { value: parsed.value, expired: parsed.expired };
  }
  return found;
}

interface ParsedSetCookie {
  readonly name: string;
  readonly value: string;
  readonly expired: boolean;
}

function parseSetCookie(header: string, nowMs: number): ParsedSetCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  let expired = false;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const attributeValue = rest.join('=').trim();
    if (key === 'max-age' && /^-?\d+$/.test(attributeValue) && Number(attributeValue) <= 0) expired = true;
    if (key === 'expires') {
      const at = Date.parse(attributeValue);
      if (!Number.isNaN(at) && at <= nowMs) expired = true;
    }
  }
  return { name, value, expired };
}
