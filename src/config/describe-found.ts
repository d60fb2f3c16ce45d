const MAX_ECHO = 60;

/**
 * How an error message shows the value it rejected. Strings are quoted and cut short, and credentials
 * embedded in URLs (`https://user:pass@host`) are masked: error messages end up in CI logs.
 */
export function describeFound(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') {
    const masked = input.replace(/\/\/[^/@\s]*@/g, '//***@');
    const cut = masked.length > MAX_ECHO ? `${masked.slice(0, MAX_ECHO)}…` : masked;
    return JSON.stringify(cut);
  }
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  return typeof input;
}
