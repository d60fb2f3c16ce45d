/** More flows than this at one nanosecond are not remembered (they never occur in practice). */
const MAX_SEAM_KEYS = 4096;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_21 = 0x200000;

/**
 * Drops the flows a resumed GetFlows stream delivers twice. The client resumes with `since` set to the
 * newest flow time it has seen (the seam), and Hubble's `since` is inclusive, so flows at exactly that
 * time come again. The deduper remembers the keys of the flows at the seam — the `uuid`, or for flows
 * without one (older Hubble, some exporters) a hash of the message bytes — and drops a flow at the
 * seam time whose key it has seen. Flows older than the seam pass: they arrived out of order, not twice.
 *
 * Per flow it costs a bigint comparison and, at a new seam, an array reset; the array is reused.
 */
export class SeamDeduper {
  #seamNs: bigint | undefined = undefined;
  readonly #keys: (string | number)[] = [];

  /** The newest flow time seen (epoch ns): where a resumed stream starts. */
  get seamNs(): bigint | undefined {
    return this.#seamNs;
  }

  /** False when the flow is a duplicate of one already seen at the seam (drop it); true otherwise. */
  accept(timeNs: bigint, uuid: string, bytes: Uint8Array): boolean {
    const seam = this.#seamNs;
    if (seam !== undefined && timeNs < seam) return true;
    const key = uuid !== '' ? uuid : contentKey(bytes);
    if (seam === undefined || timeNs > seam) {
      this.#seamNs = timeNs;
      this.#keys.length = 0;
      this.#keys.push(key);
      return true;
    }
    if (this.#keys.includes(key)) return false;
    if (this.#keys.length < MAX_SEAM_KEYS) this.#keys.push(key);
    return true;
  }
}

/**
 * A 53-bit hash of the whole message (FNV-1a twice, from two offsets): identity for flows without a uuid.
 * Every byte counts, unlike the sampled cache hash, since a collision here would drop a real flow.
 */
export function contentKey(bytes: Uint8Array): number {
  let a = FNV_OFFSET;
  let b = FNV_OFFSET ^ 0x5bd1e995;
  for (const byte of bytes) {
    a = Math.imul(a ^ byte, FNV_PRIME);
    b = Math.imul(b ^ byte, 0x01000197);
  }
  return (a >>> 0) * TWO_21 + ((b >>> 0) % TWO_21);
}
