import type { Flow, FlowEndpoint } from '../../domain/flow.ts';

export interface TestEnd {
  readonly ip: string;
  readonly port?: number;
  readonly namespace?: string;
  readonly podName?: string;
  readonly serviceName?: string;
  readonly serviceNamespace?: string;
}

export interface TestFlowFields {
  readonly src: TestEnd;
  readonly dst: TestEnd;
  readonly nodeName?: string;
  readonly direction?: Flow['trafficDirection'];
  readonly isReply?: boolean | undefined;
  readonly verdict?: Flow['verdict'];
  readonly dropReason?: string;
  readonly type?: Flow['type'];
  readonly latencySeconds?: number;
  /** Epoch ms; default 2025-01-01T00:00:00Z. */
  readonly timeMs?: number;
}

export const T0_MS = Date.UTC(2025, 0, 1);

/** A Flow as the Hubble decoder produces it, from the few fields a test cares about. */
export function testFlow(fields: TestFlowFields): Flow {
  return {
    timeNs: BigInt(fields.timeMs ?? T0_MS) * 1_000_000n,
    uuid: 'test',
    nodeName: fields.nodeName ?? '',
    type: fields.type ?? 'L3_L4',
    verdict: fields.verdict ?? 'FORWARDED',
    dropReason: fields.dropReason ?? '',
    protocol: 'TCP',
    source: end(fields.src),
    destination: end(fields.dst),
    trafficDirection: fields.direction ?? 'TRAFFIC_DIRECTION_UNKNOWN',
    isReply: 'isReply' in fields ? fields.isReply : false,
    l7LatencySeconds: fields.latencySeconds,
  };
}

function end(fields: TestEnd): FlowEndpoint {
  return {
    ip: fields.ip,
    port: fields.port ?? 0,
    namespace: fields.namespace ?? '',
    podName: fields.podName ?? '',
    identity: 0,
    labels: [],
    serviceName: fields.serviceName ?? '',
    serviceNamespace: fields.serviceNamespace ?? '',
  };
}
