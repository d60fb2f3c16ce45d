import { Client, connectivityState, credentials, Metadata, status } from '@grpc/grpc-js';
import type { ChannelCredentials, ClientOptions, ServiceError } from '@grpc/grpc-js';
import type { Clock } from '../domain/clock.ts';
import type { FlowSource, FlowSourceError, FlowSourceHealth, FlowSourceNode, FlowSourceServerStatus } from '../domain/flow-source.ts';
import { silentLog } from '../vmanage/log-port.ts';
import type { LogPort } from '../vmanage/log-port.ts';
import { FLOW_EVENT_FIELD_MASK, FlowEventDecoder } from './flow-event-decoder.ts';
import type { FlowEventDecoderOptions } from './flow-event-decoder.ts';
import { encodeGetFlowsRequest } from './get-flows-request.ts';
import type { GetFlowsRequest } from './get-flows-request.ts';
import { GrpcStreamQueue } from './grpc-stream-queue.ts';
import { DEFAULT_HUBBLE_ADDRESS, parseHubbleAddress } from './hubble-address.ts';
import { HUBBLE_ERROR_CODES, HubbleError, isHubbleError } from './hubble-error.ts';
import { hubbleErrorFromGrpc, isMessageTooLarge } from './hubble-error-from-grpc.ts';
import type { HubbleEvent } from './hubble-event.ts';
import type { HubbleTls } from './hubble-tls.ts';
import { OBSERVER_METHODS, passBytes } from './observer-service.ts';
import { parseGetNodes, parseServerStatus } from './parse-server-status.ts';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelay } from './reconnect-backoff.ts';
import type { ReconnectBackoff } from './reconnect-backoff.ts';
import { SeamDeduper } from './seam-deduper.ts';
import { realSleep } from '../controller/system-time.ts';
import type { Sleep } from '../domain/clock.ts';

export interface HubbleClientOptions {
  /**
   * `localhost:4245` (Relay; the default), `relay.example:443`, `tls://relay.example:443`, or a node's
   * socket `unix:///var/run/cilium/hubble.sock`.
   */
  readonly address?: string;
  /** TLS (and mTLS with a client certificate); `tls://` in the address turns it on with the system roots. */
  readonly tls?: HubbleTls;
  /**
   * What to ask for. Default: follow, with FLOW_EVENT_FIELD_MASK (only what the bridge decodes). Add
   * allow/deny filters, or a `number`/`sinceNs` backfill from the ring buffer.
   */
  readonly request?: GetFlowsRequest;
  readonly clock?: Clock;
  /** Reconnect backoff and the status poller wait through it. */
  readonly sleep?: Sleep;
  /** Jitter source, [0, 1). */
  readonly random?: () => number;
  readonly backoff?: ReconnectBackoff;
  readonly logger?: LogPort;
  /** Messages queued before the stream is paused (HTTP/2 flow control then holds the server). Default 256. */
  readonly highWaterMark?: number;
  /** ServerStatus and GetNodes are polled this often while streaming, for health(). Default 30 s; 0: never. */
  readonly statusIntervalMs?: number;
  /** Real time a new stream may take to be answered before it counts as a failed connection. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Deadline of ServerStatus and GetNodes. Default 12 s (Hubble's CLI uses the same). */
  readonly requestTimeoutMs?: number;
  /**
   * Keep retrying when the very first connection fails. Default true (a bridge waits for Hubble to come
   * up); a one-shot command sets false to report "cannot connect" at once.
   */
  readonly retryInitialConnect?: boolean;
  readonly decoder?: FlowEventDecoderOptions;
}

/** One GetFlows response: decoded, and as received (for printing it in Hubble's own JSON form). */
export interface HubbleResponse {
  readonly event: HubbleEvent;
  readonly bytes: Buffer;
}

/**
 * Live counters, updated in place on the hot path; read them at export time
 * (`isthmus_hubble_flows_total`, `isthmus_hubble_lost_events_total{source}`, …).
 */
export interface HubbleClientCounters {
  flows: number;
  duplicatesDropped: number;
  /** Events lost, summed over num_events_lost, by LostEventSource name. */
  readonly lostEvents: Record<string, number>;
  /** LostEvent messages received (each may report many events). */
  lostEventMessages: number;
  /** Node status items by NodeState name. */
  readonly nodeStatus: Record<string, number>;
  decodeErrors: number;
  reconnects: number;
  /** Times the stream was paused because the consumer fell behind. */
  pauses: number;
  /** The most messages ever queued at once: never far above the high-water mark. */
  maxQueued: number;
  streamsOpened: number;
}

const EMPTY = Buffer.alloc(0);
/** The first step past a message too large to receive; each further refusal at the same point is 10× longer. */
const OVERSIZED_SKIP_NS = 1_000_000n;

/** Where `responses` finds the bytes of the event the stream just yielded. */
interface ReceivedBytes {
  bytes: Buffer;
}

/**
 * The Hubble Observer client: a FlowSource over GetFlows, to Relay or a node, in plaintext, TLS or mTLS.
 *
 * A following stream is resilient: when it fails or the server ends it, the client reconnects after an
 * exponential backoff with jitter (both injected), and resumes with `since` at the newest flow time it
 * delivered, dropping the flows delivered again at that seam (by uuid, else by content). What Hubble
 * could not deliver meanwhile is gone from its ring buffer or reported as lost events: counted by source,
 * passed on as data, never fatal. Node status items are logged and counted. ServerStatus and GetNodes
 * feed health(). The stream is read at the consumer's pace (see GrpcStreamQueue): nothing is buffered
 * without bound.
 */
export class HubbleClient implements FlowSource {
  readonly #target: string;
  readonly #client: Client;
  readonly #request: GetFlowsRequest;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #backoff: ReconnectBackoff;
  readonly #log: LogPort;
  readonly #highWaterMark: number;
  readonly #statusIntervalMs: number;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #retryInitialConnect: boolean;
  readonly #decoderOptions: FlowEventDecoderOptions;
  readonly #counters: HubbleClientCounters = {
    flows: 0,
    duplicatesDropped: 0,
    lostEvents: {},
    lostEventMessages: 0,
    nodeStatus: {},
    decodeErrors: 0,
    reconnects: 0,
    pauses: 0,
    maxQueued: 0,
    streamsOpened: 0,
  };
  #connectedSince: number | undefined = undefined;
  #lastError: FlowSourceError | undefined = undefined;
  #consecutiveFailures = 0;
  #server: FlowSourceServerStatus | undefined = undefined;

  /** Throws a HubbleError (`config`) for an address it cannot use. Nothing connects until used. */
  constructor(options: HubbleClientOptions = {}) {
    const address = parseHubbleAddress(options.address ?? DEFAULT_HUBBLE_ADDRESS);
    this.#target = address.target;
    const tls = options.tls ?? (address.tls ? {} : undefined);
    this.#client = new Client(address.target, channelCredentials(tls), channelOptions(tls));
    this.#request = options.request ?? { follow: true, fieldMask: FLOW_EVENT_FIELD_MASK };
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#backoff = options.backoff ?? DEFAULT_RECONNECT_BACKOFF;
    this.#log = options.logger ?? silentLog;
    this.#highWaterMark = options.highWaterMark ?? 256;
    this.#statusIntervalMs = options.statusIntervalMs ?? 30_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 12_000;
    this.#retryInitialConnect = options.retryInitialConnect ?? true;
    this.#decoderOptions = options.decoder ?? {};
  }

  /** The gRPC target dialled, for messages. */
  get target(): string {
    return this.#target;
  }

  get counters(): Readonly<HubbleClientCounters> {
    return this.#counters;
  }

  [Symbol.asyncIterator](): AsyncGenerator<HubbleEvent, void, undefined> {
    return this.events();
  }

  /**
   * Flows, lost events and node status, until the signal aborts (or a bounded request is complete).
   * The flow path: the stream's own generator, not one wrapping `responses`, so a flow costs one
   * generator step rather than two.
   */
  events(signal?: AbortSignal): AsyncGenerator<HubbleEvent, void, undefined> {
    return this.#stream(signal, undefined);
  }

  /**
   * The responses with their bytes. Ends quietly when the signal aborts, or when a request without
   * `follow` is complete. Throws a HubbleError when retrying cannot help: the request was rejected, a
   * bounded request failed, or (with `retryInitialConnect: false`) the first connection failed.
   */
  async *responses(signal?: AbortSignal): AsyncGenerator<HubbleResponse, void, undefined> {
    const received: ReceivedBytes = { bytes: EMPTY };
    for await (const event of this.#stream(signal, received)) yield { event, bytes: received.bytes };
  }

  /** The events of the stream; when `received` is given, it holds the bytes of the event last yielded. */
  async *#stream(signal: AbortSignal | undefined, received: ReceivedBytes | undefined): AsyncGenerator<HubbleEvent, void, undefined> {
    // A function, not a narrowed property read: the signal can fire while this generator is suspended.
    const aborted = (): boolean => signal?.aborted === true;
    const base = this.#request;
    const follow = base.follow === true;
    const dedupe = new SeamDeduper();
    const decoder = new FlowEventDecoder(this.#decoderOptions);
    const polling = new AbortController();
    const stopPolling = (): void => {
      polling.abort();
    };
    signal?.addEventListener('abort', stopPolling, { once: true });
    const poller = this.#statusIntervalMs > 0 ? this.#pollStatus(polling.signal) : Promise.resolve();
    let attempt = 0;
    let everAnswered = false;
    // How far past the seam to resume after a message too large to receive: it comes again from the
    // seam on, so the stream skips ahead in growing steps (1 ms, 10 ms, …) until it gets past it.
    let skipAheadNs = 0n;
    try {
      while (!aborted()) {
        const seamNs = dedupe.seamNs;
        const request = seamNs === undefined ? base : resumeRequest(base, seamNs + skipAheadNs);
        const flowsBefore = this.#counters.flows;
        const queue = this.#open(request);
        let failure: HubbleError | undefined;
        try {
          for (;;) {
            // A message already queued is taken without a promise; abort is checked as next() would.
            const bytes = aborted() ? undefined : (queue.poll() ?? (await queue.next(signal)));
            if (bytes === undefined) break;
            const event = this.#decode(decoder, bytes);
            if (event === undefined) continue;
            if (event.kind === 'flow') {
              if (!dedupe.accept(event.flow.timeNs, event.flow.uuid, bytes)) {
                this.#counters.duplicatesDropped++;
                continue;
              }
              this.#counters.flows++;
            } else {
              this.#note(event);
            }
            if (received !== undefined) received.bytes = bytes;
            yield event;
          }
        } catch (error) {
          failure = hubbleErrorFromGrpc(error, this.#target);
        } finally {
          this.#counters.pauses += queue.pauses;
          this.#counters.maxQueued = Math.max(this.#counters.maxQueued, queue.maxQueued);
          queue.cancel();
          this.#connectedSince = undefined;
        }
        if (queue.answered) {
          everAnswered = true;
          attempt = 0;
        }
        if (aborted()) return;
        if (failure === undefined) {
          // A bounded request, or a followed one that reached its `until`, is complete.
          if (!follow || base.untilNs !== undefined) return;
          this.#log.info({ target: this.#target }, 'Hubble ended the flow stream; reconnecting');
        } else {
          this.#fail(failure);
          if (!follow || !failure.retryable || (!everAnswered && !this.#retryInitialConnect)) throw failure;
          if (isMessageTooLarge(failure)) {
            skipAheadNs = this.#counters.flows > flowsBefore || skipAheadNs === 0n ? OVERSIZED_SKIP_NS : skipAheadNs * 10n;
            // Counted as a message that did not decode: one message skipped, the stream goes on.
            this.#counters.decodeErrors++;
            this.#log.warn({ target: this.#target, skipAheadMs: Number(skipAheadNs / 1_000_000n) }, 'a message from Hubble exceeded the receive limit; resuming past it');
          }
        }
        const skipping = failure !== undefined && isMessageTooLarge(failure);
        if (!skipping && this.#counters.flows > flowsBefore) skipAheadNs = 0n;
        const delayMs = reconnectDelay(attempt++, this.#backoff, this.#random);
        this.#log.warn(
          { target: this.#target, code: failure?.code, error: failure?.message, delayMs, attempt, resumeFrom: dedupe.seamNs?.toString() },
          `Hubble flow stream lost; reconnecting in ${delayMs} ms`,
        );
        await this.#sleep(delayMs, signal);
        if (aborted()) return;
        this.#counters.reconnects++;
      }
    } finally {
      signal?.removeEventListener('abort', stopPolling);
      polling.abort();
      await poller;
    }
  }

  /** Asks ServerStatus, then GetNodes (which a single node does not implement), and keeps the answer for health(). */
  async serverStatus(): Promise<FlowSourceServerStatus> {
    const at = this.#clock.now();
    const statusBytes = await this.#unary(OBSERVER_METHODS.serverStatus);
    let nodes: FlowSourceNode[] = [];
    try {
      nodes = parseGetNodes(await this.#unary(OBSERVER_METHODS.getNodes));
    } catch (error) {
      if (!(isHubbleError(error) && error.code === HUBBLE_ERROR_CODES.rejected && isUnimplemented(error.cause))) throw error;
    }
    const server: FlowSourceServerStatus = { ...parseServerStatus(statusBytes, at), nodes };
    this.#server = server;
    return server;
  }

  health(): FlowSourceHealth {
    const counters = this.#counters;
    return {
      connected: this.#connectedSince !== undefined,
      connectedSince: this.#connectedSince,
      lastError: this.#lastError,
      consecutiveFailures: this.#consecutiveFailures,
      reconnects: counters.reconnects,
      flows: counters.flows,
      duplicatesDropped: counters.duplicatesDropped,
      lostEvents: { ...counters.lostEvents },
      nodeStatus: { ...counters.nodeStatus },
      decodeErrors: counters.decodeErrors,
      server: this.#server,
    };
  }

  /** Closes the channel; streams still open end. */
  close(): void {
    this.#client.close();
  }

  #open(request: GetFlowsRequest): GrpcStreamQueue {
    this.#counters.streamsOpened++;
    const stream = this.#client.makeServerStreamRequest<Buffer, Buffer>(OBSERVER_METHODS.getFlows, passBytes, passBytes, Buffer.from(encodeGetFlowsRequest(request)), new Metadata());
    const queue = new GrpcStreamQueue(stream, {
      highWaterMark: this.#highWaterMark,
      onAnswer: () => {
        clearTimeout(watchdog);
        this.#connectedSince = this.#clock.now();
        this.#consecutiveFailures = 0;
      },
    });
    // A transport timeout, so real time: a silent server behind a dead route would otherwise hold the
    // stream for the OS's connect timeout. A server that is connected but quiet (nothing matches yet,
    // and a Go server sends headers with the first message) is fine.
    const watchdog = setTimeout(() => {
      if (queue.answered) return;
      if (this.#client.getChannel().getConnectivityState(false) === connectivityState.READY) queue.markAnswered();
      else queue.abort(new HubbleError(HUBBLE_ERROR_CODES.unavailable, `cannot connect to Hubble at ${this.#target} within ${this.#connectTimeoutMs} ms`, undefined, true));
    }, this.#connectTimeoutMs);
    watchdog.unref();
    stream.on('close', () => {
      clearTimeout(watchdog);
    });
    return queue;
  }

  #decode(decoder: FlowEventDecoder, bytes: Buffer): HubbleEvent | undefined {
    try {
      return decoder.decode(bytes);
    } catch (error) {
      this.#counters.decodeErrors++;
      this.#log.debug({ target: this.#target, bytes: bytes.length, error: error instanceof Error ? error.message : String(error) }, 'undecodable Hubble message skipped');
      return undefined;
    }
  }

  #note(event: HubbleEvent): void {
    const counters = this.#counters;
    if (event.kind === 'lost_events') {
      counters.lostEventMessages++;
      counters.lostEvents[event.source] = (counters.lostEvents[event.source] ?? 0) + event.numEventsLost;
      this.#log.debug({ source: event.source, lost: event.numEventsLost, node: event.nodeName }, 'Hubble reports lost events');
    } else if (event.kind === 'node_status') {
      counters.nodeStatus[event.state] = (counters.nodeStatus[event.state] ?? 0) + 1;
      const fields = { state: event.state, nodes: event.nodeNames, message: event.message || undefined };
      if (event.state === 'NODE_CONNECTED') this.#log.info(fields, `Hubble nodes connected: ${event.nodeNames.join(', ')}`);
      else this.#log.warn(fields, `Hubble nodes ${event.state}: ${event.nodeNames.join(', ')}`);
    }
  }

  #fail(error: HubbleError): void {
    this.#consecutiveFailures++;
    this.#lastError = { code: error.code, message: error.message, at: this.#clock.now() };
  }

  async #pollStatus(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.serverStatus();
      } catch (error) {
        this.#log.debug({ target: this.#target, error: error instanceof Error ? error.message : String(error) }, 'Hubble ServerStatus failed');
      }
      await this.#sleep(this.#statusIntervalMs, signal);
    }
  }

  #unary(path: string): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const deadline = Date.now() + this.#requestTimeoutMs;
      this.#client.makeUnaryRequest<Buffer, Buffer>(path, passBytes, passBytes, EMPTY, new Metadata(), { deadline }, (error: ServiceError | null, response?: Buffer) => {
        if (error !== null) reject(hubbleErrorFromGrpc(error, this.#target));
        else resolve(response ?? EMPTY);
      });
    });
  }
}

/**
 * The request that resumes a following stream after a break: from the seam, inclusive (duplicates there
 * are dropped), without the initial backfill, which was delivered already.
 */
export function resumeRequest(base: GetFlowsRequest, seamNs: bigint): GetFlowsRequest {
  const { number: _number, first: _first, sinceNs: _since, ...rest } = base;
  return { ...rest, sinceNs: seamNs };
}

function channelCredentials(tls: HubbleTls | undefined): ChannelCredentials {
  if (tls === undefined) return credentials.createInsecure();
  return credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
}

function channelOptions(tls: HubbleTls | undefined): ClientOptions {
  return {
    // Above grpc-go's default keepalive enforcement (5 min), so a long quiet stream over a dead
    // connection is noticed without the server counting the pings as abuse.
    'grpc.keepalive_time_ms': 330_000,
    'grpc.keepalive_timeout_ms': 20_000,
    ...(tls?.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName }),
  };
}

function isUnimplemented(cause: unknown): boolean {
  return typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === status.UNIMPLEMENTED;
}
