import { isUtf8 } from 'node:buffer';
import { hashBytes, sameBytes, slotOf } from './byte-key.ts';
import { HUBBLE_ERROR_CODES, HubbleError } from './hubble-error.ts';

/**
 * Turns UTF-8 byte ranges into strings, returning the same string object for bytes it has seen recently.
 * Namespaces, pod names, labels, node names and IPs repeat on every flow; a hit costs a hash and a byte
 * comparison and allocates nothing, so the hot path does not make a new string per field per flow.
 *
 * Direct-mapped: a slot holds the last string whose hash fell there, so memory is bounded by the
 * capacity and a collision only costs a miss. Not for unique values (UUIDs): they would only evict.
 * An ASCII string (nearly all of Hubble's) is its own key: its character codes are its bytes, so the
 * slot keeps no copy of them, and a miss — frequent with tens of thousands of pods — allocates only
 * the new string. Other strings keep a copy of their UTF-8 bytes to compare against.
 */
export class StringInterner {
  readonly #mask: number;
  readonly #values: (string | undefined)[];
  /** The UTF-8 bytes of a value that is not all ASCII; undefined for ASCII values. */
  readonly #utf8Keys: (Uint8Array | undefined)[];
  /** Each value's full hash: a miss on an occupied slot is then told apart without comparing bytes. */
  readonly #hashes: Int32Array;
  /** The hash of the last string returned by intern(), for callers that combine hashes (label lists). */
  lastHash = 0;

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity = 4096) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.#mask = size - 1;
    this.#values = new Array<string | undefined>(size).fill(undefined);
    this.#utf8Keys = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.#hashes = new Int32Array(size);
  }

  /** The string for the UTF-8 bytes `buffer[start, end)`; invalid UTF-8 is a HubbleError, as in protobuf. */
  intern(buffer: Buffer, start: number, end: number): string {
    const hash = hashBytes(buffer, start, end);
    this.lastHash = hash;
    const slot = slotOf(hash, this.#mask);
    const cached = this.#values[slot];
    if (cached !== undefined && this.#hashes[slot] === hash) {
      const utf8 = this.#utf8Keys[slot];
      if (utf8 === undefined ? sameAscii(cached, buffer, start, end) : sameBytes(utf8, buffer, start, end)) return cached;
    }
    const value = decodeUtf8(buffer, start, end);
    this.#values[slot] = value;
    this.#hashes[slot] = hash;
    // Fewer UTF-16 units than bytes exactly when some character took more than one byte.
    this.#utf8Keys[slot] = value.length === end - start ? undefined : new Uint8Array(buffer.subarray(start, end)); // a copy: the buffer is reused
    return value;
  }
}

/** Whether the ASCII string `value` is exactly the bytes `buffer[start, end)` (a byte ≥ 0x80 never matches). */
function sameAscii(value: string, buffer: Buffer, start: number, end: number): boolean {
  if (value.length !== end - start) return false;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) !== buffer[start + i]) return false;
  return true;
}

/**
 * UTF-8 bytes → string, rejecting invalid UTF-8 like protobuf's proto3 string check. Hubble's strings
 * are almost all ASCII; latin1 decoding of ASCII is the cheapest path Node offers.
 */
export function decodeUtf8(buffer: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if ((buffer[i] ?? 0) >= 0x80) {
      if (!isUtf8(buffer.subarray(start, end))) {
        throw new HubbleError(HUBBLE_ERROR_CODES.decode, `invalid UTF-8 in a string field at offset ${start}`);
      }
      return buffer.toString('utf8', start, end);
    }
  }
  return buffer.toString('latin1', start, end);
}
