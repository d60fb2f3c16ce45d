import { describe, expect, it } from 'vitest';
import { decodeGetFlowsRequest, encodeGetFlowsRequest } from './get-flows-request.ts';
import type { GetFlowsRequest } from './get-flows-request.ts';
import { decodeHubble } from './hubble-codec.ts';

describe('GetFlowsRequest', () => {
  const request: GetFlowsRequest = {
    number: 100n,
    follow: true,
    whitelist: [{ verdict: ['DROPPED', 'ERROR'], node_name: ['kind-kind/*'] }, { source_pod: ['kube-system/'], event_type: [{ type: 1 }] }],
    blacklist: [{ destination_ip: ['10.0.0.0/8'] }],
    sinceNs: 1_692_619_938_510_175_415n,
    fieldMask: ['time', 'source.pod_name', 'IP', 'l4', 'Type', 'is_reply'],
  };

  it('round-trips through bytes, field mask paths included (even those a JSON FieldMask cannot spell)', () => {
    expect(decodeGetFlowsRequest(encodeGetFlowsRequest(request))).toEqual(request);
  });

  it('puts each value in Hubble’s field', () => {
    const json = decodeHubble('observer.GetFlowsRequest', encodeGetFlowsRequest({ ...request, fieldMask: ['time', 'source.pod_name'] }));
    expect(json).toEqual({
      number: '100',
      follow: true,
      blacklist: [{ destination_ip: ['10.0.0.0/8'] }],
      whitelist: [{ verdict: ['DROPPED', 'ERROR'], node_name: ['kind-kind/*'] }, { source_pod: ['kube-system/'], event_type: [{ type: 1 }] }],
      since: '2023-08-21T12:12:18.510175415Z',
      field_mask: 'time,source.podName',
    });
  });

  it('encodes an empty request as no bytes', () => {
    expect(encodeGetFlowsRequest({})).toHaveLength(0);
    expect(decodeGetFlowsRequest(new Uint8Array())).toEqual({});
  });

  it('rejects a filter field Hubble does not have', () => {
    expect(() => encodeGetFlowsRequest({ whitelist: [{ pod: ['x'] } as never] })).toThrow(
      expect.objectContaining({ code: 'ISTHMUS_E_HUBBLE_ENCODE' }) as Error,
    );
  });
});
