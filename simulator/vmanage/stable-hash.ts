import { createHash } from 'node:crypto';

/** Deterministic ids for rendered rows (same input, same id), so repeated reads are consistent. */
export function stableHash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
