import type { Color } from '../../src/domain/color.ts';
import { hashString } from './hash.ts';
import type { ObjectRef } from './scenario-fields.ts';
import type { GenerateDocument, ServiceDocument, SiteDocument } from './scenario-schema.ts';
import { SeededRandom } from './seeded-random.ts';

/** Entities drawn by a `generate:` block, in the shape of written ones so that one expansion path serves both. */
export interface GeneratedEntities {
  readonly sites: SiteDocument[];
  readonly nodes: { name: string; site: number }[];
  readonly namespaces: { name: string; allowedTunnels: Color[] | undefined }[];
  readonly services: ServiceDocument[];
  readonly traffic: { from: ObjectRef; to: ObjectRef; rate: number; http: number; drops: number }[];
}

export const DEFAULT_GENERATED_COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];

/** Two regions a continent apart, so that generated fabrics mix short and long tunnels. */
const REGIONS = [
  { latitude: [40, 58], longitude: [-8, 25] },
  { latitude: [30, 48], longitude: [-122, -72] },
] as const;

const SLO_LATENCIES = ['30ms', '50ms', '80ms', '150ms'] as const;
const SLO_LOSSES = ['0.5%', '1%', '2%'] as const;
const SLO_JITTERS = ['5ms', '10ms', '20ms'] as const;

/**
 * Expands a generator block deterministically from the scenario seed. Draws happen in a fixed order
 * (sites, nodes, namespaces, services, traffic), so adding services never changes the sites drawn.
 * Identifiers skip those written by hand (`usedSiteIds`).
 */
export function generateScenario(spec: GenerateDocument, seed: number, usedSiteIds: ReadonlySet<number>): GeneratedEntities {
  const pool = spec.colors ?? DEFAULT_GENERATED_COLORS;
  const restricted = new Set(spec.restrict ?? []);
  const colorsPerSite = Math.min(spec.colorsPerSite ?? Math.min(2, pool.length), pool.length);

  const siteRandom = new SeededRandom(seed ^ hashString('generate:sites'));
  const sites: SiteDocument[] = [];
  let nextId = 100;
  for (let i = 0; i < (spec.sites ?? 0); i++) {
    while (usedSiteIds.has(nextId)) nextId += 100;
    const region = siteRandom.pick(REGIONS);
    const colors = colorsPerSite >= pool.length ? [...pool] : siteRandom.sample(pool, colorsPerSite);
    sites.push({
      id: nextId,
      name: `site-${nextId}`,
      location: [
        round(siteRandom.between(region.latitude[0], region.latitude[1]), 2),
        round(siteRandom.between(region.longitude[0], region.longitude[1]), 2),
      ],
      colors: colors.map((color) => (restricted.has(color) ? { color, restrict: true } : color)),
      edges: spec.edgesPerSite ?? 1,
      hub: i < (spec.hubs ?? 0),
    });
    nextId += 100;
  }

  const nodes: GeneratedEntities['nodes'] = [];
  const nodesPerSite = spec.nodesPerSite ?? 1;
  for (const site of sites) {
    for (let n = 1; n <= nodesPerSite; n++) nodes.push({ name: `node-site${site.id}-${n}`, site: site.id });
  }

  const serviceCount = spec.services ?? 0;
  const namespaceRandom = new SeededRandom(seed ^ hashString('generate:namespaces'));
  const namespaces: GeneratedEntities['namespaces'] = [];
  const namespaceCount = spec.namespaces ?? (serviceCount > 0 ? 1 : 0);
  const width = String(namespaceCount).length;
  for (let i = 1; i <= namespaceCount; i++) {
    // Most tenants may use every color; some are limited to a subset, as an administrator would.
    const limited = pool.length > 2 && namespaceRandom.chance(0.3);
    namespaces.push({
      name: `team-${String(i).padStart(Math.max(2, width), '0')}`,
      allowedTunnels: limited ? namespaceRandom.sample(pool, namespaceRandom.int(2, pool.length - 1)) : undefined,
    });
  }

  const serviceRandom = new SeededRandom(seed ^ hashString('generate:services'));
  const services: ServiceDocument[] = [];
  const [minReplicas, maxReplicas] = spec.replicas ?? [1, 3];
  const sloShare = spec.sloShare ?? 0.5;
  const pinShare = spec.pinShare ?? 0;
  const siteIdsWithNodes = nodesPerSite > 0 ? sites.map((site) => site.id) : [];
  const serviceWidth = Math.max(4, String(serviceCount).length);
  for (let i = 0; i < serviceCount && namespaces.length > 0; i++) {
    const namespace = namespaces[i % namespaces.length];
    if (namespace === undefined) break;
    const name = `svc-${String(i + 1).padStart(serviceWidth, '0')}`;
    const roll = serviceRandom.next();
    const candidates = namespace.allowedTunnels ?? pool;
    const service: ServiceDocument = {
      name,
      namespace: namespace.name,
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      replicas: serviceRandom.int(minReplicas, maxReplicas),
      responseTime: round(serviceRandom.between(2, 40), 1),
      // A service's backends sit at one or two sites: enough cross-site traffic without every pair.
      sites: siteIdsWithNodes.length === 0 ? undefined : serviceRandom.sample(siteIdsWithNodes, serviceRandom.int(1, 2)),
    };
    if (roll < pinShare) {
      services.push({ ...service, tunnel: serviceRandom.pick(candidates) });
    } else if (roll < pinShare + sloShare) {
      services.push({
        ...service,
        slo: {
          latency: serviceRandom.pick(SLO_LATENCIES),
          loss: serviceRandom.pick(SLO_LOSSES),
          jitter: serviceRandom.chance(0.5) ? serviceRandom.pick(SLO_JITTERS) : undefined,
          tunnels: serviceRandom.chance(0.5) ? serviceRandom.sample(candidates, Math.min(2, candidates.length)) : undefined,
        },
      });
    } else {
      services.push(service);
    }
  }

  const trafficRandom = new SeededRandom(seed ^ hashString('generate:traffic'));
  const traffic: GeneratedEntities['traffic'] = [];
  const [minRate, maxRate] = spec.rate ?? [0.5, 5];
  const calls = spec.callsPerService ?? 1;
  for (const [index, service] of services.entries()) {
    for (let c = 0; c < calls && services.length > 1; c++) {
      // Any other service's pods call this one: a random microservice graph.
      let client = trafficRandom.pick(services);
      if (client === service) client = services[(index + 1) % services.length] ?? client;
      traffic.push({
        from: { namespace: client.namespace ?? 'default', name: client.name },
        to: { namespace: service.namespace ?? 'default', name: service.name },
        rate: round(trafficRandom.between(minRate, maxRate), 3),
        http: spec.httpShare ?? 0.5,
        drops: spec.dropShare ?? 0.002,
      });
    }
  }

  return { sites, nodes, namespaces, services, traffic };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
