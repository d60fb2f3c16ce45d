/**
 * The optimizer benchmark's world: a full-mesh fabric of same-color tunnels held by the real vManage
 * collector (loaded through one poll of a scripted reader, so `readings()` and `history()` cost what
 * they cost in the bridge), and Services with endpoints, intents and observed site pairs, as
 * `optimizerRound` takes them. Deterministic: every run measures the same world.
 */
import type { SitePair } from '../../../src/correlate/site-pair.ts';
import type { OptimizerRoundService } from '../../../src/controller/optimizer-round.ts';
import type { Color } from '../../../src/domain/color.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';
import type { SiteId } from '../../../src/domain/site.ts';
import type { ServiceIntent, SloBounds } from '../../../src/domain/slo.ts';
import { tunnelName } from '../../../src/domain/tunnel.ts';
import type { TunnelKey } from '../../../src/domain/tunnel.ts';
import type { ReadyEndpoint } from '../../../src/kube/inventory.ts';
import type { VmanageDevice } from '../../../src/vmanage/parse-devices.ts';
import type { ParseResult } from '../../../src/vmanage/parse-result.ts';
import type { TunnelObservation } from '../../../src/vmanage/tunnel-observation.ts';
import { TunnelTelemetryCollector } from '../../../src/vmanage/tunnel-telemetry-collector.ts';

export const FABRIC_COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];
export const NOW = Date.UTC(2026, 0, 1);
export const WINDOW_MS = 5 * 60_000;
/** Samples per tunnel inside the window (one every 30 s); the collector holds as many again before it. */
export const SAMPLES_PER_WINDOW = 10;
const SAMPLE_PERIOD_MS = WINDOW_MS / SAMPLES_PER_WINDOW;
const HELD_SAMPLES = 2 * SAMPLES_PER_WINDOW;

export interface BenchFabric {
  readonly sites: number;
  readonly tunnels: number;
  readonly samples: number;
  readonly collector: TunnelTelemetryCollector;
  /**
   * One more poll, SAMPLE_PERIOD_MS after the last, bringing a new sample for every tunnel (the worst
   * case for a round: no tunnel's window is as it was). Returns the poll's time, the next round's now.
   */
  poll(): Promise<number>;
}

/**
 * `sites` sites, one edge each, every color at every site, a directional tunnel per ordered site pair
 * and color (sites × (sites − 1) × colors). About one tunnel in six is degraded over the whole window
 * (latency near or above the tighter SLOs, loss around 1 %); one in a hundred has a down sample.
 */
export async function benchFabric(sites: number, seed: number): Promise<BenchFabric> {
  const random = lcg(seed);
  const devices: VmanageDevice[] = [];
  for (let site = 1; site <= sites; site++) devices.push(edge(site));
  const rows: TunnelObservation[] = [];
  const tunnels: { readonly tunnel: TunnelKey; readonly name: string; readonly from: SiteId; readonly degraded: boolean; readonly base: number }[] = [];
  for (let from = 1; from <= sites; from++) {
    for (let to = 1; to <= sites; to++) {
      if (from === to) continue;
      for (const color of FABRIC_COLORS) {
        const tunnel: TunnelKey = { local: { systemIp: systemIp(from), color }, remote: { systemIp: systemIp(to), color } };
        const name = tunnelName(tunnel);
        const degraded = random() < 1 / 6;
        const flaps = random() < 0.01;
        const base = 0.01 + random() * 0.04;
        tunnels.push({ tunnel, name, from, degraded, base });
        for (let n = HELD_SAMPLES - 1; n >= 0; n--) {
          const down = flaps && n === 3;
          rows.push({
            tunnel,
            name,
            localSiteId: from,
            localHostName: undefined,
            sample: {
              time: NOW - n * SAMPLE_PERIOD_MS,
              latencySeconds: down ? 0 : base + (degraded ? 0.04 : 0) + random() * 0.02,
              jitterSeconds: down ? 0 : 0.001 + random() * (degraded ? 0.012 : 0.004),
              lossRatio: down ? 1 : degraded ? random() * 0.02 : random() * 0.002,
              state: down ? 'down' : 'up',
            },
          });
        }
      }
    }
  }
  let statistics: ParseResult<TunnelObservation> = { items: rows, skipped: 0, duplicates: 0 };
  let now = NOW;
  const inventory: ParseResult<VmanageDevice> = { items: devices, skipped: 0, duplicates: 0 };
  const collector = new TunnelTelemetryCollector({
    telemetry: {
      devices: () => Promise.resolve(inventory),
      // A closure, not the value: each poll reads the rows of its own time.
      appRouteStatistics: () => Promise.resolve(statistics),
      bfdSessions: () => Promise.resolve({ items: [], skipped: 0, duplicates: 0 }),
      realtimeAppRoute: () => Promise.resolve({ items: [], skipped: 0, duplicates: 0 }),
    },
    clock: { now: () => now },
  });
  const poll = async (): Promise<void> => {
    const outcome = await collector.poll();
    if (outcome.outcome !== 'ok') throw new Error(`the benchmark fabric did not poll: ${outcome.errorCode ?? outcome.outcome}`);
  };
  await poll();
  return {
    sites,
    tunnels: collector.readings().length,
    samples: rows.length,
    collector,
    poll: async () => {
      now += SAMPLE_PERIOD_MS;
      statistics = {
        items: tunnels.map(({ tunnel, name, from, degraded, base }) => ({
          tunnel,
          name,
          localSiteId: from,
          localHostName: undefined,
          sample: {
            time: now,
            latencySeconds: base + (degraded ? 0.04 : 0) + random() * 0.02,
            jitterSeconds: 0.001 + random() * (degraded ? 0.012 : 0.004),
            lossRatio: degraded ? random() * 0.02 : random() * 0.002,
            state: 'up',
          },
        })),
        skipped: 0,
        duplicates: 0,
      };
      await poll();
      return now;
    },
  };
}

export interface BenchServices {
  readonly services: readonly OptimizerRoundService[];
  /** What the aggregation store would answer: the site pairs each Service's traffic crossed. */
  readonly traffic: { sitePairs(key: ServiceKey): readonly SitePair[] };
  readonly clusterSites: readonly SiteId[];
  /** Service × site pair × candidate color paths judged per round. */
  readonly paths: number;
}

/**
 * `count` Services over `sites` sites (the cluster has a node at every site): endpoints at one or two
 * sites, clients at one to three, so about three observed site pairs each. 90 % declare an SLO (two
 * thirds of them naming their candidates, in a rotated order; the rest take every fabric color), 5 %
 * are pinned, 5 % unmanaged; latency bounds from 40 to 100 ms so that degraded tunnels break some.
 */
export function benchServices(count: number, sites: number, seed: number): BenchServices {
  const random = lcg(seed);
  const services: OptimizerRoundService[] = [];
  const pairsOf = new Map<ServiceKey, readonly SitePair[]>();
  let paths = 0;
  for (let i = 0; i < count; i++) {
    const key = `ns${i % 20}/svc${i}`;
    const endpointSites = distinctSites(1 + Math.floor(random() * 2), sites, random);
    const clientSites = distinctSites(1 + Math.floor(random() * 3), sites, random);
    const pairs: SitePair[] = [];
    for (const from of clientSites) for (const to of endpointSites) if (from !== to) pairs.push({ from, to });
    pairs.sort((a, b) => a.from - b.from || a.to - b.to);
    pairsOf.set(key, pairs);
    const intent = benchIntent(i, random);
    paths += pairs.length * (intent.mode === 'auto' ? (intent.candidates ?? FABRIC_COLORS).length : intent.mode === 'pinned' ? 1 : 0);
    services.push({ key, service: undefined, intent, allowed: undefined, endpoints: endpointSites.map((site, n) => endpoint(i, n, site)) });
  }
  const clusterSites = Array.from({ length: sites }, (_, index) => index + 1);
  return { services, traffic: { sitePairs: (key) => pairsOf.get(key) ?? [] }, clusterSites, paths };
}

function benchIntent(i: number, random: () => number): ServiceIntent {
  const kind = i % 20;
  const bounds: SloBounds = { maxLatencySeconds: 0.04 + Math.floor(random() * 7) * 0.01, maxJitterSeconds: 0.015, maxLossRatio: 0.01 };
  const slo = { bounds, objective: 0.99, windowSeconds: 30 * 86_400 };
  if (kind === 0) return { mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel', slo };
  if (kind === 1) return { mode: 'unmanaged' };
  const rotation = i % FABRIC_COLORS.length;
  const candidates = kind % 3 === 0 ? undefined : [...FABRIC_COLORS.slice(rotation), ...FABRIC_COLORS.slice(0, rotation)];
  return { mode: 'auto', slo, candidates, fallback: kind % 4 === 0 ? 'hold' : 'best-effort' };
}

function distinctSites(count: number, sites: number, random: () => number): SiteId[] {
  const chosen = new Set<SiteId>();
  while (chosen.size < Math.min(count, sites)) chosen.add(1 + Math.floor(random() * sites));
  return [...chosen];
}

function endpoint(service: number, n: number, site: SiteId): ReadyEndpoint {
  return {
    ip: `10.${100 + (service % 100)}.${Math.floor(service / 100) % 250}.${n + 1}`,
    podName: `svc${service}-${n}`,
    nodeName: `node-${site}`,
    siteId: site,
    ports: [{ port: 8080, protocol: 'TCP', name: 'http' }],
  };
}

function edge(site: SiteId): VmanageDevice {
  return {
    systemIp: systemIp(site),
    hostName: `edge-${site}`,
    siteId: site,
    personality: 'vedge',
    reachable: true,
    deviceType: 'vedge',
    deviceModel: 'vedge-C8000V',
    uuid: undefined,
    version: undefined,
  };
}

function systemIp(site: SiteId): string {
  return `10.${Math.floor(site / 250)}.${site % 250}.1`;
}

/** A small deterministic generator, so every run measures the same world. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}
