import { describe, expect, it } from 'vitest';
import { FlowEventDecoder } from '../../src/hubble/flow-event-decoder.ts';
import { formatFlowJson, parseFlowJson } from '../../src/hubble/flow-json.ts';
import { encodeHubble } from '../../src/hubble/hubble-codec.ts';
import type { SimFlow } from '../world/sim-flow.ts';
import { hubbleTestWorld } from './hubble-test-world.ts';
import { simFlowJson } from './sim-flow-json.ts';

const world = hubbleTestWorld();
const now = world.clock.now();
const records = [...world.flowsBetween(now - 20_000, now)];
const context = { version: '1.19.4', node: (name: string) => world.cluster.nodes.find((node) => node.name === name) };

function response(flow: SimFlow): Uint8Array {
  return encodeHubble('observer.GetFlowsResponse', { flow: simFlowJson(flow, context), node_name: flow.nodeName, time: '2025-03-01T12:00:59Z' }, { ignoreUnknownFields: false });
}

function find(predicate: (flow: SimFlow) => boolean): SimFlow {
  const flow = records.find(predicate);
  if (flow === undefined) throw new Error('the fixture has no such record');
  return flow;
}

type Fields = Record<string, unknown>;
const json = (flow: SimFlow): Fields => simFlowJson(flow, context);

describe('simFlowJson', () => {
  it('renders every record as a valid Flow that round-trips through Hubble\'s JSON form', () => {
    expect(records.length).toBeGreaterThan(500);
    for (const flow of records) {
      const bytes = response(flow);
      const line = formatFlowJson(bytes);
      expect(parseFlowJson(line, { ignoreUnknownFields: false })).toEqual(bytes);
    }
  });

  it('decodes, through the bridge\'s decoder, to the world\'s own Flow for pod-to-pod records', () => {
    const decoder = new FlowEventDecoder();
    let compared = 0;
    for (const flow of records) {
      if (flow.destination.podName === '') continue;
      const event = decoder.decode(response(flow));
      if (event.kind !== 'flow') throw new Error(`decoded a ${event.kind}`);
      expect(event.flow).toEqual({
        timeNs: flow.timeNs,
        uuid: flow.uuid,
        nodeName: flow.nodeName,
        type: flow.type,
        verdict: flow.verdict,
        dropReason: flow.dropReason,
        protocol: flow.protocol,
        source: flow.source,
        destination: flow.destination,
        trafficDirection: flow.trafficDirection,
        isReply: flow.isReply,
        l7LatencySeconds: flow.l7LatencySeconds === undefined ? undefined : (expect.closeTo(flow.l7LatencySeconds, 9) as unknown),
      });
      compared++;
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('gives a cross-node connection\'s first packet the fields Hubble sets on a trace event', () => {
    const flow = find((f) => f.type === 'L3_L4' && f.verdict === 'FORWARDED' && f.protocol === 'TCP' && f.backend?.node.name !== f.client.node.name);
    const out = json(flow);
    expect(out).toMatchObject({
      uuid: flow.uuid,
      verdict: 'FORWARDED',
      emitter: { name: 'Hubble', version: '1.19.4' },
      ethernet: { source: expect.stringMatching(/^0a:58:0a:f4:01:/) as unknown },
      IP: { source: flow.source.ip, destination: flow.destination.ip, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: flow.source.port, destination_port: 8443, flags: { SYN: true } } },
      Type: 'L3_L4',
      node_name: 'worker-a',
      event_type: { type: 4, sub_type: 11 },
      traffic_direction: 'EGRESS',
      trace_observation_point: 'TO_NETWORK',
      trace_reason: 'NEW',
      is_reply: false,
      interface: { name: 'eth0' },
      Summary: 'TCP Flags: SYN',
    });
    expect(out.node_labels).toEqual(expect.arrayContaining([expect.stringMatching(/=/)]));
    // The client is local to the observing node (endpoint ID); the backend is not.
    expect(out.source).toMatchObject({ ID: expect.any(Number) as unknown, identity: flow.source.identity, cluster_name: 'default', namespace: 'shop', pod_name: flow.client.name, workloads: [{ name: 'frontend', kind: 'Deployment' }] });
    expect((out.source as Fields).labels).toEqual(expect.arrayContaining(['k8s:tier=web', 'k8s:io.kubernetes.pod.namespace=shop']));
    expect(out.destination).not.toHaveProperty('ID');
    expect((out.destination as Fields).labels).toContain('k8s:app=payments');
    // Hubble resolves Services only for frontend addresses, and these are pod addresses.
    expect(out).not.toHaveProperty('source_service');
    expect(out).not.toHaveProperty('destination_service');
    expect(out).not.toHaveProperty('l7');
  });

  it('delivers to a pod on the same node at TO_ENDPOINT', () => {
    const flow = find((f) => f.type === 'L3_L4' && f.verdict === 'FORWARDED' && f.service.name === 'catalog');
    expect(json(flow)).toMatchObject({ trace_observation_point: 'TO_ENDPOINT', event_type: { type: 4, sub_type: 0 } });
    expect(json(flow).destination).toHaveProperty('ID');
  });

  it('marks policy drops with the reason, as a drop event with no observation point', () => {
    const flow = find((f) => f.dropReason === 'POLICY_DENIED');
    const out = json(flow);
    expect(out).toMatchObject({ verdict: 'DROPPED', drop_reason: 133, drop_reason_desc: 'POLICY_DENIED', event_type: { type: 1, sub_type: 133 }, traffic_direction: 'INGRESS', node_name: 'worker-b' });
    expect(out).not.toHaveProperty('trace_observation_point');
  });

  it('resolves the Service only for a ClusterIP that was never translated (no endpoints)', () => {
    const flow = find((f) => f.dropReason === 'SERVICE_BACKEND_NOT_FOUND');
    const out = json(flow);
    expect(out).toMatchObject({ drop_reason: 158, destination_service: { name: 'ghost', namespace: 'shop' }, destination: { identity: 2, labels: ['reserved:world'] } });
    expect((out.IP as Fields).destination).toBe(flow.service.clusterIps[0]);
  });

  it('renders HTTP requests and responses as L7 records with latency and Hubble\'s summaries', () => {
    const request = find((f) => f.http?.type === 'REQUEST' && f.service.name === 'payments');
    expect(json(request)).toMatchObject({
      Type: 'L7',
      l7: { type: 'REQUEST', http: { method: 'POST', url: 'http://payments.shop.svc.cluster.local:443/charge', protocol: 'HTTP/1.1' } },
      event_type: { type: 129 },
      is_reply: false,
      Summary: 'HTTP/1.1 POST http://payments.shop.svc.cluster.local:443/charge',
    });
    expect(json(request)).not.toHaveProperty('ethernet');
    expect((json(request).l7 as Fields)).not.toHaveProperty('latency_ns');
    const reply = find((f) => f.http?.type === 'RESPONSE' && f.http.code === 200);
    const out = json(reply);
    const latencyNs = Math.round((reply.l7LatencySeconds ?? 0) * 1e9);
    expect(out).toMatchObject({ l7: { type: 'RESPONSE', latency_ns: String(latencyNs), http: { code: 200 } }, is_reply: true, traffic_direction: 'EGRESS' });
    expect(out.Summary).toMatch(/^HTTP\/1\.1 200 \d+ms \((GET|POST) http:\/\/.+\)$/);
    expect((out.l4 as Fields).TCP).not.toHaveProperty('flags');
  });

  it('writes UDP ports without flags, and the protocol as the summary', () => {
    const flow = find((f) => f.protocol === 'UDP');
    expect(json(flow)).toMatchObject({ l4: { UDP: { destination_port: 53 } }, Summary: 'UDP' });
  });

});
