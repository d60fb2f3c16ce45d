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
 */
export class StringInterner {
  readonly #mask: number;
  readonly #keys: (Uint8Array | undefined)[];
  readonly #values: string[];
  /** The hash of the last string returned by intern(), for callers that combine hashes (label lists). */
  lastHash = 0;

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity = 4096) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.#mask = size - 1;
    this.#keys = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.#values = new Array<string>(size).fill('');
  }

  /** The string for the UTF-8 bytes `buffer[start, end)`; invalid UTF-8 is a HubbleError, as in protobuf. */
  intern(buffer: Buffer, start: number, end: number): string {
    const hash = hashBytes(buffer, start, end);
    this.lastHash = hash;
    const slot = slotOf(hash, this.#mask);
    const key = this.#keys[slot];
    if (key !== undefined && sameBytes(key, buffer, start, end)) return this.#values[slot] ?? '';
    const value = decodeUtf8(buffer, start, end);
    this.#keys[slot] = new Uint8Array(buffer.subarray(start, end)); // a copy: the buffer is reused
    this.#values[slot] = value;
    return value;
  }
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
