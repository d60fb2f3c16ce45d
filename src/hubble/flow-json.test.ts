import { describe, expect, it } from 'vitest';
import { readHubbleSamples } from '../../test/hubble/hubble-samples.ts';
import { formatFlowJson, parseFlowJson } from './flow-json.ts';
import { HUBBLE_ERROR_CODES } from './hubble-error.ts';

const samples = readHubbleSamples();

describe('Hubble JSON form', () => {
  it('has the real samples to test against', () => {
    // 2 exporter lines + 5 HTTP + 5 DNS flows (shared/reference/samples/hubble).
    expect(samples).toHaveLength(12);
  });

  describe.each(samples)('$file line $line', ({ text, envelope }) => {
    // Strict: every key of the sample must be a field the definitions know, or parsing fails.
    const bytes = parseFlowJson(text, { envelope, ignoreUnknownFields: false });

    it('comes back byte-identical through protobuf bytes', () => {
      expect(formatFlowJson(bytes, { envelope })).toBe(text);
    });

    it('comes back deep-equal through protobuf bytes', () => {
      expect(JSON.parse(formatFlowJson(bytes, { envelope }))).toEqual(JSON.parse(text));
    });

    it('reads the same as a GetFlowsResponse and as an ExportEvent (same envelope numbers)', () => {
      const other = envelope === 'observer.ExportEvent' ? 'observer.GetFlowsResponse' : 'observer.ExportEvent';
      expect(parseFlowJson(text, { envelope: other })).toEqual(bytes);
    });
  });

  it('writes the JSON rules Hubble uses: proto names, enum names, 64-bit strings, bare wrappers, oneof keys', () => {
    const line = {
      flow: {
        time: '1970-01-01T00:20:34.567800Z',
        uuid: 'c6e8c3a5-2f0e-4c6a-9b7e-0f5d8f1b2a3c',
        verdict: 'DROPPED',
        IP: { source: '1.1.1.1', destination: '2.2.2.2', ipVersion: 'IPv4' },
        l4: { TCP: { source_port: 31793, destination_port: 8080, flags: { SYN: true } } },
        source: { identity: 4 },
        destination: {},
        Type: 'L3_L4',
        node_name: 'k8s1',
        l7: { type: 'RESPONSE', latency_ns: '999958359', http: { code: 200 } },
        event_type: { type: 1, sub_type: 133 },
        ip_trace_id: { trace_id: '18446744073709551615', ip_option_type: 136 },
        drop_reason_desc: 'POLICY_DENIED',
        is_reply: false,
        socket_cookie: '9007199254740993',
        Summary: 'TCP Flags: SYN',
      },
      node_name: 'k8s1',
      time: '2023-08-21T12:12:18.510175415Z',
    };
    const text = JSON.stringify(line);
    expect(formatFlowJson(parseFlowJson(text, { ignoreUnknownFields: false }))).toBe(text);
  });

  it('leaves zero values out and keeps a present but empty message as {}', () => {
    const bytes = parseFlowJson('{"flow":{"verdict":"VERDICT_UNKNOWN","source":{},"node_name":"","is_reply":false}}');
    expect(formatFlowJson(bytes)).toBe('{"flow":{"source":{},"is_reply":false}}');
  });

  it('prints enum numbers the definitions do not name as numbers, and reads them back', () => {
    const bytes = parseFlowJson('{"flow":{"verdict":42,"drop_reason_desc":250}}');
    expect(formatFlowJson(bytes)).toBe('{"flow":{"verdict":42,"drop_reason_desc":250}}');
  });

  it('escapes <, >, & and U+2028 like Go’s json.Encoder, and reads the escapes back', () => {
    const url = 'http://a/b?x=1&y=<2>\u2028';
    const bytes = parseFlowJson(JSON.stringify({ flow: { l7: { http: { url } } } }));
    const text = formatFlowJson(bytes);
    expect(text).toBe('{"flow":{"l7":{"http":{"url":"http://a/b?x=1\\u0026y=\\u003c2\\u003e\\u2028"}}}}');
    expect(formatFlowJson(parseFlowJson(text), { escapeHtml: false })).toBe(JSON.stringify({ flow: { l7: { http: { url } } } }));
  });

  it('accepts lowerCamelCase keys and numbers as strings on input, as protobuf JSON readers do', () => {
    const bytes = parseFlowJson('{"flow":{"nodeName":"n1","source":{"podName":"p","identity":"7"},"isReply":true}}');
    expect(formatFlowJson(bytes)).toBe('{"flow":{"source":{"identity":7,"pod_name":"p"},"node_name":"n1","is_reply":true}}');
  });

  it('reads lost events and node status, which are stream items like flows', () => {
    for (const text of [
      '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"3","cpu":0,"first":"2025-01-01T00:00:00Z","last":"2025-01-01T00:00:01.500Z"},"node_name":"n1","time":"2025-01-01T00:00:02Z"}',
      '{"node_status":{"state_change":"NODE_UNAVAILABLE","node_names":["a","b"],"message":"connection refused"},"time":"2025-01-01T00:00:02Z"}',
    ]) {
      expect(formatFlowJson(parseFlowJson(text, { ignoreUnknownFields: false }))).toBe(text);
    }
  });

  it('writes exporter-only members (agent and debug events) of an ExportEvent', () => {
    const text = '{"agent_event":{"type":"AGENT_STARTED","agent_start":{"time":"2025-01-01T00:00:00Z"}},"node_name":"n1"}';
    const envelope = 'observer.ExportEvent';
    expect(formatFlowJson(parseFlowJson(text, { envelope, ignoreUnknownFields: false }), { envelope })).toBe(text);
  });

  it('skips keys it does not know by default, and names them when asked to be strict', () => {
    const text = '{"flow":{"verdict":"FORWARDED","from_the_future":{"x":1}}}';
    expect(formatFlowJson(parseFlowJson(text))).toBe('{"flow":{"verdict":"FORWARDED"}}');
    expect(() => parseFlowJson(text, { ignoreUnknownFields: false })).toThrow(/from_the_future/);
  });

  it('skips enum names it does not know by default (a newer Hubble), and rejects them when strict', () => {
    const text = '{"flow":{"verdict":"MAYBE","node_name":"n"}}';
    expect(formatFlowJson(parseFlowJson(text))).toBe('{"flow":{"node_name":"n"}}');
    expect(() => parseFlowJson(text, { ignoreUnknownFields: false })).toThrow(expect.objectContaining({ code: HUBBLE_ERROR_CODES.json }) as Error);
  });

  it.each([
    ['not JSON', '{"flow":'],
    ['a wrong type', '{"flow":{"verdict":true}}'],
    ['a bad timestamp', '{"flow":{"time":"yesterday"}}'],
    ['two oneof members', '{"flow":{},"lost_events":{}}'],
  ])('rejects %s with a typed error', (_what, text) => {
    expect(() => parseFlowJson(text)).toThrow(expect.objectContaining({ code: HUBBLE_ERROR_CODES.json }) as Error);
  });
});
