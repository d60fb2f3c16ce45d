import { realSleep } from '../controller/system-time.ts';
import type { Sleep } from '../domain/clock.ts';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { HUBBLE_ERROR_CODES, HubbleError, isHubbleError } from './hubble-error.ts';
import type { HubbleEvent } from './hubble-event.ts';
import { hubbleEventFromJson } from './hubble-event-from-json.ts';
import { LineSplitter } from './line-splitter.ts';

/** Waiting is injected like the clock: tests drive the poll loop step by step. A signal cuts it short. */
export type FlowLogSleep = Sleep;

export interface FlowLogReaderOptions {
  /** The exporter's file (`/var/run/cilium/hubble/events.log`) or saved `hubble observe -o json` output. */
  readonly path: string;
  /**
   * Keep reading as the file grows, and across rotation, like `tail -F`: a new inode at the path (the
   * exporter renamed the file and started another) or a file shorter than what was read (truncated in
   * place) → read the new content from its start; no file yet → wait for it. Default false: read to
   * the end once and stop.
   */
  readonly follow?: boolean;
  /**
   * Where to start in the first file: `start` (default), `end` to read only what is written from now, or a
   * byte offset (where an earlier read of the same file ended; past the file's end means from its start).
   */
  readonly from?: 'start' | 'end' | number;
  /** How often to look for new data, rotation and truncation when at the end. Default 250 ms. */
  readonly pollIntervalMs?: number;
  readonly sleep?: FlowLogSleep;
  /** Stops the iteration (it ends quietly) and closes the file. */
  readonly signal?: AbortSignal;
  /** Longer lines are counted as malformed without being held in memory. Default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Bytes read per call. Default 64 KiB. */
  readonly chunkBytes?: number;
  /** Each malformed line, with where it is; the reader goes on. */
  readonly onProblem?: (problem: FlowLogProblem) => void;
}

/** A yielded event with the line it was read from (to print it again exactly as Hubble wrote it). */
export interface FlowLogEntry {
  readonly event: HubbleEvent;
  readonly text: string;
}

export interface FlowLogProblem {
  readonly file: string;
  /** 1-based line number within the current file; it restarts after rotation or truncation. */
  readonly line: number;
  readonly reason: string;
  /** The start of the line, for the log. */
  readonly excerpt: string;
}

/** What the reader has seen, by kind; read it at export time (it is updated in place). */
export interface FlowLogCounters {
  lines: number;
  bytes: number;
  flows: number;
  lostEvents: number;
  nodeStatus: number;
  agentEvents: number;
  debugEvents: number;
  /** Lines whose payload this schema does not know (or with none). */
  unknown: number;
  blank: number;
  malformed: number;
  rotations: number;
  truncations: number;
}

const EXCERPT_CHARS = 120;

/**
 * Hubble flow-log files as a flow source: the exporter's JSON Lines (`observer.ExportEvent`: flow,
 * lost_events, node_status, agent_event, debug_event) and `hubble observe -o json` output
 * (`GetFlowsResponse` lines, or bare flows from the legacy format). Iterating yields flows, lost events
 * and node status — the same HubbleEvent items as the gRPC stream; agent and debug events and unknown
 * payloads are only counted. A malformed line is counted and reported with its file and line number,
 * never fatal; only a file that cannot be opened or read is an error (ISTHMUS_E_HUBBLE_FLOW_LOG).
 *
 * Tailing polls rather than using fs.watch, which misses events on some file systems and containers.
 */
export class FlowLogReader implements AsyncIterable<HubbleEvent> {
  readonly #options: FlowLogReaderOptions;
  readonly #counters: FlowLogCounters = {
    lines: 0,
    bytes: 0,
    flows: 0,
    lostEvents: 0,
    nodeStatus: 0,
    agentEvents: 0,
    debugEvents: 0,
    unknown: 0,
    blank: 0,
    malformed: 0,
    rotations: 0,
    truncations: 0,
  };

  constructor(options: FlowLogReaderOptions) {
    this.#options = options;
  }

  get counters(): Readonly<FlowLogCounters> {
    return this.#counters;
  }

  [Symbol.asyncIterator](): AsyncGenerator<HubbleEvent, void, undefined> {
    return this.events();
  }

  async *events(): AsyncGenerator<HubbleEvent, void, undefined> {
    for await (const entry of this.entries()) yield entry.event;
  }

  /** The same items as `events()`, each with its line. */
  async *entries(): AsyncGenerator<FlowLogEntry, void, undefined> {
    const { signal } = this.#options;
    // A function, not a narrowed property read: the signal can fire while this generator is suspended.
    const aborted = (): boolean => signal?.aborted === true;
    const follow = this.#options.follow ?? false;
    const splitter = new LineSplitter(this.#options.maxLineBytes ?? 1024 * 1024);
    const chunk = Buffer.alloc(this.#options.chunkBytes ?? 64 * 1024);
    let file = await this.#openFirst();
    let position = file === undefined ? 0 : startPosition(this.#options.from, file.size);
    let lineNumber = 0;
    try {
      while (file !== undefined && !aborted()) {
        const read = await this.#read(file.handle, chunk, position);
        if (read > 0) {
          position += read;
          this.#counters.bytes += read;
          for (const line of splitter.push(chunk.subarray(0, read))) {
            const event = this.#line(line, ++lineNumber);
            if (event === undefined || line === undefined) continue;
            if (aborted()) return; // promptly, not at the end of the chunk
            yield { event, text: line };
          }
          continue;
        }
        // At the end of what is there.
        const change = follow ? await this.#change(file, position) : 'ended';
        if (change === 'none') {
          await this.#sleep();
        } else if (change === 'truncated') {
          this.#counters.truncations++;
          splitter.reset();
          position = 0;
          lineNumber = 0;
        } else {
          // The file is done (read to its end, or replaced at the path): its unterminated last line too.
          const last = splitter.flush();
          if (last !== null) {
            const event = this.#line(last, ++lineNumber);
            if (event !== undefined && last !== undefined) yield { event, text: last };
          }
          if (change === 'ended') return;
          const old = file;
          file = undefined;
          await old.handle.close();
          this.#counters.rotations++;
          file = await this.#openWhenPresent();
          position = 0;
          lineNumber = 0;
        }
      }
    } finally {
      await file?.handle.close();
    }
  }

  /** One line → the event to yield, if any; everything else only counts. */
  #line(line: string | undefined, lineNumber: number): HubbleEvent | undefined {
    const counters = this.#counters;
    counters.lines++;
    if (line === undefined) {
      this.#problem(lineNumber, `longer than ${this.#options.maxLineBytes ?? 1024 * 1024} bytes`, '');
      return undefined;
    }
    if (line.trim() === '') {
      counters.blank++;
      return undefined;
    }
    let event: HubbleEvent;
    try {
      event = hubbleEventFromJson(JSON.parse(line));
    } catch (error) {
      const reason = error instanceof SyntaxError ? `not JSON: ${error.message}` : isHubbleError(error) ? error.message : String(error);
      this.#problem(lineNumber, reason, line);
      return undefined;
    }
    switch (event.kind) {
      case 'flow':
        counters.flows++;
        return event;
      case 'lost_events':
        counters.lostEvents++;
        return event;
      case 'node_status':
        counters.nodeStatus++;
        return event;
      case 'agent_event':
        counters.agentEvents++;
        return undefined;
      case 'debug_event':
        counters.debugEvents++;
        return undefined;
      case 'unknown':
        counters.unknown++;
        return undefined;
    }
  }

  #problem(line: number, reason: string, text: string): void {
    this.#counters.malformed++;
    this.#options.onProblem?.({ file: this.#options.path, line, reason, excerpt: text.slice(0, EXCERPT_CHARS) });
  }

  /** What happened to the file at the path since we opened it, seen from the end of what we read. */
  async #change(file: OpenFile, position: number): Promise<'none' | 'rotated' | 'truncated'> {
    const now = await statOrUndefined(this.#options.path);
    // Gone and not back yet: the writer is between rename and create; keep the old file meanwhile.
    if (now === undefined) return 'none';
    if (now.ino !== file.ino || now.dev !== file.dev) {
      // Lines written to the old file after our last read and before the rename are still in it.
      const size = (await file.handle.stat()).size;
      return size > position ? 'none' : 'rotated';
    }
    return now.size < position ? 'truncated' : 'none';
  }

  async #openFirst(): Promise<OpenFile | undefined> {
    if (this.#options.follow === true) return this.#openWhenPresent();
    const file = await this.#open();
    if (file === undefined) throw new HubbleError(HUBBLE_ERROR_CODES.flowLog, `flow log ${this.#options.path} does not exist`);
    return file;
  }

  /** Waits (polling) until the path exists; undefined when aborted first. */
  async #openWhenPresent(): Promise<OpenFile | undefined> {
    while (this.#options.signal?.aborted !== true) {
      const file = await this.#open();
      if (file !== undefined) return file;
      await this.#sleep();
    }
    return undefined;
  }

  async #open(): Promise<OpenFile | undefined> {
    const { path } = this.#options;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new HubbleError(HUBBLE_ERROR_CODES.flowLog, `cannot open flow log ${path} (${errorCode(error) ?? String(error)})`, error);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new HubbleError(HUBBLE_ERROR_CODES.flowLog, `flow log ${path} is not a file`);
      return { handle, ino: stats.ino, dev: stats.dev, size: stats.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async #read(handle: FileHandle, chunk: Buffer, position: number): Promise<number> {
    try {
      return (await handle.read(chunk, 0, chunk.length, position)).bytesRead;
    } catch (error) {
      throw new HubbleError(HUBBLE_ERROR_CODES.flowLog, `cannot read flow log ${this.#options.path} (${errorCode(error) ?? String(error)})`, error);
    }
  }

  async #sleep(): Promise<void> {
    const sleep = this.#options.sleep ?? realSleep;
    await sleep(this.#options.pollIntervalMs ?? 250, this.#options.signal);
  }
}

interface OpenFile {
  readonly handle: FileHandle;
  readonly ino: number;
  readonly dev: number;
  /** Size when opened (for `from: 'end'`). */
  readonly size: number;
}

async function statOrUndefined(path: string): Promise<{ ino: number; dev: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new HubbleError(HUBBLE_ERROR_CODES.flowLog, `cannot stat flow log ${path} (${errorCode(error) ?? String(error)})`, error);
  }
}

function startPosition(from: FlowLogReaderOptions['from'], size: number): number {
  if (from === 'end') return size;
  if (typeof from === 'number') return from >= 0 && from <= size ? from : 0;
  return 0;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
