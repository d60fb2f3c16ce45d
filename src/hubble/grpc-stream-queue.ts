import type { ClientReadableStream, Metadata } from '@grpc/grpc-js';

export interface GrpcStreamQueueOptions {
  /** Messages held before the stream is paused. */
  readonly highWaterMark: number;
  /** The server answered (response headers, or a first message). */
  readonly onAnswer?: () => void;
}

/**
 * A server stream read at the consumer's pace. Messages are queued as gRPC delivers them; at the high-water
 * mark the stream is paused, which stops grpc-js reading the HTTP/2 stream, so HTTP/2 flow control makes
 * the server wait (Hubble then overwrites its ring buffer and reports the loss as lost events, which is the
 * honest outcome). Reading resumes once the queue is down to a quarter. Memory is bounded by the mark.
 *
 * A stream that fails ends after the messages already received: grpc-js ends the readable side before it
 * reports the status, and those messages are real data.
 */
export class GrpcStreamQueue {
  readonly #stream: ClientReadableStream<Buffer>;
  readonly #high: number;
  readonly #low: number;
  readonly #onAnswer: (() => void) | undefined;
  #items: Buffer[] = [];
  #head = 0;
  #paused = false;
  #ended = false;
  #answered = false;
  #error: Error | undefined = undefined;
  #cancelled = false;
  #wake: (() => void) | undefined = undefined;
  #wakeScheduled = false;
  /** Times the stream was paused because the consumer fell behind. */
  pauses = 0;
  /** The most messages ever queued at once. */
  maxQueued = 0;

  constructor(stream: ClientReadableStream<Buffer>, options: GrpcStreamQueueOptions) {
    this.#stream = stream;
    this.#high = Math.max(1, options.highWaterMark);
    this.#low = Math.floor(this.#high / 4);
    this.#onAnswer = options.onAnswer;
    stream.on('metadata', (_metadata: Metadata) => {
      this.#answer();
    });
    stream.on('data', (message: Buffer) => {
      this.#answer();
      this.#items.push(message);
      const queued = this.#items.length - this.#head;
      if (queued > this.maxQueued) this.maxQueued = queued;
      // After a failure the rest must drain whatever the mark: only the status is left to come.
      if (queued >= this.#high && !this.#paused && this.#error === undefined) {
        this.#paused = true;
        this.pauses++;
        stream.pause();
      }
      this.#notifySoon();
    });
    stream.on('error', (error: unknown) => {
      if (this.#cancelled) return; // our own CANCELLED
      this.#error ??= error instanceof Error ? error : new Error(String(error));
      if (this.#paused) {
        this.#paused = false;
        stream.resume();
      }
      this.#notify();
    });
    stream.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    stream.on('close', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  /** Whether the server has answered this stream. */
  get answered(): boolean {
    return this.#answered;
  }

  get queued(): number {
    return this.#items.length - this.#head;
  }

  /**
   * The next message if one is queued, else undefined (then `next` waits). The flow path reads with this
   * first: a message already received then costs no promise, which at hundreds of thousands of messages
   * a second is a measurable share of the work.
   */
  poll(): Buffer | undefined {
    return this.#head < this.#items.length ? this.#take() : undefined;
  }

  /**
   * The next message; undefined when the stream ended cleanly or the signal aborted. Throws the stream's
   * error once the messages before it are consumed.
   */
  async next(signal?: AbortSignal): Promise<Buffer | undefined> {
    for (;;) {
      if (signal?.aborted === true) return undefined;
      if (this.#head < this.#items.length) return this.#take();
      if (this.#error !== undefined && (this.#ended || this.#stream.readableLength === 0)) throw this.#error;
      if (this.#ended) return undefined;
      await this.#sleep(signal);
    }
  }

  /** Counts the server as having answered (it is connected, but has nothing to say yet). */
  markAnswered(): void {
    this.#answer();
  }

  /** Ends the call with this error, reported once the messages already queued are consumed. */
  abort(error: Error): void {
    this.#error ??= error;
    this.cancel();
  }

  /** Ends the call (client-side CANCELLED, which is not reported as the stream's error). */
  cancel(): void {
    this.#cancelled = true;
    this.#ended = true;
    this.#stream.cancel();
    this.#notify();
  }

  #take(): Buffer | undefined {
    const item = this.#items[this.#head];
    this.#items[this.#head++] = EMPTY;
    // Compact now and then rather than shift(): shift is linear in the queue length.
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.#items.length - this.#head <= this.#low) {
      this.#paused = false;
      this.#stream.resume();
    }
    return item;
  }

  #answer(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#onAnswer?.();
  }

  #sleep(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #notify(): void {
    this.#wake?.();
  }

  /**
   * Wakes a waiting consumer once the messages gRPC is delivering now are all queued. grpc-js hands
   * over one message per tick; waking on each would cost the consumer a promise and a turn of the
   * microtask queue per message. After the ticks (setImmediate) it takes the whole batch with poll().
   */
  #notifySoon(): void {
    if (this.#wake === undefined || this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#notify();
    });
  }
}

const EMPTY = Buffer.alloc(0);
