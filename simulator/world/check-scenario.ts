import { suggest } from '../../src/domain/suggest.ts';
import type { Color } from '../../src/domain/color.ts';
import { countTunnels } from './count-tunnels.ts';
import { ALLOWED_TUNNELS_ANNOTATION } from './expand-scenario.ts';
import { formatPath } from './format-path.ts';
import { cidrsOverlap, parseIpv4Cidr } from './ipv4.ts';
import type { Ipv4Cidr } from './ipv4.ts';
import { placePod } from './place-pod.ts';
import type { Scenario, ScenarioSite, SourcePath } from './scenario.ts';
import { scenarioProblem } from './scenario-problem.ts';
import type { ScenarioProblem } from './scenario-problem.ts';
import { formsTunnel } from './tunnel-formation.ts';

/**
 * Largest fabric a world is built for: each tunnel costs a few hundred bytes, so this is about a gigabyte,
 * and no real overlay has more BFD sessions than this.
 */
export const MAX_TUNNELS = 3_000_000;

/**
 * Cross-reference checks on an expanded scenario: what a schema cannot see because it spans entries
 * (duplicates, references to things that do not exist, addresses that collide). Errors make the scenario
 * unusable; warnings describe something legal but probably unintended.
 */
export function checkScenario(scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const error = (code: string, path: SourcePath, detail: string) => problems.push(scenarioProblem('error', code, path, detail));
  const warning = (code: string, path: SourcePath, detail: string) => problems.push(scenarioProblem('warning', code, path, detail));

  // Sites and edges.
  const siteById = new Map<number, ScenarioSite>();
  const systemIps = new Map<string, SourcePath>();
  const hostNames = new Map<string, SourcePath>();
  for (const site of scenario.sites) {
    const first = siteById.get(site.id);
    if (first === undefined) siteById.set(site.id, site);
    else error('DuplicateSiteId', [...site.source, 'id'], `duplicate site id ${site.id} (first at ${formatPath(first.source)})`);
    const colors = new Set<Color>();
    site.tlocs.forEach((tloc, k) => {
      if (colors.has(tloc.color)) error('DuplicateColor', [...site.source, 'colors', k], `color ${tloc.color} is listed twice for site ${site.id}`);
      colors.add(tloc.color);
    });
    site.edges.forEach((edge, e) => {
      const path: SourcePath = isGenerated(site.source) ? site.source : [...site.source, 'edges', e];
      const ipFirst = systemIps.get(edge.systemIp);
      if (ipFirst === undefined) systemIps.set(edge.systemIp, path);
      else error('DuplicateSystemIp', [...path, 'systemIp'], `duplicate system IP ${edge.systemIp} (first at ${formatPath(ipFirst)})`);
      const hostFirst = hostNames.get(edge.hostName);
      if (hostFirst === undefined) hostNames.set(edge.hostName, path);
      else error('DuplicateHostName', [...path, 'hostName'], `duplicate host name ${edge.hostName} (first at ${formatPath(hostFirst)})`);
    });
  }
  const usedColors = new Set(scenario.sites.flatMap((site) => site.tlocs.map((tloc) => tloc.color)));
  const knownSites = [...siteById.keys()].map(String);
  if (scenario.topology === 'hub-and-spoke' && !scenario.sites.some((site) => site.hub)) {
    error('NoHub', ['fabric', 'topology'], 'hub-and-spoke needs at least one site with hub: true');
  }
  const tunnels = countTunnels(scenario);
  if (tunnels > MAX_TUNNELS) {
    error(
      'TooManyTunnels',
      ['fabric'],
      `this fabric would have ${tunnels.toLocaleString('en-US')} tunnels (at most ${MAX_TUNNELS.toLocaleString('en-US')}); set crossColor: false, use topology: hub-and-spoke, or use fewer sites or colors`,
    );
  }

  // Nodes.
  const nodeByName = new Map<string, SourcePath>();
  const nodeIps = new Map<string, SourcePath>();
  const cidrs: { cidr: Ipv4Cidr; source: SourcePath }[] = [];
  for (const node of scenario.nodes) {
    const first = nodeByName.get(node.name);
    if (first === undefined) nodeByName.set(node.name, node.source);
    else error('DuplicateNode', [...node.source, 'name'], `duplicate node name ${node.name} (first at ${formatPath(first)})`);
    if (!siteById.has(node.siteId)) error('UnknownSite', [...node.source, 'site'], unknown('site', String(node.siteId), knownSites));
    const ipFirst = nodeIps.get(node.internalIp);
    if (ipFirst === undefined) nodeIps.set(node.internalIp, node.source);
    else error('DuplicateNodeIp', [...node.source, 'ip'], `duplicate node IP ${node.internalIp} (first at ${formatPath(ipFirst)})`);
    const cidr = parseIpv4Cidr(node.podCidr);
    if (cidr !== undefined) cidrs.push({ cidr, source: node.source });
  }
  // Sorted by start, an overlap always shows between neighbours (or with the widest block so far).
  cidrs.sort((a, b) => a.cidr.first - b.cidr.first);
  let widest: (typeof cidrs)[number] | undefined;
  for (const entry of cidrs) {
    if (widest !== undefined && cidrsOverlap(widest.cidr, entry.cidr)) {
      error('OverlappingPodCidr', [...entry.source, 'podCidr'], `${entry.cidr.text} overlaps ${widest.cidr.text} of ${formatPath(widest.source)}`);
    }
    if (widest === undefined || entry.cidr.first + entry.cidr.size > widest.cidr.first + widest.cidr.size) widest = entry;
  }

  // Namespaces.
  const namespaces = new Map<string, SourcePath>();
  for (const namespace of scenario.namespaces) {
    const first = namespaces.get(namespace.name);
    if (first === undefined) namespaces.set(namespace.name, namespace.source);
    else error('DuplicateNamespace', [...namespace.source, 'name'], `duplicate namespace ${namespace.name} (first at ${formatPath(first)})`);
    const allowed = namespace.annotations[ALLOWED_TUNNELS_ANNOTATION];
    for (const color of allowed === undefined ? [] : allowed.split(',')) {
      if (!usedColors.has(color as Color)) {
        warning('UnusedColor', [...namespace.source, 'allowedTunnels'], `${color} is allowed for namespace ${namespace.name} but no site has it`);
      }
    }
  }

  // Workloads and placement.
  const workloads = new Map<string, SourcePath>();
  const nodeNames = [...nodeByName.keys()];
  for (const workload of scenario.workloads) {
    const key = `${workload.namespace}/${workload.name}`;
    const first = workloads.get(key);
    if (first === undefined) workloads.set(key, workload.source);
    else error('DuplicateWorkload', [...workload.source, 'name'], `duplicate workload ${key} (first at ${formatPath(first)})`);
    workload.nodes.forEach((name, k) => {
      if (!nodeByName.has(name)) error('UnknownNode', [...workload.source, 'nodes', k], unknown('node', name, nodeNames));
    });
    if (workload.replicas > 0 && workload.nodes.length === 0) {
      error('NoNodes', [...workload.source, 'replicas'], `workload ${key} has ${workload.replicas} replicas but no node to run on (no nodes at its sites, or no nodes at all)`);
    }
  }

  // Services.
  const workloadsByNamespace = Map.groupBy(scenario.workloads, (workload) => workload.namespace);
  const services = new Map<string, SourcePath>();
  const servicePorts = new Map<string, readonly number[]>();
  const clusterIps = new Map<string, SourcePath>();
  for (const service of scenario.services) {
    const key = `${service.namespace}/${service.name}`;
    const first = services.get(key);
    if (first === undefined) services.set(key, service.source);
    else error('DuplicateService', [...service.source, 'name'], `duplicate Service ${key} (first at ${formatPath(first)})`);
    servicePorts.set(key, service.ports.map((port) => port.port));
    const ipFirst = clusterIps.get(service.clusterIp);
    if (ipFirst === undefined) clusterIps.set(service.clusterIp, service.source);
    else error('DuplicateClusterIp', [...service.source, 'clusterIp'], `duplicate cluster IP ${service.clusterIp} (first at ${formatPath(ipFirst)})`);
    for (const annotation of ['isthmus.io/tunnels', 'isthmus.io/tunnel']) {
      for (const color of service.annotations[annotation]?.split(',') ?? []) {
        if (!usedColors.has(color as Color)) warning('UnusedColor', [...service.source, 'annotations', annotation], `Service ${key} asks for ${color} but no site has it`);
      }
    }
    const selected = (workloadsByNamespace.get(service.namespace) ?? []).some((workload) =>
      Object.entries(service.selector).every(([label, value]) => workload.labels[label] === value),
    );
    if (!selected) warning('NoBackends', [...service.source, 'selector'], `no workload in namespace ${service.namespace} matches the selector of Service ${key}; its traffic is dropped`);
  }

  // Traffic.
  const serviceKeys = [...services.keys()];
  const workloadKeys = [...workloads.keys()];
  for (const entry of scenario.traffic) {
    const from = `${entry.from.namespace}/${entry.from.name}`;
    const to = `${entry.to.namespace}/${entry.to.name}`;
    if (!workloads.has(from)) error('UnknownWorkload', [...entry.source, 'from'], unknown('workload', from, workloadKeys));
    const ports = servicePorts.get(to);
    if (ports === undefined) error('UnknownService', [...entry.source, 'to'], unknown('Service', to, serviceKeys));
    else if (!ports.includes(entry.port)) error('UnknownPort', [...entry.source, 'port'], `Service ${to} has no port ${entry.port} (ports: ${ports.join(', ')})`);
  }

  // Scripted events.
  for (const event of scenario.events) {
    if (event.kind === 'scale') {
      const key = `${event.workload.namespace}/${event.workload.name}`;
      if (!workloads.has(key)) error('UnknownWorkload', [...event.source, 'scale'], unknown('workload', key, workloadKeys));
    } else {
      const key = `${event.service.namespace}/${event.service.name}`;
      if (!services.has(key)) error('UnknownService', [...event.source, 'annotate'], unknown('Service', key, serviceKeys));
    }
  }

  checkPodCapacity(scenario, error);
  checkIncidents(scenario, siteById, usedColors, error);
  return problems;
}

type Report = (code: string, path: SourcePath, detail: string) => void;

/** Every pod a node ever hosts needs an address of its pod CIDR (network, gateway and broadcast excluded). */
function checkPodCapacity(scenario: Scenario, error: Report): void {
  const perNode = new Map<string, number>();
  for (const workload of scenario.workloads) {
    if (workload.nodes.length === 0) continue;
    for (const ordinal of podInstances(scenario, workload.namespace, workload.name, workload.replicas)) {
      const node = placePod(workload, ordinal) ?? '';
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
  }
  for (const node of scenario.nodes) {
    const cidr = parseIpv4Cidr(node.podCidr);
    const count = perNode.get(node.name) ?? 0;
    if (cidr !== undefined && count > cidr.size - 3) {
      error('PodCidrExhausted', [...node.source, 'podCidr'], `${node.podCidr} has room for ${cidr.size - 3} pods but node ${node.name} runs ${count} over the scenario`);
    }
  }
}

/** Ordinals of every pod instance a workload ever has (a pod recreated after a scale-down counts again). */
function podInstances(scenario: Scenario, namespace: string, name: string, initial: number): number[] {
  const out = Array.from({ length: initial }, (_, i) => i);
  let current = initial;
  const scales = scenario.events
    .filter((event) => event.kind === 'scale' && event.workload.namespace === namespace && event.workload.name === name)
    .sort((a, b) => a.atMs - b.atMs);
  for (const event of scales) {
    if (event.kind !== 'scale') continue;
    for (let i = current; i < event.replicas; i++) out.push(i);
    current = event.replicas;
  }
  return out;
}

function checkIncidents(scenario: Scenario, siteById: ReadonlyMap<number, ScenarioSite>, usedColors: ReadonlySet<Color>, error: Report): void {
  const knownSites = [...siteById.keys()].map(String);
  for (const incident of scenario.incidents) {
    const path = [...incident.source, 'target'];
    const { tunnel, color, siteId, peerSiteId } = incident.target;
    if (tunnel !== undefined) {
      const reason = missingTunnelReason(scenario, tunnel.local, tunnel.remote);
      if (reason !== undefined) error('UnknownTunnel', [...path, 'tunnel'], `no tunnel ${tunnel.local.systemIp}:${tunnel.local.color}-${tunnel.remote.systemIp}:${tunnel.remote.color} in the fabric: ${reason}`);
      continue;
    }
    const key = peerSiteId === undefined ? 'site' : 'sites';
    const site = siteId === undefined ? undefined : siteById.get(siteId);
    if (siteId !== undefined && site === undefined) error('UnknownSite', peerSiteId === undefined ? [...path, key] : [...path, key, 0], unknown('site', String(siteId), knownSites));
    if (peerSiteId !== undefined) {
      if (!siteById.has(peerSiteId)) error('UnknownSite', [...path, key, 1], unknown('site', String(peerSiteId), knownSites));
      else if (peerSiteId === siteId) error('InvalidValue', [...path, key], `expected two different sites, got ${siteId} twice`);
    }
    if (color !== undefined) {
      if (!usedColors.has(color)) error('UnknownColor', [...path, 'color'], `no site has color ${color}`);
      else if (site !== undefined && peerSiteId === undefined && !site.tlocs.some((tloc) => tloc.color === color)) {
        error('UnknownColor', [...path, 'color'], `site ${site.id} has no ${color} TLOC (it has ${site.tlocs.map((tloc) => tloc.color).join(', ')})`);
      }
    }
  }
}

/** Why (local → remote) is not a tunnel of the fabric, or undefined when it is one. */
function missingTunnelReason(scenario: Scenario, local: { systemIp: string; color: Color }, remote: { systemIp: string; color: Color }): string | undefined {
  const find = (systemIp: string): { site: ScenarioSite } | string => {
    const site = scenario.sites.find((candidate) => candidate.edges.some((edge) => edge.systemIp === systemIp));
    return site === undefined ? `no edge has system IP ${systemIp}` : { site };
  };
  const localSite = find(local.systemIp);
  if (typeof localSite === 'string') return localSite;
  const remoteSite = find(remote.systemIp);
  if (typeof remoteSite === 'string') return remoteSite;
  const localTloc = localSite.site.tlocs.find((tloc) => tloc.color === local.color);
  if (localTloc === undefined) return `${local.systemIp} has no ${local.color} TLOC`;
  const remoteTloc = remoteSite.site.tlocs.find((tloc) => tloc.color === remote.color);
  if (remoteTloc === undefined) return `${remote.systemIp} has no ${remote.color} TLOC`;
  if (localSite.site.id === remoteSite.site.id) return `both ends are at site ${localSite.site.id}, and edges of one site do not tunnel to each other`;
  const formed = formsTunnel(
    { siteId: localSite.site.id, hub: localSite.site.hub, color: localTloc.color, restrict: localTloc.restrict },
    { siteId: remoteSite.site.id, hub: remoteSite.site.hub, color: remoteTloc.color, restrict: remoteTloc.restrict },
    scenario.topology,
    scenario.crossColor,
  );
  if (formed) return undefined;
  if (scenario.topology === 'hub-and-spoke' && !localSite.site.hub && !remoteSite.site.hub) return 'neither site is a hub (topology hub-and-spoke)';
  if (!scenario.crossColor) return 'different colors and fabric.crossColor is false';
  return 'different colors and one end is restricted';
}

/**
 * `unknown Service shop/paymnts; did you mean shop/payments?`. Suggestions compare names within the same
 * namespace (a shared `default/` prefix would make anything look close); numbers get none (900 is not a
 * typo of 100).
 */
function unknown(kind: string, value: string, known: readonly string[]): string {
  const hint = /^\d+$/.test(value) ? undefined : suggestName(value, known);
  if (hint !== undefined) return `unknown ${kind} ${value}; did you mean ${hint}?`;
  if (known.length === 0) return `unknown ${kind} ${value} (there are none)`;
  return known.length <= 8 ? `unknown ${kind} ${value} (known: ${known.join(', ')})` : `unknown ${kind} ${value}`;
}

function suggestName(value: string, known: readonly string[]): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return suggest(value, known);
  const prefix = value.slice(0, slash + 1);
  const names = known.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  const hint = suggest(value.slice(slash + 1), names);
  return hint === undefined ? suggest(value, known.filter((key) => !key.startsWith(prefix))) : `${prefix}${hint}`;
}

function isGenerated(source: SourcePath): boolean {
  return source[0] === 'generate';
}
