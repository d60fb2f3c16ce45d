/**
 * A fixed-capacity FIFO over a ring buffer. Adding is O(1) and never fails: when full, the oldest item
 * is dropped and counted, because for telemetry the newest data is worth most and memory must stay
 * bounded while the destination is down.
 */
export class BoundedQueue<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, not ${capacity}`);
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  get capacity(): number {
    return this.#items.length;
  }

  /** Items dropped to make room, since the queue was made. */
  get dropped(): number {
    return this.#dropped;
  }

  push(item: T): void {
    const capacity = this.#items.length;
    if (this.#size === capacity) {
      this.#items[this.#head] = item;
      this.#head = (this.#head + 1) % capacity;
      this.#dropped += 1;
      return;
    }
    this.#items[(this.#head + this.#size) % capacity] = item;
    this.#size += 1;
  }

  /** Removes and returns up to `count` of the oldest items, oldest first. */
  take(count: number): T[] {
    const capacity = this.#items.length;
    const taken: T[] = [];
    while (taken.length < count && this.#size > 0) {
      taken.push(this.#items[this.#head] as T);
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % capacity;
      this.#size -= 1;
    }
    return taken;
  }

  /**
   * Puts items taken earlier back in front (a write that failed), as far as there is room. They are older
   * than anything queued since, so when room runs short the oldest of them are the ones dropped.
   */
  restore(items: readonly T[]): void {
    const capacity = this.#items.length;
    for (let index = items.length - 1; index >= 0; index -= 1) {
      if (this.#size === capacity) {
        this.#dropped += index + 1;
        return;
      }
      this.#head = (this.#head - 1 + capacity) % capacity;
      this.#items[this.#head] = items[index];
      this.#size += 1;
    }
  }
}
