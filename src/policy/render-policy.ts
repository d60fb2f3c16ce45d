import { isIPv4, isIPv6 } from 'node:net';
import type { ServiceProtocol } from '../domain/service.ts';
import type { DesiredPolicyState, DesiredServicePolicy, PolicyDocument, PolicyObject, PolicyScope } from './policy-document.ts';
import { POLICY_OBJECT_KIND_ORDER } from './policy-object-kinds.ts';
import { policyOwnership } from './policy-ownership.ts';
import type { PolicyOwnership } from './policy-ownership.ts';
import { PolicyError, POLICY_ERROR_CODES } from './policy-error.ts';
import { assignSequenceIds } from './assign-sequence-ids.ts';
import { slaThresholds } from './sla-thresholds.ts';

type Family = 'ipv4' | 'ipv6';
type Direction = 'dst' | 'src';

/** One match of a Service's traffic: its endpoints on one port, one direction, one address family. */
interface Match {
  readonly key: string;
  readonly service: DesiredServicePolicy;
  readonly family: Family;
  readonly direction: Direction;
  readonly port: number;
  readonly protocol: ServiceProtocol;
  readonly listName: string;
}

/** IANA protocol numbers, as `protocol` match entries carry them. */
const PROTOCOL_NUMBERS: Readonly<Record<ServiceProtocol, string>> = { TCP: '6', UDP: '17', SCTP: '132' };

/**
 * The classic centralized policy for a cluster's desired state (reference §5), as data:
 *
 * - per Service and address family, a data-prefix list of its ready endpoints (/32, /128);
 * - per distinct SLO, an SLA class list (rounded down, clamped to SD-WAN's ranges: `slaThresholds`);
 * - one app-route definition: per Service, port, protocol, family and direction (traffic to the
 *   endpoints, and their replies), match the list, the port and the protocol; action `slaClass` with
 *   the chosen `preferredColor`, and `backupSlaPreferredColor` for when no tunnel meets the class;
 * - strict pins instead as a data (traffic-engineering) definition setting a restricted local TLOC
 *   color, which routers apply whatever the measured quality; a strictly pinned Service is not also in
 *   the app-route definition (the data policy would override it anyway, and one rule is clearer);
 * - a centralized policy assembling them, scoped to one site list (the sites the cluster's nodes sit
 *   behind: that is where its traffic enters and leaves the fabric) and one VPN list (its service VPNs).
 *
 * Neither definition has a default action: traffic Isthmus does not steer is routed as it would be
 * without the policy. Everything is sorted, and sequence ids derive from keys, so an unchanged Service
 * renders byte-identically whatever else changes. References hold object names (see PolicyObject).
 */
export function renderPolicy(desired: DesiredPolicyState): PolicyDocument {
  const owner = policyOwnership(desired.clusterName);
  const notes: string[] = [];
  const services = [...desired.services].sort((a, b) => compare(a.key, b.key));
  const objects: PolicyObject[] = [...scopeLists(owner, desired.scope)];
  const matches: Match[] = [];
  const slaNames = new Map<DesiredServicePolicy, string>();
  const slaLists = new Map<string, PolicyObject>();

  for (const service of services) {
    const { v4, v6, invalid } = readyPrefixes(service);
    if (invalid.length > 0) notes.push(`${service.key}: ignored endpoint addresses that are not IP addresses: ${invalid.join(', ')}`);
    if (v4.length === 0 && v6.length === 0) {
      notes.push(`${service.key}: no ready endpoints; nothing to steer`);
      continue;
    }
    if (service.ports.length === 0) notes.push(`${service.key}: no ports; nothing to steer`);
    for (const [family, prefixes] of [['ipv4', v4], ['ipv6', v6]] as const) {
      if (prefixes.length === 0) continue;
      const listName = owner.name(`${family === 'ipv4' ? 'dp4' : 'dp6'}_${serviceSuffix(service.key)}`);
      objects.push({
        kind: family === 'ipv4' ? 'dataPrefix' : 'dataIpv6Prefix',
        name: listName,
        body: { name: listName, description: owner.description, type: family === 'ipv4' ? 'dataPrefix' : 'dataIpv6Prefix', entries: prefixes.map((ipPrefix) => ({ ipPrefix })) },
      });
      for (const { port, protocol } of uniquePorts(service.ports)) {
        for (const direction of ['dst', 'src'] as const) {
          matches.push({ key: `${service.key}|${protocol.toLowerCase()}/${port}|${direction}|${family}`, service, family, direction, port, protocol, listName });
        }
      }
    }
    if (service.strictPin === true) continue;
    const sla = slaThresholds(service.slo);
    for (const adjustment of sla.adjustments) notes.push(`${service.key}: SLA class ${adjustment}`);
    const slaName = owner.name(`sla_l${sla.latencyMs}-p${sla.lossPercent}-j${sla.jitterMs}`);
    slaNames.set(service, slaName);
    slaLists.set(slaName, {
      kind: 'sla',
      name: slaName,
      body: {
        name: slaName,
        description: owner.description,
        type: 'sla',
        entries: [{ latency: String(sla.latencyMs), loss: String(sla.lossPercent), jitter: String(sla.jitterMs) }],
      },
    });
  }
  objects.push(...slaLists.values());

  const routed = matches.filter((match) => match.service.strictPin !== true);
  const pinned = matches.filter((match) => match.service.strictPin === true);
  const appRouteName = owner.name('aar');
  objects.push({
    kind: 'appRoute',
    name: appRouteName,
    body: {
      name: appRouteName,
      type: 'appRoute',
      description: owner.description,
      sequences: sequencesOf(routed, (match, sequenceId) => appRouteSequence(match, sequenceId, slaNames.get(match.service) ?? '')),
    },
  });
  const dataName = owner.name('pins');
  if (pinned.length > 0) {
    objects.push({
      kind: 'data',
      name: dataName,
      body: {
        name: dataName,
        type: 'data',
        description: owner.description,
        defaultAction: { type: 'accept' },
        sequences: sequencesOf(pinned, pinSequence),
      },
    });
  }
  const siteList = owner.name('sites');
  const vpnList = owner.name('vpns');
  const policyName = owner.name('policy');
  objects.push({
    kind: 'vsmart',
    name: policyName,
    body: {
      policyName,
      policyDescription: owner.description,
      policyType: 'feature',
      policyDefinition: {
        assembly: [
          { definitionId: appRouteName, type: 'appRoute', entries: [{ siteLists: [siteList], vpnLists: [vpnList] }] },
          ...(pinned.length > 0 ? [{ definitionId: dataName, type: 'data', entries: [{ direction: 'service', siteLists: [siteList], vpnLists: [vpnList] }] }] : []),
        ],
      },
    },
  });
  return { clusterName: desired.clusterName, objects: sortObjects(objects), notes };
}

/** The site and VPN lists the policy is scoped to. */
function scopeLists(owner: PolicyOwnership, scope: PolicyScope): PolicyObject[] {
  const sites = [...new Set(scope.siteIds)].sort((a, b) => a - b);
  const vpns = [...new Set(scope.vpnIds)].sort((a, b) => a - b);
  const badSite = sites.find((id) => !Number.isInteger(id) || id < 1 || id > 4_294_967_295);
  const badVpn = vpns.find((id) => !Number.isInteger(id) || id < 0 || id > 65_530);
  if (sites.length === 0) throw new PolicyError(POLICY_ERROR_CODES.invalid, 'the policy scope has no site: no cluster node is mapped to an SD-WAN site');
  if (vpns.length === 0) throw new PolicyError(POLICY_ERROR_CODES.invalid, 'the policy scope has no VPN');
  if (badSite !== undefined) throw new PolicyError(POLICY_ERROR_CODES.invalid, `site id ${badSite} is outside 1–4294967295`);
  if (badVpn !== undefined) throw new PolicyError(POLICY_ERROR_CODES.invalid, `VPN ${badVpn} is outside 0–65530`);
  const siteName = owner.name('sites');
  const vpnName = owner.name('vpns');
  return [
    { kind: 'site', name: siteName, body: { name: siteName, description: owner.description, type: 'site', entries: siteRanges(sites).map((siteId) => ({ siteId })) } },
    { kind: 'vpn', name: vpnName, body: { name: vpnName, description: owner.description, type: 'vpn', entries: vpns.map((vpn) => ({ vpn: String(vpn) })) } },
  ];
}

/** Sorted ids as vManage's site-list entries, consecutive runs as ranges: `[100, 101, 102, 200]` → `100-102`, `200`. */
function siteRanges(sorted: readonly number[]): string[] {
  const out: string[] = [];
  let start: number | undefined;
  let end = 0;
  for (const id of sorted) {
    if (start !== undefined && id === end + 1) {
      end = id;
      continue;
    }
    if (start !== undefined) out.push(start === end ? String(start) : `${start}-${end}`);
    start = id;
    end = id;
  }
  if (start !== undefined) out.push(start === end ? String(start) : `${start}-${end}`);
  return out;
}

/** Ready endpoint addresses as host prefixes, per family, sorted and without duplicates. */
function readyPrefixes(service: DesiredServicePolicy): { v4: string[]; v6: string[]; invalid: string[] } {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const invalid: string[] = [];
  for (const endpoint of service.endpoints) {
    if (!endpoint.ready) continue;
    if (isIPv4(endpoint.ip)) v4.add(`${endpoint.ip}/32`);
    else if (isIPv6(endpoint.ip)) v6.add(`${endpoint.ip.toLowerCase()}/128`);
    else invalid.push(endpoint.ip);
  }
  return { v4: [...v4].sort(compare), v6: [...v6].sort(compare), invalid };
}

function uniquePorts(ports: DesiredServicePolicy['ports']): { port: number; protocol: ServiceProtocol }[] {
  const seen = new Map<string, { port: number; protocol: ServiceProtocol }>();
  for (const { port, protocol } of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) continue;
    seen.set(`${protocol}/${port}`, { port, protocol });
  }
  return [...seen.values()].sort((a, b) => compare(a.protocol, b.protocol) || a.port - b.port);
}

/** `shop/api` → `shop_api`: `_` cannot occur in Kubernetes names, so the split stays readable and unique. */
function serviceSuffix(key: string): string {
  return key.replace('/', '_');
}

/** Sequences with key-derived ids, in id order (the order vManage evaluates them in). */
function sequencesOf(matches: readonly Match[], render: (match: Match, sequenceId: number) => Record<string, unknown>): Record<string, unknown>[] {
  const ids = assignSequenceIds(matches.map((match) => match.key));
  return matches
    .map((match) => ({ id: ids.get(match.key) ?? 0, match }))
    .sort((a, b) => a.id - b.id)
    .map(({ id, match }) => render(match, id));
}

function matchEntries(match: Match): Record<string, string>[] {
  const side = match.direction === 'dst' ? 'destination' : 'source';
  const list = match.family === 'ipv4' ? `${side}DataPrefixList` : `${side}DataIpv6PrefixList`;
  return [
    { field: list, ref: match.listName },
    { field: `${side}Port`, value: String(match.port) },
    { field: 'protocol', value: PROTOCOL_NUMBERS[match.protocol] },
  ];
}

function sequenceName(match: Match): string {
  return `${serviceSuffix(match.service.key)}-${match.protocol.toLowerCase()}-${match.port}-${match.direction === 'dst' ? 'to' : 'from'}`;
}

function appRouteSequence(match: Match, sequenceId: number, slaName: string): Record<string, unknown> {
  return {
    sequenceId,
    sequenceName: sequenceName(match),
    sequenceType: 'appRoute',
    sequenceIpType: match.family,
    match: { entries: matchEntries(match) },
    actions: [
      { type: 'slaClass', parameter: [{ field: 'name', ref: slaName }, { field: 'preferredColor', value: match.service.color }] },
      { type: 'backupSlaPreferredColor', parameter: match.service.backupColor ?? match.service.color },
    ],
  };
}

function pinSequence(match: Match, sequenceId: number): Record<string, unknown> {
  return {
    sequenceId,
    sequenceName: sequenceName(match),
    sequenceType: 'trafficEngineering',
    sequenceIpType: match.family,
    baseAction: 'accept',
    match: { entries: matchEntries(match) },
    actions: [{ type: 'set', parameter: [{ field: 'localTlocList', value: { color: match.service.color, encap: 'ipsec', restrict: '' } }] }],
  };
}

function sortObjects(objects: readonly PolicyObject[]): PolicyObject[] {
  const rank = (object: PolicyObject) => POLICY_OBJECT_KIND_ORDER.indexOf(object.kind);
  return [...objects].sort((a, b) => rank(a) - rank(b) || compare(a.name, b.name));
}

/** Code-unit order: locale-independent, so the rendering is the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
