/** The bridge side of the ingest benchmark: inventory, the flow loop over a HubbleClient, bare decoding, the emulator's messages. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AggregationStore } from '../../../src/correlate/aggregation-store.ts';
import type { FlowPipeline } from '../../../src/correlate/flow-pipeline.ts';
import { FLOW_EVENT_FIELD_MASK, FlowEventDecoder } from '../../../src/hubble/flow-event-decoder.ts';
import { HubbleClient } from '../../../src/hubble/hubble-client.ts';
import { Inventory } from '../../../src/kube/inventory.ts';
import { createSitePlacer, DEFAULT_SITE_LABEL } from '../../../src/kube/site-placer.ts';
import { toClusterNode } from '../../../src/kube/to-cluster-node.ts';
import { toEndpointSlice } from '../../../src/kube/to-endpoint-slice.ts';
import { toService } from '../../../src/kube/to-service.ts';
import { splitBody } from './grpc-frames.ts';
import type { ReplayMessage } from './replay-emulator.ts';

/** Wall time, CPU time of the whole process (every thread) and of the calling thread alone. */
export interface CpuSample {
  readonly wallMs: number;
  readonly processUs: number;
  readonly threadUs: number;
}

export function cpuNow(): CpuSample {
  const whole = process.cpuUsage();
  const thread = process.threadCpuUsage();
  return { wallMs: performance.now(), processUs: whole.user + whole.system, threadUs: thread.user + thread.system };
}

export function cpuSince(start: CpuSample): CpuSample {
  const now = cpuNow();
  return { wallMs: now.wallMs - start.wallMs, processUs: now.processUs - start.processUs, threadUs: now.threadUs - start.threadUs };
}

/**
 * Streams `count` frames through the bridge's client into the pipeline, as the bridge's flow loop does
 * (a bounded request: the emulator ends the call after them). `seenIps` collects the flows' addresses.
 */
export async function ingest(address: string, count: number, pipeline: FlowPipeline, seenIps?: Set<string>): Promise<{ readonly flows: number; readonly cpu: CpuSample }> {
  const client = new HubbleClient({
    address,
    request: { first: true, number: BigInt(count), fieldMask: FLOW_EVENT_FIELD_MASK },
    statusIntervalMs: 0,
    retryInitialConnect: false,
  });
  let flows = 0;
  let newestFlowNs = 0n;
  const start = cpuNow();
  try {
    for await (const event of client.events()) {
      if (event.kind !== 'flow') continue;
      pipeline.push(event.flow);
      if (event.flow.timeNs > newestFlowNs) newestFlowNs = event.flow.timeNs;
      flows++;
      if (seenIps !== undefined) seenIps.add(event.flow.source.ip).add(event.flow.destination.ip);
    }
  } finally {
    client.close();
  }
  return { flows, cpu: cpuSince(start) };
}

export function bareDecoding(body: Buffer, passes: number): { readonly flows: number; readonly perCoreSecond: number } {
  const frames = splitBody(body);
  const decoder = new FlowEventDecoder();
  let sink = 0;
  const decodeAll = (): void => {
    for (const frame of frames) {
      const event = decoder.decode(frame);
      if (event.kind === 'flow') sink += event.flow.source.port;
    }
  };
  decodeAll(); // warm-up: caches filled, JIT settled
  const start = cpuNow();
  for (let pass = 0; pass < passes; pass++) decodeAll();
  const cpu = cpuSince(start);
  if (sink < 0) throw new Error('unreachable');
  const flows = frames.length * passes;
  return { flows, perCoreSecond: flows / (cpu.threadUs / 1e6) };
}

/** The inventory from the emulated cluster's objects, through the bridge's converters (nodes come first). */
export function buildInventory(path: string): Inventory {
  const inventory = new Inventory();
  const placer = createSitePlacer({ siteLabel: DEFAULT_SITE_LABEL, siteRanges: [] });
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const object = JSON.parse(line) as { readonly kind?: string };
    if (object.kind === 'Node') {
      const node = toClusterNode(object, placer);
      if (node !== undefined) inventory.upsertNode(node);
    } else if (object.kind === 'Service') {
      const service = toService(object);
      if (service !== undefined) inventory.upsertService(service);
    } else if (object.kind === 'EndpointSlice') {
      const slice = toEndpointSlice(object);
      if (slice !== undefined) inventory.upsertEndpointSlice(slice);
    }
  }
  return inventory;
}

export function countSeries(store: AggregationStore): number {
  let series = 0;
  store.forEachSeries(() => series++);
  return series;
}

/** The emulator's messages, awaited by type. */
export function replayMessages(child: ChildProcess): { next<T extends ReplayMessage['type']>(type: T): Promise<Extract<ReplayMessage, { type: T }>> } {
  const received: ReplayMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  child.on('message', (message: ReplayMessage) => {
    received.push(message);
    wake?.();
  });
  child.on('exit', (code) => {
    failure = new Error(`the replay emulator exited (${String(code)})`);
    wake?.();
  });
  return {
    async next(type) {
      for (;;) {
        const index = received.findIndex((message) => message.type === type);
        if (index >= 0) return received.splice(index, 1)[0] as Extract<ReplayMessage, { type: typeof type }>;
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

