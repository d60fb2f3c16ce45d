import type { Clock } from '../../src/domain/clock.ts';
import type { Sleep } from '../../src/domain/clock.ts';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2024, 1, 27, 16, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** A sleep that returns at once, moving the fake clock instead, and records every wait. */
export function fakeSleep(clock: FakeClock): { readonly sleep: Sleep; readonly delays: number[] } {
  const delays: number[] = [];
  const sleep: Sleep = (ms) => {
    delays.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
  return { sleep, delays };
}
