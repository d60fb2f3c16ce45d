const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Keys up to this long are hashed whole. */
const SHORT = 24;
/** Bytes hashed at each end of a longer key. */
const EDGE = 12;
/** From this length a native comparison beats a JavaScript loop despite the cost of the call. */
export const NATIVE_COMPARE = 96;

/**
 * A hash of `buffer[start, end)` for direct-mapped caches keyed by bytes: FNV-1a of the length and of
 * every byte of a short key, or of both ends and the middle of a long one. Only a hint — a hit is always
 * confirmed with sameBytes — so sampling costs at worst a miss, and it spares hashing every byte of long
 * labels (`k8s:io.cilium.k8s.namespace.labels.…`) and endpoints on every flow.
 */
export function hashBytes(buffer: Buffer, start: number, end: number): number {
  const length = end - start;
  let hash = Math.imul(FNV_OFFSET ^ length, FNV_PRIME);
  if (length <= SHORT) {
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buffer[i] ?? 0), FNV_PRIME);
    return hash;
  }
  for (let i = start; i < start + EDGE; i++) hash = Math.imul(hash ^ (buffer[i] ?? 0), FNV_PRIME);
  const middle = start + (length >>> 1) - 2;
  for (let i = middle; i < middle + 4; i++) hash = Math.imul(hash ^ (buffer[i] ?? 0), FNV_PRIME);
  for (let i = end - EDGE; i < end; i++) hash = Math.imul(hash ^ (buffer[i] ?? 0), FNV_PRIME);
  return hash;
}

/** Whether `key` holds exactly the bytes `buffer[start, end)`. */
export function sameBytes(key: Uint8Array, buffer: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (key.length !== length) return false;
  if (length >= NATIVE_COMPARE) return buffer.compare(key, 0, length, start, end) === 0;
  for (let i = 0; i < length; i++) if (key[i] !== buffer[start + i]) return false;
  return true;
}

/** A slot index for `hash` in a table of `mask + 1` slots. */
export function slotOf(hash: number, mask: number): number {
  return (hash ^ (hash >>> 15)) & mask;
}
