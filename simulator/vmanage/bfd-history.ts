import type { World } from '../world/world.ts';

/**
 * Per tunnel: how many times its BFD session changed state, and when it last did, counted from the
 * world's `tunnel-state` events. Kept as a running tally that each read extends to the time asked
 * about, so a read costs the events since the previous one rather than the whole run so far; two
 * typed arrays, whatever the fabric's size.
 */
export class BfdHistory {
  readonly #world: World;
  readonly #transitions: Int32Array;
  /** Epoch ms of the last change; NaN while the session has not changed since it was established. */
  readonly #changedAt: Float64Array;
  #cursor: number;

  /** Counts changes after `sinceMs` (the world's start: nothing happens to tunnels before it). */
  constructor(world: World, sinceMs: number = world.startMs) {
    this.#world = world;
    const n = world.fabric.tunnels.length;
    this.#transitions = new Int32Array(n);
    this.#changedAt = new Float64Array(n).fill(Number.NaN);
    this.#cursor = sinceMs;
  }

  /** Takes in every change up to `timeMs`. Time never runs backwards here: an earlier time does nothing. */
  advanceTo(timeMs: number): void {
    if (!(timeMs > this.#cursor)) return;
    for (const event of this.#world.eventsBetween(this.#cursor, timeMs)) {
      if (event.type !== 'tunnel-state') continue;
      for (const tunnel of event.tunnels) {
        this.#transitions[tunnel.index] = (this.#transitions[tunnel.index] ?? 0) + 1;
        this.#changedAt[tunnel.index] = event.timeMs;
      }
    }
    this.#cursor = timeMs;
  }

  transitions(tunnel: number): number {
    return this.#transitions[tunnel] ?? 0;
  }

  /** When the session last changed state, or undefined if it never has. */
  lastChange(tunnel: number): number | undefined {
    const at = this.#changedAt[tunnel] ?? Number.NaN;
    return Number.isNaN(at) ? undefined : at;
  }
}
