import type { NodeRing, RingEntry } from './node-ring.ts';

export type RingRead =
  | { readonly kind: 'entry'; readonly ring: NodeRing; readonly entry: RingEntry }
  /** The reader's next events on this ring were overwritten before it got to them. */
  | { readonly kind: 'overwritten'; readonly ring: NodeRing; readonly count: number };

/**
 * Reads several nodes' rings as one stream in arrival order, as Relay merges the nodes' streams: one
 * position per ring, and at each step the ring whose next event arrived first. A position that has
 * fallen behind its ring's oldest event is reported once, with how many were lost, and moved up.
 */
export class RingReader {
  readonly #rings: readonly NodeRing[];
  readonly #positions: number[];

  constructor(rings: readonly NodeRing[], positions: readonly number[]) {
    this.#rings = rings;
    this.#positions = [...positions];
  }

  /** Positions at the rings' ends: only what is written from now on. */
  static atEnd(rings: readonly NodeRing[]): RingReader {
    return new RingReader(rings, rings.map((ring) => ring.written));
  }

  static atOldest(rings: readonly NodeRing[]): RingReader {
    return new RingReader(rings, rings.map((ring) => ring.oldest));
  }

  /** From the first event at or after `timeNs` on each ring (or the oldest held, if that is later). */
  static since(rings: readonly NodeRing[], timeNs: bigint): RingReader {
    return new RingReader(rings, rings.map((ring) => ring.firstAtOrAfter(timeNs)));
  }

  /**
   * Positioned so that reading forward yields the newest `count` events that `accept` takes (fewer if the
   * rings hold fewer), walking back in arrival order across rings.
   */
  static last(rings: readonly NodeRing[], count: number, accept: (entry: RingEntry) => boolean): RingReader {
    const positions = rings.map((ring) => ring.written);
    let found = 0;
    while (found < count) {
      let best = -1;
      let bestSeq = -1;
      for (let r = 0; r < rings.length; r++) {
        const entry = rings[r]?.at((positions[r] ?? 0) - 1);
        if (entry !== undefined && entry.seq > bestSeq) {
          best = r;
          bestSeq = entry.seq;
        }
      }
      if (best < 0) break;
      const position = (positions[best] ?? 0) - 1;
      positions[best] = position;
      const entry = rings[best]?.at(position);
      if (entry !== undefined && accept(entry)) found++;
    }
    return new RingReader(rings, positions);
  }

  /** The next event or loss; undefined when caught up. Rings in `skip` are passed over (kept in place). */
  next(skip?: ReadonlySet<string>): RingRead | undefined {
    let best = -1;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (let r = 0; r < this.#rings.length; r++) {
      const ring = this.#rings[r];
      if (ring === undefined || skip?.has(ring.name) === true) continue;
      const position = this.#positions[r] ?? 0;
      if (position >= ring.written) continue;
      if (position < ring.oldest) {
        this.#positions[r] = ring.oldest;
        return { kind: 'overwritten', ring, count: ring.oldest - position };
      }
      const entry = ring.at(position);
      if (entry !== undefined && entry.seq < bestSeq) {
        best = r;
        bestSeq = entry.seq;
      }
    }
    const ring = this.#rings[best];
    if (ring === undefined) return undefined;
    const position = this.#positions[best] ?? 0;
    const entry = ring.at(position);
    this.#positions[best] = position + 1;
    return entry === undefined ? undefined : { kind: 'entry', ring, entry };
  }

  /** Skips a ring to its end (a node that comes back: Relay does not replay what it missed). */
  skipToEnd(name: string): void {
    const index = this.#rings.findIndex((ring) => ring.name === name);
    const ring = this.#rings[index];
    if (ring !== undefined) this.#positions[index] = ring.written;
  }
}
