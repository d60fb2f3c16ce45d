/**
 * Ingest end to end: flows from a Hubble GetFlows stream over loopback through the bridge's own path —
 * HubbleClient (grpc-js with a pass-through deserialiser, the hot-path FlowEventDecoder, the seam
 * deduper), then FlowPipeline (correlate + aggregate) — against bare decoding of the same frames, and
 * the bridge's memory with the whole inventory loaded and flows over all of it aggregated.
 *
 * The Hubble side is a child process (ingest/replay-emulator.ts) replaying pre-encoded frames of the
 * `scale` scenario grown to 100,000 pod endpoints and 10,000 Services, so it neither competes for the
 * bridge's core nor shows in its RSS. Rates are per CPU second of this (the bridge's) process — all of
 * its threads, so V8's GC helpers count — which is flows/s on one core however busy the machine is;
 * the wall-clock rate is in the detail.
 *
 *   node test/bench/run.ts ingest [--quick]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AggregationStore } from '../../src/correlate/aggregation-store.ts';
import { createCorrelationView } from '../../src/correlate/create-correlation-view.ts';
import { FlowPipeline } from '../../src/correlate/flow-pipeline.ts';
import type { Assignment } from '../../src/domain/assignment.ts';
import type { Color } from '../../src/domain/color.ts';
import { parseServiceKey } from '../../src/domain/service.ts';
import type { ServiceKey } from '../../src/domain/service.ts';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { bareDecoding, buildInventory, countSeries, ingest, replayMessages } from './ingest/ingest-bridge.ts';

/** Targets: one core ingests at least this many flows a second, end to end … */
const FLOWS_PER_CORE_SECOND = 250_000;
/** … which is at least this share of what bare decoding of the same frames achieves … */
const SHARE_OF_BARE = 0.5;
/** … in at most this much memory with the full-size inventory. */
const MAX_RSS_MB = 300;

const COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];
const MB = 1024 * 1024;

/** How many times the frame set is streamed for the measured run (after one pass that aggregates it all). */
const MEASURED_PASSES = { quick: 16, full: 3 } as const;
const BARE_PASSES = { quick: 16, full: 3 } as const;

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const mode = options.quick ? 'quick' : 'full';
  const collectGarbage = exposeGc();
  const directory = mkdtempSync(join(tmpdir(), 'isthmus-ingest-'));
  const emulator = fork(fileURLToPath(new URL('./ingest/replay-emulator.ts', import.meta.url)), [mode, directory], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const messages = replayMessages(emulator);
    const objects = await messages.next('objects');
    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    // The inventory is built while the emulator encodes its frames (each on its own core).
    const inventory = buildInventory(objects.path);
    const ready = await messages.next('ready');

    const assignments = new Map<ServiceKey, Assignment>();
    inventory.serviceKeys().forEach((key, index) => {
      const ref = parseServiceKey(key);
      if (ref !== undefined) assignments.set(key, { service: ref, color: COLORS[index % COLORS.length] ?? 'mpls', mode: 'auto', since: 0 });
    });
    const store = new AggregationStore();
    const pipeline = new FlowPipeline(createCorrelationView(inventory, assignments), store, { defaultColor: 'biz-internet' });
    const address = `127.0.0.1:${ready.port}`;

    // Every frame once: every endpoint's flows aggregated (and the JIT warm).
    const seenIps = new Set<string>();
    const warmUp = await ingest(address, ready.frames, pipeline, seenIps);
    if (warmUp.flows !== ready.frames) throw new Error(`expected ${ready.frames} flows, the bridge counted ${warmUp.flows}`);
    let endpointsSeen = 0;
    for (const ip of seenIps) if (inventory.pod(ip) !== undefined) endpointsSeen++;
    seenIps.clear();

    const measured = await ingest(address, ready.frames * MEASURED_PASSES[mode], pipeline);
    const rssBeforeGc = process.memoryUsage().rss;
    collectGarbage();
    const memory = process.memoryUsage();
    const peakRss = process.resourceUsage().maxRSS * 1024;

    const bare = bareDecoding(readFileSync(ready.framesPath), BARE_PASSES[mode]);
    const endToEnd = measured.flows / (measured.cpu.processUs / 1e6);
    const size = `${inventory.size.pods.toLocaleString('en-US')} endpoints, ${inventory.size.services.toLocaleString('en-US')} Services`;
    const frames = `${ready.frames.toLocaleString('en-US')} distinct frames (avg ${Math.round(ready.bytes / ready.frames - 5)} B)`;
    const totals = store.totals();
    return [
      {
        name: 'end to end: gRPC → HubbleClient → correlate → aggregate',
        value: endToEnd,
        unit: 'flows/s/core',
        detail: `${(measured.cpu.processUs / measured.flows).toFixed(2)} CPU µs/flow (main thread ${(measured.cpu.threadUs / measured.flows).toFixed(2)}); ${measured.flows.toLocaleString('en-US')} flows; wall ${Math.round(measured.flows / (measured.cpu.wallMs / 1000)).toLocaleString('en-US')}/s; ${frames}`,
        target: { atLeast: FLOWS_PER_CORE_SECOND },
      },
      {
        name: 'bare decoding: FlowEventDecoder on the same frames',
        value: bare.perCoreSecond,
        unit: 'flows/s/core',
        detail: `${(1e6 / bare.perCoreSecond).toFixed(2)} CPU µs/flow; ${bare.flows.toLocaleString('en-US')} flows`,
      },
      {
        name: 'end to end / bare decoding',
        value: (endToEnd / bare.perCoreSecond) * 100,
        unit: '%',
        target: { atLeast: SHARE_OF_BARE * 100 },
      },
      {
        name: `RSS, ${size}, all aggregated`,
        value: memory.rss / MB,
        unit: 'MB',
        detail: `after a full GC (${(rssBeforeGc / MB).toFixed(0)} MB before it, peak ${(peakRss / MB).toFixed(0)} MB); ${(rssBefore / MB).toFixed(0)} MB before the inventory; heap used ${(memory.heapUsed / MB).toFixed(0)} MB; ${endpointsSeen.toLocaleString('en-US')} endpoints in flows, ${countSeries(store).toLocaleString('en-US')} series, ${((totals.unresolved / totals.flows) * 100).toFixed(1)} % unresolved`,
        ...(options.quick ? {} : { target: { atMost: MAX_RSS_MB } }),
      },
      { name: 'frame encoding (emulator, once)', value: ready.encodeMs, unit: 'ms', detail: frames },
    ];
  } finally {
    emulator.send('stop');
    emulator.disconnect();
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * A full, memory-reducing collection (what V8 does by itself once a process goes idle), for memory
 * figures that are the live set rather than garbage not yet collected; without requiring the runner to
 * start Node with --expose-gc.
 */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  if (typeof gc !== 'function') return () => undefined;
  return () => void (gc as (options: object) => unknown)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
