/** Time is injected: everything that waits or timestamps takes a Clock, so tests run on fake time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
