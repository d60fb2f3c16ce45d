import { decodeHubble, encodeHubble } from './hubble-codec.ts';
import type { EncodeHubbleOptions } from './hubble-codec.ts';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';

/** The two envelopes Hubble prints: a GetFlows stream item, or a flow-log exporter line. */
export type FlowJsonEnvelope = 'observer.GetFlowsResponse' | 'observer.ExportEvent';

export interface FormatFlowJsonOptions {
  readonly envelope?: FlowJsonEnvelope;
  /**
   * Escape `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`… Go's json.Encoder does this by default, and both
   * `hubble observe -o json` and the exporter write through one, so it is on unless turned off.
   */
  readonly escapeHtml?: boolean;
}

export interface ParseFlowJsonOptions extends EncodeHubbleOptions {
  readonly envelope?: FlowJsonEnvelope;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * GetFlowsResponse bytes → one line of Hubble's JSON (without the newline), as `hubble observe -o json`
 * prints it and the exporter writes it: protobuf JSON with proto field names (`IP`, `l4`, `Type`,
 * `node_name`, `is_reply`), enum names (numbers the schema does not name stay numbers), 64-bit integers
 * as strings, RFC 3339 timestamps with 0/3/6/9 fractional digits, zero values left out, an empty but
 * present message as `{}`, a oneof as its one member's key, wrappers as bare values, keys in declaration
 * order, compact.
 */
export function formatFlowJson(bytes: Uint8Array, options: FormatFlowJsonOptions = {}): string {
  const text = JSON.stringify(decodeHubble(options.envelope ?? 'observer.GetFlowsResponse', bytes));
  // These characters only occur inside strings in JSON text, so replacing them everywhere is safe.
  return options.escapeHtml === false ? text : text.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

/** One line of Hubble's JSON → GetFlowsResponse (or ExportEvent) bytes. */
export function parseFlowJson(text: string, options: ParseFlowJsonOptions = {}): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HubbleError(HUBBLE_ERROR_CODES.json, `not JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  return encodeHubble(options.envelope ?? 'observer.GetFlowsResponse', value, options);
}
