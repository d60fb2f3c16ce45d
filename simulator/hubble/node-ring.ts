import type { JsonObject } from '../../src/hubble/hubble-codec.ts';
import type { LostEventSource } from '../../src/hubble/hubble-event.ts';
import type { SimFlow } from '../world/sim-flow.ts';

/** A flow in a node's ring; its JSON form and full encoding are made once, on first send. */
export interface RingFlow {
  readonly kind: 'flow';
  /** Order of arrival across all nodes: what a Relay-like merge follows. */
  readonly seq: number;
  readonly timeNs: bigint;
  readonly flow: SimFlow;
  json: JsonObject | undefined;
  bytes: Buffer | undefined;
}

/** A loss the node's observer recorded in its ring (its events queue overflowed); sent to every reader. */
export interface RingLost {
  readonly kind: 'lost';
  readonly seq: number;
  readonly timeNs: bigint;
  readonly source: LostEventSource;
  readonly count: number;
}

export type RingEntry = RingFlow | RingLost;

/**
 * One node's Hubble ring buffer: the last `capacity` events, older ones overwritten. Entries are numbered
 * by write index; index i lives while i ≥ written − capacity. A reader that falls further behind has
 * lost what was overwritten, which it learns from `oldest` (Hubble's ring reader reports it as a
 * HUBBLE_RING_BUFFER lost event). Hubble wants 2ⁿ−1 slots; the emulator takes any size ≥ 1.
 */
export class NodeRing {
  readonly name: string;
  readonly capacity: number;
  readonly #slots: (RingEntry | undefined)[];
  #written = 0;

  constructor(name: string, capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`ring capacity must be a whole number ≥ 1, got ${capacity}`);
    this.name = name;
    this.capacity = capacity;
    this.#slots = new Array<RingEntry | undefined>(capacity).fill(undefined);
  }

  /** Events ever written: the write index of the next one. */
  get written(): number {
    return this.#written;
  }

  /** Index of the oldest event still held. */
  get oldest(): number {
    return Math.max(0, this.#written - this.capacity);
  }

  /** Events held now. */
  get size(): number {
    return this.#written - this.oldest;
  }

  push(entry: RingEntry): void {
    this.#slots[this.#written % this.capacity] = entry;
    this.#written++;
  }

  /** The event at a write index; undefined when overwritten or not written yet. */
  at(index: number): RingEntry | undefined {
    if (index < this.oldest || index >= this.#written) return undefined;
    return this.#slots[index % this.capacity];
  }

  /** The first index at or after `oldest` whose event is at or after `timeNs` (events are in time order). */
  firstAtOrAfter(timeNs: bigint): number {
    let low = this.oldest;
    let high = this.#written;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.at(middle);
      if (entry !== undefined && entry.timeNs < timeNs) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
