import { describe, expect, it } from 'vitest';
import { bytes, lenField, stringField, tag, varintField } from '../../test/hubble/wire.ts';
import { decodeHubble, decodeHubbleMessage, encodeHubble } from './hubble-codec.ts';
import { HUBBLE_ERROR_CODES } from './hubble-error.ts';
import { hubbleSchema } from './hubble-schema.ts';

describe('full codec', () => {
  it('keeps Cilium’s package and service names, so method paths are Hubble’s own', () => {
    const service = hubbleSchema().root.lookupService('observer.Observer');
    expect(service.fullName).toBe('.observer.Observer');
    expect(Object.keys(service.methods)).toEqual(['GetFlows', 'GetAgentEvents', 'GetDebugEvents', 'GetNodes', 'GetNamespaces', 'ServerStatus']);
    expect(service.methods.GetFlows?.responseStream).toBe(true);
    expect(hubbleSchema().type('observer.GetFlowsResponse').oneofs.response_types?.fieldsArray.map((f) => `${f.name}=${f.id}`)).toEqual([
      'flow=1',
      'node_status=2',
      'lost_events=3',
    ]);
  });

  it('has the Flow field numbers of the reference', () => {
    const numbers = Object.fromEntries(hubbleSchema().type('flow.Flow').fieldsArray.map((f) => [f.name, f.id]));
    expect(numbers).toMatchObject({
      time: 1, uuid: 34, emitter: 41, verdict: 2, drop_reason: 3, drop_reason_desc: 25, auth_type: 35, ethernet: 4, IP: 5, l4: 6,
      tunnel: 39, source: 8, destination: 9, Type: 10, node_name: 11, node_labels: 37, source_names: 13, destination_names: 14,
      l7: 15, reply: 16, event_type: 19, source_service: 20, destination_service: 21, traffic_direction: 22,
      policy_match_type: 23, trace_observation_point: 24, trace_reason: 36, file: 38, ip_trace_id: 40, is_reply: 26,
      debug_capture_point: 27, interface: 28, proxy_port: 29, trace_context: 30, sock_xlate_point: 31, socket_cookie: 32,
      cgroup_id: 33, Summary: 100000, extensions: 150000, egress_allowed_by: 21001, ingress_allowed_by: 21002,
      egress_denied_by: 21004, ingress_denied_by: 21005, policy_log: 21006, aggregate: 21007,
    });
  });

  it('skips an unknown field number on the wire instead of failing', () => {
    const flow = encodeHubble('flow.Flow', { verdict: 'FORWARDED', node_name: 'n1' });
    const withUnknown = bytes(flow, varintField(4242, 1), stringField(77777, 'new'), tag(9999, 5), [1, 2, 3, 4]);
    expect(decodeHubble('flow.Flow', withUnknown)).toEqual({ verdict: 'FORWARDED', node_name: 'n1' });
    // Nor are unknown fields kept and written back: what the bridge re-encodes is what it understood.
    expect(encodeHubble('flow.Flow', decodeHubble('flow.Flow', withUnknown))).toEqual(flow);
  });

  it('encodes and decodes every message the service uses', () => {
    const status = { num_flows: '4095', max_flows: '4095', seen_flows: '123456', uptime_ns: '1000', num_connected_nodes: 3, version: '1.19.4', flows_rate: 13.5 };
    expect(decodeHubble('observer.ServerStatusResponse', encodeHubble('observer.ServerStatusResponse', status))).toEqual(status);
    const nodes = { nodes: [{ name: 'kind/kind-worker', version: 'v1.19.4', address: '10.0.0.2:4244', state: 'NODE_CONNECTED', tls: { enabled: true, server_name: 'x' }, num_flows: '1' }] };
    expect(decodeHubble('observer.GetNodesResponse', encodeHubble('observer.GetNodesResponse', nodes))).toEqual(nodes);
  });

  it.each([
    ['truncated', bytes(lenField(1, [1, 2, 3]).slice(0, 3))],
    ['a length past the end', bytes(tag(1, 2), [0xff, 0xff, 0xff, 0xff, 0x07])],
    ['wire type 7', bytes(tag(3, 7))],
  ])('turns %s bytes into ISTHMUS_E_HUBBLE_DECODE', (_what, message) => {
    expect(() => decodeHubble('observer.GetFlowsResponse', message)).toThrow(
      expect.objectContaining({ code: HUBBLE_ERROR_CODES.decode, name: 'HubbleError' }) as Error,
    );
    expect(() => decodeHubbleMessage('observer.GetFlowsResponse', message)).toThrow(/malformed observer.GetFlowsResponse/);
  });

  it('turns a timestamp that has no JSON form into ISTHMUS_E_HUBBLE_DECODE', () => {
    const badNanos = bytes(lenField(1001, varintField(2, 2_000_000_000)));
    expect(() => decodeHubble('observer.GetFlowsResponse', badNanos)).toThrow(expect.objectContaining({ code: HUBBLE_ERROR_CODES.decode }) as Error);
  });
});
