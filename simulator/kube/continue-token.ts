/**
 * The `continue` token of a paged list, in the API server's own format (k8s.io/apiserver storage
 * `EncodeContinue`): base64 of `{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key>"}`, where `rv` is the
 * revision of the snapshot being paged and `start` the key to resume at (the last key served plus a NUL,
 * so the next page starts strictly after it). `rv: -1` asks for an inconsistent continuation at the latest
 * revision: the token the server hands out with a 410 when the snapshot's revision was compacted.
 */
export interface ContinueToken {
  /** The snapshot's revision; -1: the latest, whatever it is. */
  readonly rv: number;
  readonly start: string;
}

const VERSION = 'meta.k8s.io/v1';

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: VERSION, rv: token.rv, start: token.start })).toString('base64url');
}

/** The token, or why it is not one (the server answers 400). */
export function decodeContinue(text: string): ContinueToken | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return 'continue key is not valid: not base64-encoded JSON';
  }
  if (typeof value !== 'object' || value === null) return 'continue key is not valid: not an object';
  const { v, rv, start } = value as Record<string, unknown>;
  if (v !== VERSION) return `continue key is not valid: incorrect encoded start resourceVersion (version ${typeof v === 'string' ? v : 'missing'})`;
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv === 0 || rv < -1) return 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)';
  if (typeof start !== 'string' || start === '') return 'continue key is not valid: encoded start key empty';
  return { rv, start };
}
