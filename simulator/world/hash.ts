/**
 * Stateless hashing for the simulator. Every random-looking quantity in the world (noise, flow counts,
 * backend choice) is a hash of its coordinates (seed, entity index, time bucket, salt) rather than the next
 * draw of a generator: a value never depends on which values were computed before it, so any window can
 * be queried in any order with identical results and nothing needs to be stored.
 *
 * The mixing is MurmurHash3's (x86, 32-bit) body and finaliser over up to four 32-bit words: fast, with
 * good avalanche, and only integer operations (Math.imul) on the hot path.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_32 = 4_294_967_296;

function round(h: number, k: number): number {
  let x = Math.imul(k, C1);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, C2);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit unsigned hash of four 32-bit words (each taken modulo 2³²). */
export function hash(seed: number, a: number, b: number, c: number): number {
  let h = seed | 0;
  h = round(h, a | 0);
  h = round(h, b | 0);
  h = round(h, c | 0);
  return finalise(h ^ 12);
}

/**
 * Like `hash`, for a coordinate that may exceed 32 bits or be negative (a time bucket): its high and low
 * words are both mixed in, so bucket n and bucket n + 2³² do not collide.
 */
export function hashBucket(seed: number, id: number, bucket: number, salt: number): number {
  const high = Math.floor(bucket / TWO_32);
  const low = bucket - high * TWO_32;
  let h = seed | 0;
  h = round(h, id | 0);
  h = round(h, low | 0);
  h = round(h, high | 0);
  h = round(h, salt | 0);
  return finalise(h ^ 16);
}

/** A hash in [0, 1). */
export function unit(h: number): number {
  return h / TWO_32;
}

/** The high and low 16 bits of a hash as two independent values in [-1, 1]. */
export function signedHigh(h: number): number {
  return (h >>> 16) / 32_767.5 - 1;
}

export function signedLow(h: number): number {
  return (h & 0xffff) / 32_767.5 - 1;
}

/** FNV-1a of a string, for turning names and string seeds into 32-bit words. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return finalise(h);
}
