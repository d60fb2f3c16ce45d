import { parseEnvelope } from './parse-envelope.ts';

/** The rows of a body that is an envelope or a bare array; anything else has none. */
export function rowsOf(body: unknown): readonly unknown[] {
  return parseEnvelope(body).rows;
}
