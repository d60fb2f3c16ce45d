import { describe, expect, it } from 'vitest';
import type { Color } from '../domain/color.ts';
import type { ServiceIntent } from '../domain/slo.ts';
import type { TunnelSample } from '../domain/tunnel-sample.ts';
import type { ServiceState } from '../optimizer/service-state.ts';
import { fakeTunnelSource } from '../optimizer/testdata/fake-tunnel-source.ts';
import type { FakeTunnel } from '../optimizer/testdata/fake-tunnel-source.ts';
import { autoIntent, MINUTE, PARAMS, pinnedIntent, T0 } from '../optimizer/testdata/optimizer-fixture.ts';
import { renderPolicy } from '../policy/render-policy.ts';
import { backupColorOf, DEFAULT_POLICY_VPN_IDS, optimizerRound } from './optimizer-round.ts';
import type { OptimizerRoundInput, OptimizerRoundService } from './optimizer-round.ts';

/** A minute of samples every 10 s ending at T0, at `latencyMs`. */
function samples(latencyMs: number): TunnelSample[] {
  return Array.from({ length: 6 }, (_, i) => ({ time: T0 - 50_000 + i * 10_000, latencySeconds: latencyMs / 1000, jitterSeconds: 0.001, lossRatio: 0, state: 'up' as const }));
}

function tunnels(latencyMs: Partial<Record<Color, number>>): FakeTunnel[] {
  return Object.entries(latencyMs).map(([color, ms]) => ({ from: 100, to: 200, color: color as Color, samples: samples(ms) }));
}

function service(name: string, intent: ServiceIntent, siteId = 200): OptimizerRoundService {
  return {
    key: `shop/${name}`,
    service: { namespace: 'shop', name, clusterIps: ['10.96.0.1'], loadBalancerIps: [], annotations: {}, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
    intent,
    allowed: undefined,
    endpoints: [{ ip: `10.244.${siteId / 100}.5`, podName: 'p', nodeName: 'n', siteId, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  };
}

const NO_TRAFFIC = { sitePairs: () => [] };

function roundInput(overrides: Partial<OptimizerRoundInput>): OptimizerRoundInput {
  return {
    services: [],
    traffic: NO_TRAFFIC,
    tunnels: fakeTunnelSource(tunnels({ mpls: 20, 'biz-internet': 30, 'public-internet': 40 })),
    states: new Map(),
    now: T0,
    params: { ...PARAMS, windowMs: MINUTE },
    fabricColors: ['mpls', 'biz-internet', 'public-internet'],
    clusterSites: [200, 100],
    clusterName: 'test',
    ...overrides,
  };
}

function onColor(color: Color, failures = 0): ServiceState {
  return { color, mode: 'auto', since: T0 - 60 * MINUTE, failures, healthySince: {} };
}

describe('optimizerRound', () => {
  it('assigns new Services their most preferred compliant candidate, judged on cluster site × endpoint site before traffic', () => {
    const round = optimizerRound(
      roundInput({
        services: [service('checkout', autoIntent(['mpls', 'biz-internet'])), service('ledger', pinnedIntent('public-internet')), { ...service('plain', { mode: 'unmanaged' }) }],
        tunnels: fakeTunnelSource(tunnels({ mpls: 80, 'biz-internet': 30, 'public-internet': 40 })),
      }),
    );
    expect(round.assignments.map((a) => [a.service.name, a.color, a.mode])).toEqual([
      ['checkout', 'biz-internet', 'auto'],
      ['ledger', 'public-internet', 'pinned'],
    ]);
    expect(round.decisions.get('shop/checkout')?.record?.inputs?.sitePairs).toEqual([{ from: 100, to: 200 }]);
    expect(round.decisions.has('shop/plain')).toBe(false);
    expect(round.moves.map((m) => [m.key, m.from, m.to, m.reason])).toEqual([
      ['shop/checkout', undefined, 'biz-internet', 'initial'],
      ['shop/ledger', undefined, 'public-internet', 'pinned'],
    ]);
    expect([...round.states.keys()]).toEqual(['shop/checkout', 'shop/ledger']);
  });

  it('moves a Service off a violating color after K failures, and only then', () => {
    const input = roundInput({ services: [service('checkout', autoIntent(['mpls', 'biz-internet']))], tunnels: fakeTunnelSource(tunnels({ mpls: 80, 'biz-internet': 30 })) });
    const pending = optimizerRound({ ...input, states: new Map([['shop/checkout', onColor('mpls', 0)]]) });
    expect(pending.assignments[0]?.color).toBe('mpls');
    expect(pending.moves).toEqual([]);
    expect(pending.states.get('shop/checkout')?.failures).toBe(1);
    const moved = optimizerRound({ ...input, states: new Map([['shop/checkout', onColor('mpls', 2)]]) });
    expect(moved.moves.map((m) => [m.from, m.to, m.reason])).toEqual([['mpls', 'biz-internet', 'slo-violated']]);
  });

  it('judges the pairs the traffic crosses once there is traffic', () => {
    const traffic = { sitePairs: (key: string) => (key === 'shop/checkout' ? [{ from: 300, to: 200 }] : []) };
    const round = optimizerRound(roundInput({ services: [service('checkout', autoIntent(['mpls']))], traffic }));
    expect(round.decisions.get('shop/checkout')?.record?.inputs).toMatchObject({ pairSource: 'traffic', sitePairs: [{ from: 300, to: 200 }] });
    // No 300 → 200 tunnel is known: unknown, never taken as healthy, still assigned (nothing else to go on).
    expect(round.decisions.get('shop/checkout')?.record?.reason).toBe('telemetry-unknown');
  });

  it('derives the desired policy: endpoints, WAN ports, SLO, color, backup, scope; pins strict', () => {
    const round = optimizerRound(
      roundInput({
        services: [service('checkout', autoIntent(['mpls', 'biz-internet', 'public-internet'])), service('ledger', pinnedIntent('mpls'))],
        tunnels: fakeTunnelSource(tunnels({ mpls: 20, 'biz-internet': 80, 'public-internet': 30 })),
      }),
    );
    expect(round.desired.clusterName).toBe('test');
    expect(round.desired.scope).toEqual({ siteIds: [100, 200], vpnIds: DEFAULT_POLICY_VPN_IDS });
    expect(round.desired.services).toEqual([
      {
        key: 'shop/checkout',
        endpoints: [{ ip: '10.244.2.5', ready: true }],
        ports: [{ port: 8080, protocol: 'TCP' }],
        slo: { maxLatencySeconds: 0.05, maxJitterSeconds: 0.01, maxLossRatio: 0.01 },
        color: 'mpls',
        mode: 'auto',
        // biz-internet violates; public-internet, less preferred, complies.
        backupColor: 'public-internet',
      },
      { key: 'shop/ledger', endpoints: [{ ip: '10.244.2.5', ready: true }], ports: [{ port: 8080, protocol: 'TCP' }], slo: undefined, color: 'mpls', mode: 'pinned', strictPin: true },
    ]);
    expect(renderPolicy(round.desired).objects.length).toBeGreaterThan(0);
  });

  it('takes the configured VPNs, and leaves Services without ready endpoints out of the policy', () => {
    const bare = { ...service('checkout', autoIntent(['mpls'])), endpoints: [] };
    const round = optimizerRound(roundInput({ services: [bare], vpnIds: [10, 20] }));
    expect(round.assignments).toHaveLength(1);
    expect(round.desired).toMatchObject({ scope: { vpnIds: [10, 20] }, services: [] });
  });

  it('falls back to numeric target ports while no slice names a port', () => {
    const entry = service('checkout', autoIntent(['mpls']));
    const round = optimizerRound(roundInput({ services: [{ ...entry, endpoints: entry.endpoints.map((e) => ({ ...e, ports: [] })) }] }));
    expect(round.desired.services[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });
});

describe('backupColorOf', () => {
  it('prefers the next compliant candidate, else the next candidate, else none', () => {
    const c = (color: Color, compliant: boolean | undefined) => ({ color, compliant, margin: undefined });
    expect(backupColorOf('mpls', [c('mpls', true), c('biz-internet', false), c('lte', true)])).toBe('lte');
    expect(backupColorOf('mpls', [c('mpls', true), c('biz-internet', false), c('lte', undefined)])).toBe('biz-internet');
    expect(backupColorOf('mpls', [c('mpls', true)])).toBeUndefined();
  });
});
