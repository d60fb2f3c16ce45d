import type { Color } from '../../src/domain/color.ts';
import type { ServiceRef } from '../../src/domain/service.ts';
import type { TunnelReading } from '../../src/domain/tunnel-stats-source.ts';
import { KUBE_ERROR_CODES, KubeError } from '../../src/kube/kube-error.ts';
import { TelemetryState } from '../../src/telemetry/telemetry-state.ts';

export const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

const SITES = [
  { site: 100, systemIp: '10.10.1.11' },
  { site: 200, systemIp: '10.10.1.12' },
  { site: 300, systemIp: '10.10.1.13' },
] as const;

export const CHECKOUT: ServiceRef = { namespace: 'shop', name: 'checkout' };
export const PAYMENTS: ServiceRef = { namespace: 'shop', name: 'payments' };
export const SEARCH: ServiceRef = { namespace: 'catalog', name: 'search' };
/** A Service without an SLO: pinned by the earlier operator’s annotation, observed, never judged. */
export const LEGACY: ServiceRef = { namespace: 'legacy-apps', name: 'erp-gateway' };

interface TunnelSpec {
  readonly from: number;
  readonly to: number;
  readonly color: Color;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly lossPercent: number;
  readonly up: boolean;
}

function reading(spec: TunnelSpec): TunnelReading {
  const local = SITES[spec.from] ?? SITES[0];
  const remote = SITES[spec.to] ?? SITES[0];
  const key = { local: { systemIp: local.systemIp, color: spec.color }, remote: { systemIp: remote.systemIp, color: spec.color } };
  return {
    tunnel: {
      key,
      name: `${local.systemIp}:${spec.color}-${remote.systemIp}:${spec.color}`,
      localSiteId: local.site,
      remoteSiteId: remote.site,
      localHostName: `edge-${local.site}`,
      remoteHostName: `edge-${remote.site}`,
    },
    state: spec.up ? 'up' : 'down',
    latest: {
      time: NOW - 60_000,
      latencySeconds: spec.latencyMs / 1000,
      jitterSeconds: spec.jitterMs / 1000,
      lossRatio: spec.lossPercent / 100,
      state: spec.up ? 'up' : 'down',
    },
    lastSeen: NOW - 30_000,
    stale: false,
  };
}

export const TUNNEL_SPECS: readonly TunnelSpec[] = [
  { from: 0, to: 1, color: 'mpls', latencyMs: 12, jitterMs: 1.5, lossPercent: 0, up: true },
  { from: 1, to: 0, color: 'mpls', latencyMs: 13, jitterMs: 1.2, lossPercent: 0, up: true },
  { from: 0, to: 1, color: 'biz-internet', latencyMs: 48, jitterMs: 9, lossPercent: 0.5, up: true },
  { from: 1, to: 0, color: 'biz-internet', latencyMs: 51, jitterMs: 11, lossPercent: 1.5, up: true },
  { from: 0, to: 2, color: 'mpls', latencyMs: 22, jitterMs: 2, lossPercent: 0.1, up: true },
  { from: 2, to: 0, color: 'mpls', latencyMs: 21, jitterMs: 2.5, lossPercent: 0.1, up: true },
  { from: 0, to: 2, color: 'lte', latencyMs: 95, jitterMs: 30, lossPercent: 4, up: false },
  { from: 2, to: 0, color: 'lte', latencyMs: 97, jitterMs: 28, lossPercent: 3.5, up: false },
];

/** A TelemetryState filled as a running bridge would have it: three sites, eight tunnels, four Services. */
export function sampleTelemetry(): TelemetryState {
  const state = new TelemetryState();
  const tunnels = TUNNEL_SPECS.map(reading);
  // One tunnel known only from its BFD session: up, but no measurement yet.
  const bfdOnly = reading({ from: 1, to: 2, color: 'mpls', latencyMs: 0, jitterMs: 0, lossPercent: 0, up: true });
  state.setTunnels([...tunnels, { ...bfdOnly, latest: undefined, tunnel: { ...bfdOnly.tunnel, localSiteId: undefined } }]);

  state.setServiceSlos([
    { service: CHECKOUT, slo: { bounds: { maxLatencySeconds: 0.05, maxLossRatio: 0.01, maxJitterSeconds: 0.01 }, objective: 0.999, windowSeconds: 30 * 86_400 } },
    { service: PAYMENTS, slo: { bounds: { maxLatencySeconds: 0.03 }, objective: 0.99, windowSeconds: 7 * 86_400 } },
    { service: SEARCH, slo: { bounds: { maxLossRatio: 0.02 }, objective: 0.95, windowSeconds: 30 * 86_400 } },
  ]);
  state.setAssignments([
    { service: CHECKOUT, color: 'mpls', mode: 'auto', since: NOW - 3_600_000 },
    { service: PAYMENTS, color: 'mpls', mode: 'pinned', since: NOW - 86_400_000 },
    { service: SEARCH, color: 'biz-internet', mode: 'fallback', since: NOW - 600_000 },
    { service: LEGACY, color: 'biz-internet', mode: 'pinned', since: NOW - 86_400_000 },
  ]);
  state.setServicePaths([
    { service: CHECKOUT, color: 'mpls', latencySeconds: 0.022, jitterSeconds: 0.0025, lossRatio: 0.001, compliant: true },
    { service: PAYMENTS, color: 'mpls', latencySeconds: 0.013, jitterSeconds: 0.0015, lossRatio: 0, compliant: true },
    { service: SEARCH, color: 'biz-internet', latencySeconds: 0.051, jitterSeconds: 0.011, lossRatio: 0.015, compliant: false },
    // No SLO: path values but no compliance.
    { service: LEGACY, color: 'biz-internet', latencySeconds: 0.051 },
  ]);
  state.setServiceFlows([
    { service: CHECKOUT, srcSite: 100, dstSite: 200, color: 'mpls', verdict: 'FORWARDED', count: 18_234 },
    { service: CHECKOUT, srcSite: 100, dstSite: 300, color: 'mpls', verdict: 'FORWARDED', count: 4_021 },
    { service: CHECKOUT, srcSite: 100, dstSite: 200, color: 'mpls', verdict: 'DROPPED', count: 12 },
    { service: PAYMENTS, srcSite: 200, dstSite: 100, color: 'mpls', verdict: 'FORWARDED', count: 9_876 },
    { service: SEARCH, srcSite: 300, dstSite: 100, color: 'biz-internet', verdict: 'FORWARDED', count: 55_102 },
    // Same site: no tunnel crossed.
    { service: SEARCH, srcSite: 100, dstSite: 100, color: undefined, verdict: 'FORWARDED', count: 730 },
    // An endpoint the inventory could not place.
    { service: LEGACY, srcSite: undefined, dstSite: 200, color: 'biz-internet', verdict: 'FORWARDED', count: 3 },
  ]);
  state.countRemap({ service: CHECKOUT, from: undefined, to: 'biz-internet', reason: 'initial' });
  state.countRemap({ service: CHECKOUT, from: 'biz-internet', to: 'mpls', reason: 'slo-violated' }, 2);
  state.countRemap({ service: CHECKOUT, from: 'mpls', to: 'biz-internet', reason: 'preferred-recovered' });
  state.countRemap({ service: SEARCH, from: 'mpls', to: 'biz-internet', reason: 'no-compliant-candidate' });

  state.recordPolicyPush('success', 2.4);
  state.recordPolicyPush('success', 1.1);
  state.recordPolicyPush('failure', 30.5);
  state.countHubbleFlows(87_978);
  state.countLostEvents('HUBBLE_RING_BUFFER', 42);
  state.countLostEvents('PERF_EVENT_RING_BUFFER', 7);
  state.setHubbleConnected(true);
  state.countHubbleReconnects(2);
  state.countHubbleDecodeErrors(1);
  state.recordInformerEvent({ type: 'listed', resource: 'services', reason: 'initial', count: 3, resourceVersion: '7', added: 3, updated: 0, deleted: 0 });
  state.recordInformerEvent({ type: 'watch-ended', resource: 'services', reason: 'expired', events: 0 });
  state.recordInformerEvent({ type: 'retrying', resource: 'nodes', operation: 'watch', error: new KubeError(KUBE_ERROR_CODES.unavailable, 'watch nodes: HTTP 503'), attempt: 1, delayMs: 500 });
  for (const code of ['200', '200', '200', '429', 'timeout']) state.recordVmanageRequest({ endpoint: '/dataservice/statistics/approute', code });
  state.recordVmanageRequest({ endpoint: '/dataservice/device', code: '200' });
  state.recordVmanageRequest({ endpoint: '/dataservice/device/bfd/sessions', code: '200' });
  for (const seconds of [0.4, 0.7, 1.9, 12]) state.recordPoll({ outcome: 'ok', durationSeconds: seconds });
  state.recordPoll({ outcome: 'skipped', durationSeconds: 0 });
  return state;
}
