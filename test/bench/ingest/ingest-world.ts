/**
 * The world the ingest benchmark streams: the `scale` scenario grown to the size under test (by default
 * 10,000 Services × 10 replicas = 100,000 pod endpoints on 800 nodes at 100 sites), its Kubernetes
 * objects (what the bridge's inventory is built from) and its flows as the GetFlowsResponse frames the
 * Hubble emulator sends under the bridge's field mask.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlowFieldMask } from '../../../simulator/hubble/flow-field-mask.ts';
import { HUBBLE_EMULATOR_VERSION } from '../../../simulator/hubble/hubble-observer.ts';
import { simFlowJson } from '../../../simulator/hubble/sim-flow-json.ts';
import type { SimFlowJsonContext } from '../../../simulator/hubble/sim-flow-json.ts';
import { clusterObjects } from '../../../simulator/kube/world-kube-feed.ts';
import { parseScenario } from '../../../simulator/world/parse-scenario.ts';
import type { World } from '../../../simulator/world/world.ts';
import { createWorld } from '../../../simulator/world/world.ts';
import { FLOW_EVENT_FIELD_MASK } from '../../../src/hubble/flow-event-decoder.ts';
import { encodeHubble } from '../../../src/hubble/hubble-codec.ts';
import type { JsonObject } from '../../../src/hubble/hubble-codec.ts';
import { formatRfc3339Nanos } from '../../../src/hubble/rfc3339.ts';

export interface IngestWorldSize {
  readonly sites: number;
  readonly nodesPerSite: number;
  readonly services: number;
  /** Pods per Service: endpoints = services × replicas. */
  readonly replicas: number;
  /** Simulated time whose flows become frames. */
  readonly windowMs: number;
}

export const FULL_SIZE: IngestWorldSize = { sites: 100, nodesPerSite: 8, services: 10_000, replicas: 10, windowMs: 8000 };
export const QUICK_SIZE: IngestWorldSize = { sites: 20, nodesPerSite: 4, services: 1000, replicas: 10, windowMs: 1500 };

/** Flows are taken from a minute into the scenario, when every workload is up. */
const WARMED_UP_MS = 60_000;

export interface IngestWorld {
  readonly world: World;
  /** When the frames start: the inventory is the cluster at this time. */
  readonly fromMs: number;
}

export function createIngestWorld(size: IngestWorldSize): IngestWorld {
  const base = readFileSync(fileURLToPath(new URL('../../../simulator/scenarios/scale.yaml', import.meta.url)), 'utf8');
  const text = replaceAll(base, [
    [/^ {2}sites: \d+$/m, `  sites: ${size.sites}`],
    [/^ {2}nodesPerSite: \d+$/m, `  nodesPerSite: ${size.nodesPerSite}`],
    [/^ {2}services: \d+$/m, `  services: ${size.services}`],
    [/^ {2}replicas: .*$/m, `  replicas: [${size.replicas}, ${size.replicas}]`],
  ]);
  const parsed = parseScenario(text, 'ingest-bench');
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
  const world = createWorld(parsed.scenario);
  return { world, fromMs: world.startMs + WARMED_UP_MS };
}

function replaceAll(text: string, replacements: readonly (readonly [RegExp, string])[]): string {
  let result = text;
  for (const [pattern, replacement] of replacements) {
    if (!pattern.test(result)) throw new Error(`scale.yaml no longer has ${String(pattern)}`);
    result = result.replace(pattern, replacement);
  }
  return result;
}

/** The cluster's Kubernetes objects at the start of the frames, one JSON document a line. */
export function kubeObjectLines({ world, fromMs }: IngestWorld): string {
  return clusterObjects(world, fromMs)
    .map((object) => JSON.stringify(object))
    .join('\n');
}

/**
 * The window's flows as GetFlowsResponse messages, exactly as the emulator's GetFlows stream encodes them
 * for a client asking with FLOW_EVENT_FIELD_MASK (the bridge's request).
 */
export function encodeFlowFrames({ world, fromMs }: IngestWorld, windowMs: number): Buffer[] {
  const compiled = FlowFieldMask.compile(FLOW_EVENT_FIELD_MASK);
  if (!compiled.ok) throw new Error(compiled.message);
  const mask = compiled.mask;
  const nodes = new Map(world.cluster.nodes.map((node) => [node.name, node]));
  const context: SimFlowJsonContext = { version: HUBBLE_EMULATOR_VERSION, node: (name) => nodes.get(name) };
  const frames: Buffer[] = [];
  for (const flow of world.flowsBetween(fromMs, fromMs + windowMs)) {
    const envelope: JsonObject = { flow: mask.apply(simFlowJson(flow, context)), node_name: flow.nodeName, time: formatRfc3339Nanos(flow.timeNs) };
    const bytes = encodeHubble('observer.GetFlowsResponse', envelope);
    frames.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return frames;
}
