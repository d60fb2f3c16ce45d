import { Metadata, status } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { compileFlowFilters, unmatchedFilterFields } from '../../src/hubble/flow-filter-match.ts';
import type { FlowPredicate } from '../../src/hubble/flow-filter-match.ts';
import { decodeGetFlowsRequest } from '../../src/hubble/get-flows-request.ts';
import type { GetFlowsRequest } from '../../src/hubble/get-flows-request.ts';
import { encodeHubble } from '../../src/hubble/hubble-codec.ts';
import type { JsonObject } from '../../src/hubble/hubble-codec.ts';
import { isHubbleError } from '../../src/hubble/hubble-error.ts';
import { formatRfc3339Nanos } from '../../src/hubble/rfc3339.ts';
import { FlowFieldMask } from './flow-field-mask.ts';
import type { HubbleObserver } from './hubble-observer.ts';
import type { RingFlow } from './node-ring.ts';
import { RingReader } from './ring-reader.ts';

/** What a stream needs from the emulator beyond the observer. */
export interface GetFlowsStreamHost {
  readonly observer: HubbleObserver;
  /** Simulated time until which streams send nothing (the stall fault). */
  stalledUntilMs(): number;
  /** Whether the next flow goes out after a frame that does not decode (consumes one such fault). */
  takeMalformedFrame(): boolean;
  /** Whether this flow goes out as a message past the receive limit (the oversized-flow fault). */
  takeOversized(uuid: string): boolean;
}

export type GetFlowsCall = ServerWritableStream<Buffer, Buffer>;

type Prepared = { readonly ok: true; readonly stream: GetFlowsStream } | { readonly ok: false; readonly code: status; readonly details: string };

const NS_PER_MS = 1_000_000n;
/**
 * A GetFlowsResponse cut short: field 1 (`flow`) announces 80 bytes and one follows. A well-framed gRPC
 * message whose protobuf does not decode, as a buggy or mismatched Relay might send.
 */
const MALFORMED_FRAME = Buffer.from([0x0a, 0x50, 0x01]);
/** Unknown field 1000 (length-delimited) padding a message past grpc-js' default 4 MiB receive limit. */
const OVERSIZE_PADDING = (() => {
  const length = 4 * 1024 * 1024 + 1024;
  const header = [0xc2, 0x3e]; // tag: field 1000, wire type 2
  for (let rest = length; ; rest >>>= 7) {
    if (rest < 0x80) {
      header.push(rest);
      break;
    }
    header.push((rest & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(header), Buffer.alloc(length, 0x70)]);
})();

function oversized(message: Buffer): Buffer {
  return Buffer.concat([message, OVERSIZE_PADDING]);
}

/**
 * One GetFlows call, served as Hubble Relay serves it from the nodes' rings:
 * - start: `first` → the oldest held; `since` → the first at or after it; `follow` alone → only new
 *   flows; otherwise the newest `number` matching flows (none when `number` is 0);
 * - then forward in arrival order across nodes, allow/deny filters applied to flows (not to lost events),
 *   the field mask applied to each flow, until `number` flows were sent, a flow passes `until`, or —
 *   without `follow` — the reader catches up;
 * - at the start, node status items for the connected (and unavailable) nodes, as Relay sends them;
 * - a reader whose next events were overwritten gets one HUBBLE_RING_BUFFER lost event with their count
 *   (newer Hubble aggregates them the same way); lost events recorded in a ring are passed on.
 * Writes respect gRPC flow control: a stream whose client does not read stops reading its rings, and
 * falls behind while the world moves on, as a slow Hubble client does.
 */
export class GetFlowsStream {
  readonly #call: GetFlowsCall;
  readonly #host: GetFlowsStreamHost;
  readonly #request: GetFlowsRequest;
  readonly #accept: FlowPredicate;
  readonly #mask: FlowFieldMask | undefined;
  readonly #reader: RingReader;
  readonly #limit: number;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #pendingStatus: JsonObject[] = [];
  #closed = false;
  #blocked = false;
  #wakeUp: (() => void) | undefined = undefined;
  /** Flows sent. */
  sent = 0;
  lostReported = 0;

  private constructor(call: GetFlowsCall, host: GetFlowsStreamHost, request: GetFlowsRequest, accept: FlowPredicate, mask: FlowFieldMask | undefined) {
    this.#call = call;
    this.#host = host;
    this.#request = request;
    this.#accept = accept;
    this.#mask = mask;
    const number = Number(request.number ?? 0n);
    const rings = host.observer.rings;
    const untilNs = request.untilNs;
    if (request.first === true && request.sinceNs === undefined) this.#reader = RingReader.atOldest(rings);
    else if (request.sinceNs !== undefined) this.#reader = RingReader.since(rings, request.sinceNs);
    else if (request.follow === true && number === 0) this.#reader = RingReader.atEnd(rings);
    else this.#reader = RingReader.last(rings, number, (entry) => entry.kind === 'flow' && (untilNs === undefined || entry.timeNs <= untilNs) && accept(entry.flow));
    // With `first` or `since`, `number` caps how many are sent; with neither it only chose the start.
    this.#limit = number > 0 && (request.first === true || request.sinceNs !== undefined) ? number : Number.POSITIVE_INFINITY;
  }

  /** Checks the request the way Hubble does; a refusal comes back as the status to answer with. */
  static prepare(call: GetFlowsCall, host: GetFlowsStreamHost): Prepared {
    let request: GetFlowsRequest;
    try {
      request = decodeGetFlowsRequest(call.request);
    } catch (error) {
      return { ok: false, code: status.INVALID_ARGUMENT, details: error instanceof Error ? error.message : String(error) };
    }
    if (request.first === true && request.follow === true) return { ok: false, code: status.INVALID_ARGUMENT, details: 'first cannot be specified with follow' };
    const unsupported = [...(request.whitelist ?? []), ...(request.blacklist ?? [])].flatMap(unmatchedFilterFields);
    if (unsupported.length > 0) return { ok: false, code: status.UNIMPLEMENTED, details: `the Hubble emulator does not filter on ${[...new Set(unsupported)].join(', ')}` };
    let accept: FlowPredicate;
    try {
      accept = compileFlowFilters(request.whitelist, request.blacklist);
    } catch (error) {
      return { ok: false, code: status.INVALID_ARGUMENT, details: isHubbleError(error) ? error.message : String(error) };
    }
    let mask: FlowFieldMask | undefined;
    if (request.fieldMask !== undefined && request.fieldMask.length > 0) {
      const compiled = FlowFieldMask.compile(request.fieldMask);
      if (!compiled.ok) return { ok: false, code: status.INVALID_ARGUMENT, details: compiled.message };
      mask = compiled.mask;
    }
    return { ok: true, stream: new GetFlowsStream(call, host, request, accept, mask) };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Serves the call to its end; resolves when it ends for any reason. */
  async run(): Promise<void> {
    const observer = this.#host.observer;
    this.#call.on('cancelled', () => {
      this.#close();
    });
    this.#call.on('error', () => {
      this.#close();
    });
    this.#call.on('drain', () => {
      this.#blocked = false;
      this.#wake();
    });
    this.#unsubscribe.push(
      observer.onTick(() => {
        this.#wake();
      }),
      observer.onNodeState((name, available) => {
        if (available) this.#reader.skipToEnd(name);
        this.#pendingStatus.push(nodeStatus(available ? 'NODE_CONNECTED' : 'NODE_UNAVAILABLE', [name], available ? '' : 'connection to the node lost', this.#nowNs()));
        this.#wake();
      }),
    );
    // Headers at once, so the client knows it is connected before the first flow.
    this.#call.sendMetadata(new Metadata());
    try {
      const unavailable = observer.unavailableNodes;
      const connected = observer.rings.map((ring) => ring.name).filter((name) => !unavailable.has(name));
      if (connected.length > 0) this.#pendingStatus.push(nodeStatus('NODE_CONNECTED', connected, '', this.#nowNs()));
      if (unavailable.size > 0) this.#pendingStatus.push(nodeStatus('NODE_UNAVAILABLE', [...unavailable].sort(), 'connection to the node lost', this.#nowNs()));
      await this.#serve();
    } finally {
      this.#close();
    }
  }

  /** Stops serving without a status (the server is going away and takes the connection with it). */
  stop(): void {
    this.#close();
  }

  /** Ends the call with UNAVAILABLE, as a Relay going away does (messages already written still arrive). */
  disconnect(details: string): void {
    if (this.#closed) return;
    this.#close();
    this.#call.emit('error', { code: status.UNAVAILABLE, details });
  }

  async #serve(): Promise<void> {
    const observer = this.#host.observer;
    const follow = this.#request.follow === true;
    const untilNs = this.#request.untilNs;
    for (;;) {
      if (this.#closed) return;
      const pending = this.#pendingStatus.shift();
      if (pending !== undefined) {
        if (!(await this.#write(encode(pending)))) return;
        continue;
      }
      if (observer.clock.now() < this.#host.stalledUntilMs()) {
        await this.#sleep();
        continue;
      }
      const read = this.#reader.next(observer.unavailableNodes);
      if (read === undefined) {
        if (!follow) {
          this.#end();
          return;
        }
        await this.#sleep();
        continue;
      }
      let message: Buffer;
      if (read.kind === 'overwritten') {
        this.lostReported += read.count;
        message = encode(lostEvents('HUBBLE_RING_BUFFER', read.count, read.ring.name, this.#nowNs()));
      } else if (read.entry.kind === 'lost') {
        message = encode(lostEvents(read.entry.source, read.entry.count, read.ring.name, read.entry.timeNs));
      } else {
        const entry = read.entry;
        if (untilNs !== undefined && entry.timeNs > untilNs) {
          this.#end();
          return;
        }
        if (!this.#accept(entry.flow)) continue;
        if (this.#host.takeMalformedFrame() && !(await this.#write(MALFORMED_FRAME))) return;
        message = this.#host.takeOversized(entry.flow.uuid) ? oversized(this.#flowMessage(entry)) : this.#flowMessage(entry);
        this.sent++;
      }
      if (!(await this.#write(message))) return;
      if (this.sent >= this.#limit) {
        this.#end();
        return;
      }
    }
  }

  #flowMessage(entry: RingFlow): Buffer {
    const json = this.#host.observer.flowJson(entry);
    const envelope = (flow: JsonObject): JsonObject => ({ flow, node_name: entry.flow.nodeName, time: formatRfc3339Nanos(entry.timeNs) });
    if (this.#mask === undefined) {
      entry.bytes ??= encode(envelope(json));
      return entry.bytes;
    }
    return encode(envelope(this.#mask.apply(json)));
  }

  /** Writes one message; when gRPC's buffer is full, waits for it to drain. False once the call is over. */
  async #write(message: Buffer): Promise<boolean> {
    if (this.#closed) return false;
    if (!this.#call.write(message)) this.#blocked = true;
    // A method, not the narrowed field: the call can close while this waits.
    while (this.#blocked && this.#isOpen()) await this.#sleep();
    return this.#isOpen();
  }

  #isOpen(): boolean {
    return !this.#closed;
  }

  #end(): void {
    if (this.#closed) return;
    this.#close();
    this.#call.end();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#wake();
  }

  #sleep(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wakeUp = resolve;
    });
  }

  #wake(): void {
    const wake = this.#wakeUp;
    this.#wakeUp = undefined;
    wake?.();
  }

  #nowNs(): bigint {
    return BigInt(Math.floor(this.#host.observer.clock.now())) * NS_PER_MS;
  }
}

function encode(json: JsonObject): Buffer {
  const bytes = encodeHubble('observer.GetFlowsResponse', json);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function lostEvents(source: string, count: number, nodeName: string, timeNs: bigint): JsonObject {
  return { lost_events: { source, num_events_lost: String(count) }, node_name: nodeName, time: formatRfc3339Nanos(timeNs) };
}

function nodeStatus(state: string, nodeNames: readonly string[], message: string, timeNs: bigint): JsonObject {
  return { node_status: { state_change: state, node_names: nodeNames, ...(message === '' ? {} : { message }) }, time: formatRfc3339Nanos(timeNs) };
}
