import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { SoakWorkload } from './soak-run.ts';

export interface FakeComponentOptions {
  /** Retained heap the component holds steadily, about the size of the bridge's, so ratios compare. */
  readonly ballastBytes: number;
  /** Bytes added to a retained array every second (a leak). */
  readonly leakBytesPerSecond?: number;
  /** Loopback connections opened every second and never closed (a socket leak). */
  readonly leakSocketsPerSecond?: number;
  /** A second server started and not closed at stop (a handle left behind). */
  readonly forgetServer?: boolean;
  /** From `afterMs` on, every tick blocks the loop for `blockMs` (work per tick that has grown). */
  readonly slowdown?: { readonly afterMs: number; readonly blockMs: number };
}

/** What a deliberately leaked record looks like in a heap snapshot: its own constructor name. */
export class LeakedRecord {
  readonly payload: number[];
  readonly at: number;

  constructor(size: number) {
    this.payload = Array.from({ length: size }, (_, i) => i);
    this.at = Date.now();
  }
}


/** Elements per record: 1024 small integers are about 8 KiB in a packed array. */
const RECORD_ELEMENTS = 1024;
const RECORD_BYTES = 8 * RECORD_ELEMENTS;
const TICK_MS = 100;
const BALLAST_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * A stand-in for the bridge with the faults a soak must catch, each opt-in: a growing array, sockets
 * never closed, a server never closed, a loop that becomes slow. With none of them it
 * holds steady ballast and makes short-lived garbage, as a healthy component does.
 */
export interface FakeComponentCounts {
  readonly leaked: number;
  readonly sockets: number;
  /** What the garbage it made added up to (so that making it is not optimised away). */
  readonly checksum: number;
  /** Closes the forgotten server, once the test has seen it left behind. */
  readonly closeForgotten: () => Promise<void>;
}

export function fakeComponent(options: FakeComponentOptions): SoakWorkload<FakeComponentCounts> {
  return {
    name: 'fake component',
    start: async () => {
      // A few large arrays: heap to carry and to collect, but few objects for a heap snapshot to walk.
      const ballast = Array.from({ length: Math.ceil(options.ballastBytes / BALLAST_CHUNK_BYTES) }, () => Array.from({ length: BALLAST_CHUNK_BYTES / 8 }, (_, i) => i));
      const leaked: LeakedRecord[] = [];
      const sockets: Socket[] = [];
      const server: Server = createServer((socket) => {
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const startedAt = Date.now();
      let ticks = 0;
      let opened = 0;
      let checksum = 0;
      const tick = setInterval(() => {
        ticks++;
        const seconds = (Date.now() - startedAt) / 1000;
        // Garbage every component makes: allocated, used, dropped.
        checksum = Array.from({ length: RECORD_ELEMENTS }, (_, i) => i * ticks).reduce((sum, value) => sum + value, checksum) % 1_000_003;
        // Leaks keep pace with the clock, not with the ticks (which a blocked loop makes rarer).
        while (leaked.length * RECORD_BYTES < (options.leakBytesPerSecond ?? 0) * seconds) leaked.push(new LeakedRecord(RECORD_ELEMENTS));
        while (opened < (options.leakSocketsPerSecond ?? 0) * seconds) {
          opened++;
          sockets.push(connect(port, '127.0.0.1'));
        }
        if (options.slowdown !== undefined && seconds * 1000 >= options.slowdown.afterMs) {
          const until = Date.now() + options.slowdown.blockMs;
          while (Date.now() < until) {
            // Busy: the loop is blocked, as a component doing ever more synchronous work per tick would.
          }
        }
      }, TICK_MS);
      const forgotten = options.forgetServer === true ? createServer() : undefined;
      if (forgotten !== undefined) await new Promise<void>((resolve) => forgotten.listen(0, '127.0.0.1', resolve));
      return {
        counts: () => ({
          leaked: leaked.length,
          checksum,
          sockets: sockets.length,
          closeForgotten: () =>
            new Promise<void>((resolve) => {
              if (forgotten?.listening === true) forgotten.close(() => {
                resolve();
              });
              else resolve();
            }),
        }),
        stop: async () => {
          clearInterval(tick);
          for (const socket of sockets) socket.destroy();
          await new Promise<void>((resolve) => server.close(() => {
            resolve();
          }));
          ballast.length = 0;
          leaked.length = 0;
        },
      };
    },
  };
}
