import type { Color } from '../../src/domain/color.ts';
import type { ServicePort } from '../../src/domain/service.ts';
import { parseTunnelName } from '../../src/domain/tunnel.ts';
import type { ColorProfile } from './color-profile.ts';
import { generateScenario } from './generate-scenario.ts';
import { hashString } from './hash.ts';
import { cidrsOverlap, ipv4ToNumber, numberToIpv4, parseIpv4Cidr } from './ipv4.ts';
import type {
  IncidentTarget,
  Scenario,
  ScenarioEvent,
  ScenarioIncident,
  ScenarioNamespace,
  ScenarioNode,
  ScenarioService,
  ScenarioSite,
  ScenarioTraffic,
  ScenarioWorkload,
  SourcePath,
} from './scenario.ts';
import { scenarioProblem } from './scenario-problem.ts';
import type { ScenarioProblem } from './scenario-problem.ts';
import type { IncidentDocument, ScenarioDocument, ServiceDocument, SiteDocument } from './scenario-schema.ts';

export const DEFAULT_START = '2025-01-01T00:00:00Z';
export const DEFAULT_SEED = 1;
export const SITE_ID_LABEL = 'isthmus.io/site-id';
export const ALLOWED_TUNNELS_ANNOTATION = 'isthmus.io/allowed-tunnels';

const GENERATED: SourcePath = ['generate'];
const DEFAULT_RESPONSE_TIME_MS = 5;

/**
 * Fills every default and allocates every address the file left out, in a fixed order so that the same
 * file always yields the same scenario. References are not checked here (see checkScenario); problems
 * are only what expansion itself cannot do (a malformed tunnel name, an incident that cannot happen).
 */
export function expandScenario(doc: ScenarioDocument, sourceName: string): { scenario: Scenario; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const seed = typeof doc.seed === 'string' ? hashString(doc.seed) : (doc.seed ?? DEFAULT_SEED);
  const cluster = doc.cluster ?? {};
  const writtenSites = doc.sites ?? [];
  const generated = doc.generate === undefined ? undefined : generateScenario(doc.generate, seed, new Set(writtenSites.map((site) => site.id)));

  const siteDocs: [SiteDocument, SourcePath][] = [
    ...writtenSites.map((site, i): [SiteDocument, SourcePath] => [site, ['sites', i]]),
    ...(generated?.sites ?? []).map((site): [SiteDocument, SourcePath] => [site, GENERATED]),
  ];
  const sites = expandSites(siteDocs);

  const nodeDocs = [
    ...(cluster.nodes ?? []).map((node, i) => ({ ...node, source: ['cluster', 'nodes', i] as SourcePath })),
    ...(generated?.nodes ?? []).map((node) => ({ ...node, source: GENERATED })),
  ];
  const nodes = expandNodes(nodeDocs, problems);

  const serviceDocs: [ServiceDocument, SourcePath][] = [
    ...(cluster.services ?? []).map((service, i): [ServiceDocument, SourcePath] => [service, ['cluster', 'services', i]]),
    ...(generated?.services ?? []).map((service): [ServiceDocument, SourcePath] => [service, GENERATED]),
  ];

  const workloads = expandWorkloads(cluster.workloads ?? [], serviceDocs, nodes);
  const services = expandServices(serviceDocs);
  const traffic = expandTraffic(cluster.traffic ?? [], generated?.traffic ?? [], services);
  const namespaces = expandNamespaces(cluster.namespaces ?? [], generated?.namespaces ?? [], services, workloads, traffic);
  const events = (doc.events ?? []).map((event, i): ScenarioEvent => {
    const source: SourcePath = ['events', i];
    if (event.scale !== undefined) return { kind: 'scale', atMs: event.at, workload: event.scale, replicas: event.replicas ?? 0, source };
    return { kind: 'annotate', atMs: event.at, service: event.annotate ?? { namespace: 'default', name: '' }, annotations: event.annotations ?? {}, source };
  });
  const incidents = (doc.incidents ?? []).flatMap((incident, i) => expandIncident(incident, i, problems));

  const fabric = doc.fabric ?? {};
  const scenario: Scenario = {
    name: doc.name,
    description: doc.description ?? '',
    sourceName,
    seed,
    startMs: doc.start ?? Date.parse(DEFAULT_START),
    samplePeriodMs: fabric.samplePeriod ?? 1000,
    topology: fabric.topology ?? 'full-mesh',
    crossColor: fabric.crossColor ?? true,
    colorProfiles: expandProfiles(doc.colors ?? {}),
    sites,
    nodes,
    namespaces,
    services,
    workloads,
    traffic,
    events,
    incidents,
  };
  return { scenario, problems };
}

function expandProfiles(colors: NonNullable<ScenarioDocument['colors']>): Partial<Record<Color, Partial<ColorProfile>>> {
  const out: Partial<Record<Color, Partial<ColorProfile>>> = {};
  for (const [color, override] of Object.entries(colors) as [Color, NonNullable<(typeof colors)[Color]>][]) {
    out[color] = profileOverride(override.latency, override.jitter, override.loss, override.noise, override.lossSpikeChance, override.lossSpike);
  }
  return out;
}

function profileOverride(
  latencyMs: number | undefined,
  jitterMs: number | undefined,
  loss: number | undefined,
  noise: number | undefined,
  lossSpikeChance?: number,
  lossSpike?: number,
): Partial<ColorProfile> | undefined {
  const out: { -readonly [K in keyof ColorProfile]?: ColorProfile[K] } = {};
  if (latencyMs !== undefined) out.latencySeconds = latencyMs / 1000;
  if (jitterMs !== undefined) out.jitterSeconds = jitterMs / 1000;
  if (loss !== undefined) out.lossRatio = loss;
  if (noise !== undefined) out.noise = noise;
  if (lossSpikeChance !== undefined) out.lossSpikeChance = lossSpikeChance;
  if (lossSpike !== undefined) out.lossSpikeRatio = lossSpike;
  return Object.keys(out).length === 0 ? undefined : out;
}

function expandSites(docs: readonly [SiteDocument, SourcePath][]): ScenarioSite[] {
  // Written system IPs are reserved first, so that allocated ones never collide with them.
  const used = new Set<string>();
  for (const [site] of docs) {
    if (Array.isArray(site.edges)) for (const edge of site.edges) used.add(edge.systemIp);
  }
  let block = 0;
  return docs.map(([site, source]) => {
    let edges: { systemIp: string; hostName: string }[];
    if (Array.isArray(site.edges)) {
      edges = site.edges.map((edge, e) => ({ systemIp: edge.systemIp, hostName: edge.hostName ?? `edge-site${site.id}-${e + 1}` }));
    } else {
      const count = site.edges ?? 1;
      // 1.1.<site>.<edge>: one /24 per site while there are fewer than 250 sites, then 1.2.x.y, ...
      let candidate: string[];
      do {
        const b = 1 + Math.floor(block / 250);
        const c = (block % 250) + 1;
        candidate = Array.from({ length: count }, (_, e) => `1.${b}.${c}.${e + 1}`);
        block++;
      } while (candidate.some((ip) => used.has(ip)));
      for (const ip of candidate) used.add(ip);
      edges = candidate.map((systemIp, e) => ({ systemIp, hostName: `edge-site${site.id}-${e + 1}` }));
    }
    return {
      id: site.id,
      name: site.name ?? `site-${site.id}`,
      location: site.location === undefined ? undefined : { latitude: site.location[0], longitude: site.location[1] },
      hub: site.hub ?? false,
      tlocs: site.colors.map((entry) =>
        typeof entry === 'string'
          ? { color: entry, restrict: false, profile: undefined }
          : { color: entry.color, restrict: entry.restrict ?? false, profile: profileOverride(entry.latency, entry.jitter, entry.loss, entry.noise) },
      ),
      edges,
      source,
    };
  });
}

interface NodeDraft {
  readonly name: string;
  readonly site: number;
  readonly ip?: string | undefined;
  readonly podCidr?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly source: SourcePath;
}

const MAX_POD_CIDR_INDEX = 12 * 256;

function expandNodes(drafts: readonly NodeDraft[], problems: ScenarioProblem[]): ScenarioNode[] {
  const usedIps = new Set(drafts.flatMap((node) => (node.ip === undefined ? [] : [node.ip])));
  const writtenCidrs = drafts.flatMap((node) => {
    const cidr = node.podCidr === undefined ? undefined : parseIpv4Cidr(node.podCidr);
    return cidr === undefined ? [] : [cidr];
  });
  let ipIndex = 0;
  let cidrIndex = 0;
  const nextIp = (): string => {
    for (;;) {
      // 172.18.0.2 upward, as kind numbers its nodes.
      const ip = `172.18.${Math.floor(ipIndex / 250)}.${(ipIndex % 250) + 2}`;
      ipIndex++;
      if (!usedIps.has(ip)) {
        usedIps.add(ip);
        return ip;
      }
    }
  };
  const nextCidr = (source: SourcePath): string => {
    while (cidrIndex < MAX_POD_CIDR_INDEX) {
      // 10.244.N.0/24 per node, as kubeadm's default cluster CIDR hands them out.
      const text = `10.${244 + Math.floor(cidrIndex / 256)}.${cidrIndex % 256}.0/24`;
      cidrIndex++;
      const cidr = parseIpv4Cidr(text);
      if (cidr !== undefined && !writtenCidrs.some((written) => cidrsOverlap(written, cidr))) return text;
    }
    problems.push(scenarioProblem('error', 'AddressesExhausted', [...source, 'podCidr'], `no pod CIDR left to allocate in 10.244.0.0/14 - 10.255.255.0/24; write podCidr explicitly`));
    return '10.255.255.0/24';
  };
  return drafts.map((node) => ({
    name: node.name,
    siteId: node.site,
    internalIp: node.ip ?? nextIp(),
    podCidr: node.podCidr ?? nextCidr(node.source),
    labels: { 'kubernetes.io/hostname': node.name, [SITE_ID_LABEL]: String(node.site), ...node.labels },
    source: node.source,
  }));
}

type WorkloadDocument = NonNullable<NonNullable<ScenarioDocument['cluster']>['workloads']>[number];

/** Written workloads, then one Deployment per Service with an inline backend (`replicas:`). */
function expandWorkloads(docs: readonly WorkloadDocument[], services: readonly [ServiceDocument, SourcePath][], nodes: readonly ScenarioNode[]): ScenarioWorkload[] {
  const place = (names: readonly string[] | undefined, siteIds: readonly number[] | undefined): string[] => {
    if (names === undefined && siteIds === undefined) return nodes.map((node) => node.name);
    const atSites = new Set(siteIds ?? []);
    const chosen = [...(names ?? [])];
    for (const node of nodes) if (atSites.has(node.siteId) && !chosen.includes(node.name)) chosen.push(node.name);
    return chosen;
  };
  const written = docs.map((workload, i): ScenarioWorkload => ({
    namespace: workload.namespace ?? 'default',
    name: workload.name,
    replicas: workload.replicas ?? 1,
    nodes: place(workload.nodes, workload.sites),
    labels: { app: workload.name, ...workload.labels },
    source: ['cluster', 'workloads', i],
  }));
  const inline = services.flatMap(([service, source]): ScenarioWorkload[] =>
    service.replicas === undefined
      ? []
      : [
          {
            namespace: service.namespace ?? 'default',
            name: service.name,
            replicas: service.replicas,
            nodes: place(service.nodes, service.sites),
            labels: { app: service.name, ...service.labels },
            source,
          },
        ],
  );
  return [...written, ...inline];
}

function expandServices(docs: readonly [ServiceDocument, SourcePath][]): ScenarioService[] {
  const used = new Set(docs.flatMap(([service]) => (service.clusterIp === undefined ? [] : [service.clusterIp])));
  let index = 0;
  const nextClusterIp = (): string => {
    for (;;) {
      // 10.96.1.1 upward: 10.96.0.1 (kubernetes) and 10.96.0.10 (kube-dns) stay free, as in a real cluster.
      const ip = numberToIpv4((ipv4ToNumber('10.96.1.1') ?? 0) + Math.floor(index / 250) * 256 + (index % 250));
      index++;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  };
  return docs.map(([service, source]) => ({
    namespace: service.namespace ?? 'default',
    name: service.name,
    clusterIp: service.clusterIp ?? nextClusterIp(),
    ports: (service.ports ?? [80]).map(expandPort),
    annotations: { ...sloAnnotations(service), ...service.annotations },
    selector: service.selector ?? { app: service.name },
    responseTimeMs: service.responseTime ?? DEFAULT_RESPONSE_TIME_MS,
    errorRatio: service.errors ?? 0,
    source,
  }));
}

function expandPort(port: NonNullable<ServiceDocument['ports']>[number]): ServicePort {
  if (typeof port === 'number') return { name: port === 80 ? 'http' : `tcp-${port}`, port, protocol: 'TCP', targetPort: port };
  const protocol = port.protocol ?? 'TCP';
  return { name: port.name ?? `${protocol.toLowerCase()}-${port.port}`, port: port.port, protocol, targetPort: port.targetPort ?? port.port };
}

/** The `slo:` and `tunnel:` shorthands, as the annotations DESIGN.md defines. */
function sloAnnotations(service: ServiceDocument): Record<string, string> {
  const out: Record<string, string> = {};
  const slo = service.slo;
  if (slo !== undefined) {
    if (slo.latency !== undefined) out['isthmus.io/max-latency'] = slo.latency;
    if (slo.loss !== undefined) out['isthmus.io/max-loss'] = slo.loss;
    if (slo.jitter !== undefined) out['isthmus.io/max-jitter'] = slo.jitter;
    if (slo.objective !== undefined) out['isthmus.io/objective'] = slo.objective;
    if (slo.window !== undefined) out['isthmus.io/window'] = slo.window;
    if (slo.tunnels !== undefined) out['isthmus.io/tunnels'] = slo.tunnels.join(',');
    if (slo.fallback !== undefined) out['isthmus.io/fallback'] = slo.fallback;
  }
  if (service.tunnel !== undefined) out['isthmus.io/tunnel'] = service.tunnel;
  return out;
}

type TrafficDocument = NonNullable<NonNullable<ScenarioDocument['cluster']>['traffic']>[number];

function expandTraffic(docs: readonly TrafficDocument[], generated: readonly Omit<TrafficDocument, 'port' | 'method' | 'path'>[], services: readonly ScenarioService[]): ScenarioTraffic[] {
  const byKey = new Map(services.map((service) => [`${service.namespace}/${service.name}`, service]));
  const entries: [Omit<TrafficDocument, 'port' | 'method' | 'path'> & Partial<TrafficDocument>, SourcePath][] = [
    ...docs.map((entry, i): [TrafficDocument, SourcePath] => [entry, ['cluster', 'traffic', i]]),
    ...generated.map((entry): [Omit<TrafficDocument, 'port' | 'method' | 'path'>, SourcePath] => [entry, GENERATED]),
  ];
  return entries.map(([entry, source]) => ({
    from: entry.from,
    to: entry.to,
    port: entry.port ?? byKey.get(`${entry.to.namespace}/${entry.to.name}`)?.ports[0]?.port ?? 80,
    rate: entry.rate,
    dropRatio: entry.drops ?? 0,
    httpRatio: entry.http ?? 0,
    method: entry.method ?? 'GET',
    path: entry.path ?? '/',
    source,
  }));
}

type NamespaceDocument = NonNullable<NonNullable<ScenarioDocument['cluster']>['namespaces']>[number];

/** Written namespaces, generated ones, then every namespace something refers to, in order of first use. */
function expandNamespaces(
  docs: readonly NamespaceDocument[],
  generated: readonly { name: string; allowedTunnels: Color[] | undefined }[],
  services: readonly ScenarioService[],
  workloads: readonly ScenarioWorkload[],
  traffic: readonly ScenarioTraffic[],
): ScenarioNamespace[] {
  const out: ScenarioNamespace[] = [];
  const seen = new Set<string>();
  const add = (name: string, allowed: readonly Color[] | undefined, labels: Record<string, string> | undefined, annotations: Record<string, string> | undefined, source: SourcePath) => {
    seen.add(name);
    out.push({
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
      annotations: { ...(allowed === undefined ? {} : { [ALLOWED_TUNNELS_ANNOTATION]: allowed.join(',') }), ...annotations },
      source,
    });
  };
  docs.forEach((doc, i) => {
    if (typeof doc === 'string') add(doc, undefined, undefined, undefined, ['cluster', 'namespaces', i]);
    else add(doc.name, doc.allowedTunnels, doc.labels, doc.annotations, ['cluster', 'namespaces', i]);
  });
  for (const namespace of generated) {
    if (!seen.has(namespace.name)) add(namespace.name, namespace.allowedTunnels, undefined, undefined, GENERATED);
  }
  const implicit = (name: string, source: SourcePath) => {
    if (!seen.has(name)) add(name, undefined, undefined, undefined, source);
  };
  for (const service of services) implicit(service.namespace, service.source);
  for (const workload of workloads) implicit(workload.namespace, workload.source);
  for (const entry of traffic) implicit(entry.from.namespace, entry.source);
  return out;
}

function expandIncident(incident: IncidentDocument, index: number, problems: ScenarioProblem[]): ScenarioIncident[] {
  const source: SourcePath = ['incidents', index];
  let tunnel: IncidentTarget['tunnel'];
  if (incident.target.tunnel !== undefined) {
    tunnel = parseTunnelName(incident.target.tunnel);
    if (tunnel === undefined) {
      problems.push(
        scenarioProblem('error', 'InvalidValue', [...source, 'target', 'tunnel'], `expected a tunnel name "<system-ip>:<color>-<system-ip>:<color>" such as "10.0.0.1:mpls-10.0.0.2:mpls", got ${JSON.stringify(incident.target.tunnel)}`),
      );
      return [];
    }
  }
  const target: IncidentTarget = {
    tunnel,
    color: incident.target.color,
    siteId: incident.target.site ?? incident.target.sites?.[0],
    peerSiteId: incident.target.sites?.[1],
  };
  const base = {
    name: incident.name ?? `${incident.kind}-${index + 1}`,
    kind: incident.kind,
    target,
    atMs: incident.at,
    durationMs: incident.duration,
    everyMs: incident.every,
    count: incident.count ?? (incident.every === undefined ? 1 : Number.POSITIVE_INFINITY),
    rampMs: 0,
    addLatencySeconds: 0,
    addJitterSeconds: 0,
    addLossRatio: 0,
    periodMs: 0,
    downForMs: 0,
    source,
  };
  const before = problems.length;
  if (incident.every !== undefined && incident.every < incident.duration) {
    problems.push(scenarioProblem('error', 'InvalidIncident', [...source, 'every'], `expected a period ≥ the duration (${incident.duration} ms) so that occurrences do not overlap, got ${incident.every} ms`));
  }
  if (incident.count !== undefined && incident.every === undefined && incident.count > 1) {
    problems.push(scenarioProblem('error', 'InvalidIncident', [...source, 'count'], 'a count above 1 needs every (the recurrence period)'));
  }
  switch (incident.kind) {
    case 'blackout':
      return problems.length > before ? [] : [base];
    case 'brownout': {
      const ramp = incident.ramp ?? 0;
      if (incident.latency === undefined && incident.jitter === undefined && incident.loss === undefined) {
        problems.push(scenarioProblem('error', 'InvalidIncident', source, 'a brownout needs at least one of latency, jitter or loss (what it adds at full intensity)'));
      }
      if (2 * ramp > incident.duration) {
        problems.push(scenarioProblem('error', 'InvalidIncident', [...source, 'ramp'], `expected at most half the duration (${incident.duration / 2} ms), got ${ramp} ms`));
      }
      return problems.length > before
        ? []
        : [
            {
              ...base,
              rampMs: ramp,
              addLatencySeconds: (incident.latency ?? 0) / 1000,
              addJitterSeconds: (incident.jitter ?? 0) / 1000,
              addLossRatio: incident.loss ?? 0,
            },
          ];
    }
    case 'flapping': {
      const downFor = incident.downFor ?? incident.period / 2;
      if (downFor >= incident.period) {
        problems.push(scenarioProblem('error', 'InvalidIncident', [...source, 'downFor'], `expected less than the period (${incident.period} ms), got ${downFor} ms`));
      }
      return problems.length > before ? [] : [{ ...base, periodMs: incident.period, downForMs: downFor }];
    }
  }
}

