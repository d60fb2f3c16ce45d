import { describe, expect, it } from 'vitest';
import type { FlowEndpoint } from '../domain/flow.ts';
import { compileFlowFilters, unmatchedFilterFields } from './flow-filter-match.ts';
import type { MatchableFlow } from './flow-filter-match.ts';
import type { FlowFilter } from './get-flows-request.ts';
import { isHubbleError } from './hubble-error.ts';

function endpoint(fields: Partial<FlowEndpoint>): FlowEndpoint {
  return { ip: '', port: 0, namespace: '', podName: '', identity: 0, labels: [], serviceName: '', serviceNamespace: '', ...fields };
}

const request: MatchableFlow = {
  timeNs: 1n,
  uuid: 'u-1',
  nodeName: 'worker-paris',
  type: 'L7',
  verdict: 'FORWARDED',
  dropReason: '',
  protocol: 'TCP',
  source: endpoint({ ip: '10.244.1.5', port: 40000, namespace: 'shop', podName: 'frontend-7d9f-abcde', identity: 12345, labels: ['k8s:app=frontend'] }),
  destination: endpoint({ ip: '10.244.2.7', port: 8443, namespace: 'shop', podName: 'payments-5c4b-xyz', identity: 23456, labels: ['k8s:app=payments'] }),
  trafficDirection: 'EGRESS',
  isReply: false,
  l7LatencySeconds: undefined,
  http: { code: 503, method: 'POST', url: 'http://payments.shop.svc.cluster.local:443/charge?x=1' },
};
const drop: MatchableFlow = {
  ...request,
  uuid: 'u-2',
  type: 'L3_L4',
  verdict: 'DROPPED',
  dropReason: 'SERVICE_BACKEND_NOT_FOUND',
  nodeName: 'eu/worker-frankfurt',
  protocol: 'UDP',
  destination: endpoint({ ip: '10.96.10.20', port: 53, identity: 2, labels: ['reserved:world'], serviceName: 'dns', serviceNamespace: 'infra' }),
  isReply: undefined,
  http: undefined,
};

function passes(filter: FlowFilter): [boolean, boolean] {
  const test = compileFlowFilters([filter]);
  return [test(request), test(drop)];
}

describe('compileFlowFilters', () => {
  it('passes everything without filters', () => {
    expect(compileFlowFilters()(drop)).toBe(true);
  });

  it('matches each implemented field', () => {
    expect(passes({ uuid: ['u-2'] })).toEqual([false, true]);
    expect(passes({ source_ip: ['10.244.1.5'] })).toEqual([true, true]);
    expect(passes({ destination_ip: ['10.244.0.0/16'] })).toEqual([true, false]);
    expect(passes({ destination_ip: ['10.96.0.0/12', '1.2.3.4'] })).toEqual([false, true]);
    expect(passes({ source_pod: ['shop/frontend-'] })).toEqual([true, true]);
    expect(passes({ source_pod: ['frontend'] })).toEqual([true, true]);
    expect(passes({ destination_pod: ['shop/'] })).toEqual([true, false]);
    expect(passes({ destination_pod: ['/payments'] })).toEqual([true, false]);
    expect(passes({ destination_pod: ['other/payments'] })).toEqual([false, false]);
    expect(passes({ destination_service: ['infra/dns'] })).toEqual([false, true]);
    expect(passes({ destination_label: ['k8s:app=payments'] })).toEqual([true, false]);
    expect(passes({ destination_label: ['reserved:world'] })).toEqual([false, true]);
    expect(passes({ source_identity: [12345] })).toEqual([true, true]);
    expect(passes({ destination_identity: [2] })).toEqual([false, true]);
    expect(passes({ traffic_direction: ['EGRESS'] })).toEqual([true, true]);
    expect(passes({ verdict: ['DROPPED', 'ERROR'] })).toEqual([false, true]);
    expect(passes({ drop_reason_desc: ['SERVICE_BACKEND_NOT_FOUND'] })).toEqual([false, true]);
    expect(passes({ http_status_code: ['5+'] })).toEqual([true, false]);
    expect(passes({ http_status_code: ['503'] })).toEqual([true, false]);
    expect(passes({ http_status_code: ['4+', '200'] })).toEqual([false, false]);
    expect(passes({ http_method: ['post'] })).toEqual([true, false]);
    expect(passes({ http_path: ['^/charge$'] })).toEqual([true, false]);
    expect(passes({ http_url: ['payments\\.shop'] })).toEqual([true, false]);
    expect(passes({ protocol: ['udp'] })).toEqual([false, true]);
    expect(passes({ protocol: ['http'] })).toEqual([true, false]);
    expect(passes({ protocol: ['TCP'] })).toEqual([true, false]);
    expect(passes({ source_port: ['40000'] })).toEqual([true, true]);
    expect(passes({ destination_port: ['53', '8443'] })).toEqual([true, true]);
    expect(passes({ reply: [false] })).toEqual([true, true]);
    expect(passes({ reply: [true] })).toEqual([false, false]);
    expect(passes({ node_name: ['worker-*'] })).toEqual([true, true]);
    expect(passes({ node_name: ['eu/'] })).toEqual([false, true]);
    expect(passes({ node_name: ['default/worker-paris'] })).toEqual([true, false]);
    expect(passes({ ip_version: ['IPv6'] })).toEqual([false, false]);
  });

  it('ANDs fields within a filter, ORs filters of a list, and subtracts the deny list', () => {
    expect(passes({ verdict: ['DROPPED'], protocol: ['tcp'] })).toEqual([false, false]);
    const test = compileFlowFilters([{ verdict: ['FORWARDED'] }, { protocol: ['udp'] }], [{ uuid: ['u-1'] }]);
    expect([test(request), test(drop)]).toEqual([false, true]);
    const denyOnly = compileFlowFilters([], [{ verdict: ['DROPPED'] }]);
    expect([denyOnly(request), denyOnly(drop)]).toEqual([true, false]);
  });

  it('refuses fields it does not implement, and values it cannot read, naming them', () => {
    expect(unmatchedFilterFields({ source_fqdn: ['x'], verdict: ['DROPPED'], tcp_flags: [] })).toEqual(['source_fqdn']);
    const cases: FlowFilter[] = [{ dns_query: ['.*'] }, { destination_ip: ['10.0.0.0/33'] }, { http_status_code: ['42'] }, { source_port: ['http'] }, { protocol: ['quic'] }, { source_label: ['a b'] }, { http_path: ['('] }];
    for (const filter of cases) {
      let error: unknown;
      try {
        compileFlowFilters([filter]);
      } catch (caught) {
        error = caught;
      }
      expect(isHubbleError(error) && error.code === 'ISTHMUS_E_HUBBLE_REJECTED', JSON.stringify(filter)).toBe(true);
    }
  });
});
