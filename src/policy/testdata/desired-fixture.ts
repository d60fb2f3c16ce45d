import type { DesiredPolicyState, DesiredServicePolicy } from '../policy-document.ts';

/** A Service with an SLO, two ready endpoints and one not ready, one TCP port. */
export const API: DesiredServicePolicy = {
  key: 'shop/api',
  endpoints: [
    { ip: '10.244.2.11', ready: true },
    { ip: '10.244.2.10', ready: true },
    { ip: '10.244.2.12', ready: false },
  ],
  ports: [{ port: 8080, protocol: 'TCP' }],
  slo: { maxLatencySeconds: 0.05, maxLossRatio: 0.01, maxJitterSeconds: 0.01 },
  color: 'mpls',
  mode: 'auto',
  backupColor: 'biz-internet',
};

/** Dual-stack, two ports, an SLO tighter than SD-WAN can express. */
export const WEB: DesiredServicePolicy = {
  key: 'shop/web',
  endpoints: [
    { ip: '10.244.1.20', ready: true },
    { ip: 'FD00:10:244:1::20', ready: true },
  ],
  ports: [
    { port: 443, protocol: 'TCP' },
    { port: 80, protocol: 'TCP' },
  ],
  slo: { maxLatencySeconds: 0.0004, maxLossRatio: 0.005 },
  color: 'biz-internet',
  mode: 'fallback',
};

/** A strict pin without an SLO. */
export const DB: DesiredServicePolicy = {
  key: 'shop/db',
  endpoints: [{ ip: '10.244.2.30', ready: true }],
  ports: [{ port: 5432, protocol: 'TCP' }],
  slo: undefined,
  color: 'mpls',
  mode: 'pinned',
  strictPin: true,
};

/** UDP, an SLO looser than SD-WAN's maximum. */
export const RTP: DesiredServicePolicy = {
  key: 'media/rtp',
  endpoints: [{ ip: '10.244.3.40', ready: true }],
  ports: [{ port: 5004, protocol: 'UDP' }],
  slo: { maxLatencySeconds: 2, maxJitterSeconds: 0.03 },
  color: 'public-internet',
  mode: 'auto',
};

export function desiredFixture(services: readonly DesiredServicePolicy[] = [API, WEB, DB, RTP], clusterName = 'prod'): DesiredPolicyState {
  return { clusterName, scope: { siteIds: [200, 100, 101, 102], vpnIds: [1] }, services };
}
