import { describe, expect, it } from 'vitest';
import { FLOW_EVENT_FIELD_MASK, FlowEventDecoder } from '../../src/hubble/flow-event-decoder.ts';
import { decodeHubble, encodeHubble } from '../../src/hubble/hubble-codec.ts';
import type { JsonObject } from '../../src/hubble/hubble-codec.ts';
import { FlowFieldMask } from './flow-field-mask.ts';
import { hubbleTestWorld } from './hubble-test-world.ts';
import { simFlowJson } from './sim-flow-json.ts';

const world = hubbleTestWorld();
const now = world.clock.now();
const context = { version: '1.19.4', node: (name: string) => world.cluster.nodes.find((node) => node.name === name) };
const flows = [...world.flowsBetween(now - 10_000, now)].map((flow) => simFlowJson(flow, context));

function mask(paths: readonly string[]): FlowFieldMask {
  const compiled = FlowFieldMask.compile(paths);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.mask;
}

function envelope(flow: JsonObject): Uint8Array {
  return encodeHubble('observer.GetFlowsResponse', { flow, node_name: 'worker-a', time: '2025-03-01T12:00:59Z' });
}

describe('FlowFieldMask', () => {
  it('keeps, with FLOW_EVENT_FIELD_MASK, everything the hot-path decoder reads: masked and whole flows decode alike', () => {
    const masked = mask(FLOW_EVENT_FIELD_MASK);
    const whole = new FlowEventDecoder();
    const partial = new FlowEventDecoder();
    for (const flow of flows) {
      expect(partial.decode(envelope(masked.apply(flow)))).toEqual(whole.decode(envelope(flow)));
    }
  });

  it('drops what the bridge does not read, and makes the message much smaller', () => {
    const masked = mask(FLOW_EVENT_FIELD_MASK);
    let wholeBytes = 0;
    let maskedBytes = 0;
    for (const flow of flows) {
      const kept = decodeHubble('flow.Flow', encodeHubble('flow.Flow', masked.apply(flow)));
      for (const absent of ['ethernet', 'emitter', 'event_type', 'Summary', 'trace_observation_point', 'node_labels', 'interface', 'drop_reason']) expect(kept).not.toHaveProperty(absent);
      expect(kept.source).not.toHaveProperty('workloads');
      expect(kept.source).not.toHaveProperty('ID');
      // Requests have no latency: their l7 is present but empty.
      if (kept.l7 !== undefined) expect(['latency_ns']).toEqual(expect.arrayContaining(Object.keys(kept.l7 as object)));
      wholeBytes += encodeHubble('flow.Flow', flow).length;
      maskedBytes += encodeHubble('flow.Flow', masked.apply(flow)).length;
    }
    expect(maskedBytes).toBeLessThan(wholeBytes * 0.75);
  });

  it('keeps one field of a message for a nested path, all of it for a short one', () => {
    const flow = flows[0] ?? {};
    expect(mask(['source.pod_name', 'verdict']).apply(flow)).toEqual({ verdict: flow.verdict, source: { pod_name: (flow.source as JsonObject).pod_name } });
    expect(mask(['source', 'source.pod_name']).apply(flow)).toEqual({ source: flow.source });
    expect(mask(['source.pod_name', 'source']).apply(flow)).toEqual({ source: flow.source });
    expect(mask(['l7.latency_ns']).apply({ Type: 'L3_L4' })).toEqual({});
  });

  it('refuses what Hubble\'s fieldmaskpb refuses: unknown fields (names are case-sensitive) and paths through non-messages', () => {
    for (const path of ['nope', 'source.id', 'source.labels.x', 'Summary.x', 'type', '', 'source..pod_name']) {
      const compiled = FlowFieldMask.compile([path]);
      expect(compiled.ok, path).toBe(false);
    }
    expect(FlowFieldMask.compile(['source.ID', 'IP.source', 'l4.TCP.flags.SYN', 'Type']).ok).toBe(true);
  });
});
