import type { Clock } from '../domain/clock.ts';

/** The real clock, for the composition root; everything else receives a Clock. */
export const systemClock: Clock = { now: () => Date.now() };
