/**
 * Quotes user input for a message that a human reads in a terminal, a Kubernetes Event or a CI log.
 *
 * User input can be anything: a megabyte of text, newlines that would forge extra `file:line:` output lines,
 * ANSI escapes, or bidirectional controls that reorder what the reader sees (the "Trojan Source" trick).
 * So the result is always one line, bounded in length, and shows every invisible character as an escape.
 */

/** Long enough for any legitimate annotation value (the longest, a list of all 22 colors, is ~200). */
export const DEFAULT_QUOTE_LIMIT = 80;

export function quote(value: string, limit: number = DEFAULT_QUOTE_LIMIT): string {
  let out = '"';
  let shown = 0;
  let offset = 0;
  // Walk code points, not UTF-16 units, so truncation never splits a surrogate pair; stop early so a
  // huge value costs no more than a short one.
  for (const char of value) {
    if (shown === limit) break;
    out += escapeChar(char);
    offset += char.length;
    shown += 1;
  }
  out += '"';
  return offset < value.length ? `${out}… (${value.length} characters in all)` : out;
}

/**
 * An annotation or label key for a message: keys shaped like Kubernetes keys (`prefix/name`, at most 253 +
 * 63 characters) print as they are, anything else is quoted.
 */
export function displayKey(key: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/-]{0,316}$/.test(key) ? key : quote(key);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeChar(char: string): string {
  const simple = SIMPLE_ESCAPES[char];
  if (simple !== undefined) return simple;
  const codePoint = char.codePointAt(0) ?? 0;
  return isInvisible(codePoint) ? `\\u{${codePoint.toString(16).toUpperCase()}}` : char;
}

/** Characters that are invisible, control the terminal, or change the display order of text around them. */
export function isInvisible(codePoint: number): boolean {
  return (
    codePoint < 0x20 || // C0 controls, including ESC (ANSI sequences)
    (codePoint >= 0x7f && codePoint < 0xa0) || // DEL and C1 controls
    codePoint === 0xad || // soft hyphen
    codePoint === 0x061c || // Arabic letter mark
    (codePoint >= 0x200b && codePoint <= 0x200f) || // zero-width spaces and joiners, LRM, RLM
    (codePoint >= 0x2028 && codePoint <= 0x202e) || // line/paragraph separators, bidi embeddings/overrides
    (codePoint >= 0x2060 && codePoint <= 0x2069) || // word joiner, invisible operators, bidi isolates
    codePoint === 0xfeff || // byte order mark / zero-width no-break space
    (codePoint >= 0xd800 && codePoint <= 0xdfff) // lone surrogates (a valid pair is iterated as one code point)
  );
}
