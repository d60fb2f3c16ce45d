import { describe, expect, it } from 'vitest';
import { readHubbleSamples } from '../../test/hubble/hubble-samples.ts';
import { bytes, lenField, stringField, tag, varint, varintField } from '../../test/hubble/wire.ts';
import { FlowEventDecoder } from './flow-event-decoder.ts';
import { parseFlowJson } from './flow-json.ts';
import { decodeHubble, encodeHubble } from './hubble-codec.ts';
import { HUBBLE_ERROR_CODES, isHubbleError } from './hubble-error.ts';
import type { HubbleEvent } from './hubble-event.ts';
import { hubbleEventFromJson } from './hubble-event-from-json.ts';

const samples = readHubbleSamples();

/** The reference path: every field through protobuf.js, then the JSON mapper the flow-log reader uses. */
function fullPath(message: Uint8Array): HubbleEvent {
  return hubbleEventFromJson(decodeHubble('observer.ExportEvent', message));
}

function encodeLine(line: unknown): Uint8Array {
  return encodeHubble('observer.ExportEvent', line, { ignoreUnknownFields: false });
}

function flowOf(event: HubbleEvent) {
  if (event.kind !== 'flow') throw new Error(`expected a flow, got ${event.kind}`);
  return event.flow;
}

describe('FlowEventDecoder (hot path)', () => {
  describe.each(samples)('$file line $line', ({ text, envelope }) => {
    const message = parseFlowJson(text, { envelope });

    it('agrees with the full decoder', () => {
      expect(new FlowEventDecoder().decode(message)).toEqual(fullPath(message));
    });

    it('agrees with the JSON line read directly (the flow-log path)', () => {
      expect(new FlowEventDecoder().decode(message)).toEqual(hubbleEventFromJson(JSON.parse(text)));
    });
  });

  it('reads the exporter sample into the domain Flow field by field', () => {
    const text = samples.find((s) => s.text.includes('POLICY_DENIED'))?.text ?? '';
    const event = new FlowEventDecoder().decode(parseFlowJson(text, { envelope: 'observer.ExportEvent' }));
    const timeNs = BigInt(Date.UTC(2023, 7, 21, 12, 12, 18)) * 1_000_000n + 510_175_415n;
    expect(event).toEqual({
      kind: 'flow',
      nodeName: 'kind-kind/kind-worker',
      timeNs,
      flow: {
        timeNs,
        uuid: '',
        nodeName: 'kind-kind/kind-worker',
        type: 'UNKNOWN_TYPE',
        verdict: 'DROPPED',
        dropReason: 'POLICY_DENIED',
        protocol: 'TCP',
        source: { ip: '10.244.1.60', port: 44916, namespace: 'default', podName: 'xwing', identity: 0, labels: [], serviceName: '', serviceNamespace: '' },
        destination: {
          ip: '10.244.1.5',
          port: 80,
          namespace: 'default',
          podName: 'deathstar-7848d6c4d5-th9v2',
          identity: 0,
          labels: [],
          serviceName: '',
          serviceNamespace: '',
        },
        trafficDirection: 'TRAFFIC_DIRECTION_UNKNOWN',
        isReply: undefined,
        l7LatencySeconds: undefined,
      },
    });
  });

  it('reads labels, identity, L7 type and the reply flag from the DNS samples', () => {
    const response = samples.find((s) => s.text.includes('"RESPONSE"'))?.text ?? '';
    const flow = flowOf(new FlowEventDecoder().decode(parseFlowJson(response)));
    expect(flow).toMatchObject({ type: 'L7', verdict: 'FORWARDED', trafficDirection: 'EGRESS', isReply: true, protocol: 'TCP' });
    expect(flow.source).toMatchObject({ ip: '10.156.2.3', port: 53, namespace: 'kube-system', podName: 'kube-dns-b4f5c58c7-vnx5s', identity: 796 });
    expect(flow.source.labels).toContain('k8s:k8s-app=kube-dns');
  });

  const synthetic: [string, unknown][] = [
    [
      'services, SCTP, a drop reason newer than the schema',
      {
        flow: {
          time: '2025-03-01T10:00:00.000000001Z',
          uuid: 'u-1',
          verdict: 'DROPPED',
          drop_reason_desc: 250,
          l4: { SCTP: { source_port: 3868, destination_port: 3869 } },
          source: { namespace: 'a', pod_name: 'p', labels: ['k8s:app=x'] },
          source_service: { name: 'svc-a', namespace: 'a' },
          destination_service: { name: 'svc-b', namespace: 'b' },
          Type: 'L3_L4',
          traffic_direction: 'INGRESS',
        },
      },
    ],
    ['the deprecated numeric drop_reason when drop_reason_desc is absent', { flow: { verdict: 'DROPPED', drop_reason: 133 } }],
    ['the deprecated reply=true without is_reply', { flow: { reply: true } }],
    ['the deprecated reply=false without is_reply (unknown, not false)', { flow: { reply: false, verdict: 'FORWARDED' } }],
    ['is_reply=false over reply=true', { flow: { reply: true, is_reply: false } }],
    ['the envelope time when the flow has none', { flow: { verdict: 'FORWARDED' }, time: '2025-01-01T00:00:00.5Z', node_name: 'n' }],
    ['no time at all', { flow: { node_name: 'n' } }],
    ['a time before 1970', { flow: { time: '1969-12-31T23:59:59.250Z' } }],
    ['ICMPv4 (no ports)', { flow: { l4: { ICMPv4: { type: 8, code: 0 } } } }],
    ['VRRP (an L4 protocol the domain does not name)', { flow: { l4: { VRRP: { type: 1, vrid: 2, priority: 100 } } } }],
    ['enum numbers the schema does not name', { flow: { verdict: 42, Type: 9, traffic_direction: 7 } }],
    ['the largest latency_ns', { flow: { Type: 'L7', l7: { type: 'RESPONSE', latency_ns: '18446744073709551615' } } }],
    ['lost events with cpu 0', { lost_events: { source: 'PERF_EVENT_RING_BUFFER', num_events_lost: '12', cpu: 0, first: '2025-01-01T00:00:00Z', last: '2025-01-01T00:00:01Z' }, node_name: 'n' }],
    ['lost events from a source the schema does not name', { lost_events: { source: 9, num_events_lost: '1' } }],
    ['node status', { node_status: { state_change: 'NODE_GONE', node_names: ['a', 'b'], message: 'bye' }, time: '2025-01-01T00:00:00Z' }],
    ['an agent event', { agent_event: { type: 'AGENT_STARTED' }, node_name: 'n' }],
    ['a debug event', { debug_event: { type: 'DBG_CT_LOOKUP' } }],
    ['an envelope with no payload', { node_name: 'n' }],
  ];

  it.each(synthetic)('agrees with the full decoder on %s', (_what, line) => {
    const message = encodeLine(line);
    const hot = new FlowEventDecoder().decode(message);
    expect(hot).toEqual(fullPath(message));
    expect(hot).toEqual(hubbleEventFromJson(line));
  });

  it('spells out the tricky cases', () => {
    const decoder = new FlowEventDecoder();
    const read = (line: unknown) => decoder.decode(encodeLine(line));
    expect(flowOf(read({ flow: { verdict: 'DROPPED', drop_reason: 133 } })).dropReason).toBe('POLICY_DENIED');
    expect(flowOf(read({ flow: { drop_reason_desc: 250 } })).dropReason).toBe('250');
    expect(flowOf(read({ flow: { reply: false } })).isReply).toBeUndefined();
    expect(flowOf(read({ flow: { is_reply: false } })).isReply).toBe(false);
    expect(flowOf(read({ flow: {}, time: '1970-01-01T00:00:01Z' })).timeNs).toBe(1_000_000_000n);
    expect(flowOf(read({ flow: { time: '1969-12-31T23:59:59.250Z' } })).timeNs).toBe(-750_000_000n);
    expect(flowOf(read({ flow: { verdict: 42, Type: 9 } }))).toMatchObject({ verdict: 'VERDICT_UNKNOWN', type: 'UNKNOWN_TYPE' });
    expect(flowOf(read({ flow: { l7: { latency_ns: '1500000' } } })).l7LatencySeconds).toBe(0.0015);
    expect(read({ lost_events: { source: 9, num_events_lost: '1' } })).toMatchObject({ kind: 'lost_events', source: '9', cpu: undefined });
    expect(read({ node_status: { state_change: 'NODE_GONE', node_names: ['a'] } })).toMatchObject({ state: 'NODE_GONE', nodeNames: ['a'] });
  });

  it('shares one frozen label list between flows of the same workload', () => {
    const decoder = new FlowEventDecoder();
    const message = parseFlowJson(samples.find((s) => s.text.includes('prometheus'))?.text ?? '');
    const a = flowOf(decoder.decode(message)).source.labels;
    const b = flowOf(decoder.decode(message)).source.labels;
    expect(a.length).toBeGreaterThan(0);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('keeps correct values when caches are tiny and every lookup collides', () => {
    const decoder = new FlowEventDecoder({ stringCacheSize: 2, labelSetCacheSize: 2, endpointCacheSize: 2 });
    for (const { text, envelope } of [...samples, ...samples]) {
      const message = parseFlowJson(text, { envelope });
      expect(decoder.decode(message)).toEqual(fullPath(message));
    }
  });

  it('tells endpoints and strings apart by their bytes, whatever their size or script', () => {
    const line = JSON.parse(samples[0]?.text ?? '') as { flow: Record<string, unknown> };
    // Endpoints of about 40, 150 and 500 bytes (the cache keeps the larger ones in copies of their own),
    // pod names differing only past ASCII, and one label list shared by two pods.
    const labels = (count: number, app: string) => Array.from({ length: count }, (_, i) => `k8s:io.cilium.k8s.policy.label-${i}=${app}`);
    const endpoints = [
      { namespace: 'a', pod_name: 'p', identity: 1 },
      { namespace: 'shop', pod_name: 'api-0', identity: 2, labels: labels(3, 'api') },
      { namespace: 'shop', pod_name: 'api-1', identity: 2, labels: labels(3, 'api') },
      { namespace: 'shop', pod_name: 'web-0', identity: 3, labels: labels(12, 'web') },
      { namespace: 'zoo', pod_name: 'żółw-0', identity: 4, labels: ['k8s:app=żółw'] },
      { namespace: 'zoo', pod_name: 'żółx-0', identity: 4, labels: ['k8s:app=żółx'] },
    ];
    const messages = endpoints.flatMap((source, i) =>
      endpoints.map((destination, j) => encodeLine({ ...line, flow: { ...line.flow, uuid: `u-${i}-${j}`, source, destination } })),
    );
    for (const decoder of [new FlowEventDecoder(), new FlowEventDecoder({ stringCacheSize: 4, labelSetCacheSize: 2, endpointCacheSize: 2 })]) {
      for (const message of [...messages, ...messages.toReversed(), ...messages]) expect(decoder.decode(message)).toEqual(fullPath(message));
    }
  });

  describe('protobuf rules', () => {
    const text = samples[0]?.text ?? '';
    const line = JSON.parse(text) as { flow: unknown; node_name: string; time: string };
    const flowBytes = encodeHubble('flow.Flow', line.flow);
    const envelopeBytes = encodeHubble('observer.GetFlowsResponse', { node_name: line.node_name, time: line.time });
    const original = bytes(lenField(1, flowBytes), envelopeBytes);

    const unknownFields = [
      ...varintField(999, 7n ** 20n), // varint, 64 bits wide
      ...stringField(5000, 'from a newer Hubble'),
      ...tag(77, 5), 1, 2, 3, 4, // fixed32
      ...tag(78, 1), 1, 2, 3, 4, 5, 6, 7, 8, // fixed64
      ...tag(79, 3), ...varintField(1, 1), ...tag(79, 4), // a group
    ];

    it('skips fields it does not know, at every level, in both decoders', () => {
      const withUnknown = bytes(
        lenField(1, [...flowBytes, ...unknownFields, ...lenField(8, unknownFields), ...lenField(5, unknownFields)]),
        unknownFields,
        envelopeBytes,
        lenField(4000, unknownFields),
      );
      const expected = new FlowEventDecoder().decode(original);
      expect(new FlowEventDecoder().decode(withUnknown)).toEqual(expected);
      expect(fullPath(withUnknown)).toEqual(expected);
      expect(decodeHubble('observer.GetFlowsResponse', withUnknown)).toEqual(decodeHubble('observer.GetFlowsResponse', original));
    });

    it('skips a known field sent with another wire type, in both decoders', () => {
      // verdict (2) as a string, node_name (11) as a varint, source (8) as fixed32.
      const odd = [...stringField(2, 'DROPPED'), ...varintField(11, 5), ...tag(8, 5), 0, 0, 0, 0];
      const message = bytes(lenField(1, [...flowBytes, ...odd]), envelopeBytes);
      const hot = new FlowEventDecoder().decode(message);
      expect(hot).toEqual(fullPath(message));
      expect(hot).toEqual(new FlowEventDecoder().decode(original));
    });

    it('merges a repeated message field and lets the last oneof member win, in both decoders', () => {
      const more = [
        ...lenField(8, stringField(4, 'k8s:extra=1')), // a second `source`: labels append
        ...lenField(6, lenField(2, varintField(2, 53))), // l4 switches from TCP to UDP
      ];
      const message = bytes(lenField(1, [...flowBytes, ...more]), envelopeBytes);
      const hot = new FlowEventDecoder().decode(message);
      expect(hot).toEqual(fullPath(message));
      // Also when the first `source` comes from the endpoint cache, and afterwards from a clean cache.
      const warm = new FlowEventDecoder();
      warm.decode(original);
      expect(warm.decode(message)).toEqual(hot);
      expect(warm.decode(original)).toEqual(new FlowEventDecoder().decode(original));
      expect(flowOf(hot)).toMatchObject({ protocol: 'UDP', source: { port: 0 }, destination: { port: 53 } });
      expect(flowOf(hot).source.labels).toHaveLength(5);
      expect(flowOf(hot).source.labels.at(-1)).toBe('k8s:extra=1');
    });
  });

  describe('hostile bytes', () => {
    const messages = samples.map(({ text, envelope }) => parseFlowJson(text, { envelope }));

    function outcome(decode: () => HubbleEvent): HubbleEvent | 'error' {
      try {
        return decode();
      } catch (error) {
        if (!isHubbleError(error) || error.code !== HUBBLE_ERROR_CODES.decode) throw error;
        return 'error';
      }
    }

    it('turns every truncation of every sample into a typed error or a shorter valid message, like the full decoder', () => {
      const decoder = new FlowEventDecoder();
      let errors = 0;
      for (const message of messages) {
        for (let length = 0; length < message.length; length++) {
          const prefix = message.subarray(0, length);
          const hot = outcome(() => decoder.decode(prefix));
          expect(hot).toEqual(outcome(() => fullPath(prefix)));
          if (hot === 'error') errors++;
        }
      }
      expect(errors).toBeGreaterThan(1000);
    });

    it('never throws anything but a typed error on random damage', () => {
      const decoder = new FlowEventDecoder();
      let seed = 12345;
      const random = (n: number) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      for (let round = 0; round < 3000; round++) {
        const source = messages[random(messages.length)] ?? new Uint8Array();
        const damaged = Uint8Array.from(source);
        for (let flips = 1 + random(4); flips > 0; flips--) damaged[random(damaged.length)] = random(256);
        outcome(() => decoder.decode(damaged));
        outcome(() => fullPath(damaged));
      }
    });

    it.each([
      ['a length prefix of 2^31', bytes(tag(1, 2), varint(2 ** 31))],
      ['a length prefix of 2^62', bytes(tag(1, 2), varint(2n ** 62n))],
      ['a huge length inside the flow', bytes(lenField(1, [...tag(8, 2), ...varint(2 ** 32 - 1)]))],
      ['a huge string length', bytes(lenField(1, [...tag(34, 2), ...varint(1 << 30), 0x61]))],
      ['wire type 6', bytes(tag(5, 6), [0])],
      ['wire type 7 inside the flow', bytes(lenField(1, [...tag(2, 7), 0]))],
      ['an end of group without a start', bytes(tag(9, 4))],
      ['a group never ended', bytes(tag(9, 3), varintField(1, 1))],
      ['invalid UTF-8 in the uuid', bytes(lenField(1, lenField(34, [0xc3, 0x28])))],
    ])('rejects %s with a typed error, in both decoders', (_what, message) => {
      const before = process.memoryUsage().arrayBuffers;
      expect(outcome(() => new FlowEventDecoder().decode(message))).toBe('error');
      expect(outcome(() => fullPath(message))).toBe('error');
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    });

    it('rejects a varint longer than 10 bytes (protobuf.js only skips it: no crash either way)', () => {
      const message = bytes(tag(1, 0), new Array<number>(10).fill(0xff), [1]);
      expect(outcome(() => new FlowEventDecoder().decode(message))).toBe('error');
      outcome(() => fullPath(message));
    });

    it('rejects field number 0 and groups nested past the limit without overflowing the stack', () => {
      const decoder = new FlowEventDecoder();
      expect(outcome(() => decoder.decode(bytes([0x00, 0x01])))).toBe('error');
      const open = Array.from({ length: 5000 }, () => tag(9, 3)).flat();
      const close = Array.from({ length: 5000 }, () => tag(9, 4)).flat();
      expect(outcome(() => decoder.decode(bytes(open, close)))).toBe('error');
      expect(outcome(() => fullPath(bytes(open, close)))).toBe('error');
    });

    it('is usable again after an error', () => {
      const decoder = new FlowEventDecoder();
      const good = messages[0] ?? new Uint8Array();
      expect(outcome(() => decoder.decode(good.subarray(0, 20)))).toBe('error');
      expect(decoder.decode(good)).toEqual(fullPath(good));
    });
  });
});
