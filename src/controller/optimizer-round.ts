import type { AggregationReader } from '../correlate/aggregation-reader.ts';
import { sloBoundsOf } from '../correlate/service-paths.ts';
import { crossSitePairs } from '../correlate/site-pair.ts';
import type { SitePair } from '../correlate/site-pair.ts';
import { TunnelPathIndex } from '../correlate/tunnel-path-index.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import type { CandidateEvaluation, DecisionReason } from '../domain/decision.ts';
import { parseServiceKey } from '../domain/service.ts';
import type { Service, ServiceKey, ServiceProtocol, ServiceRef } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import type { ServiceIntent } from '../domain/slo.ts';
import type { TunnelStatsSource } from '../domain/tunnel-stats-source.ts';
import type { ReadyEndpoint } from '../kube/inventory.ts';
import type { Decision } from '../optimizer/decide.ts';
import { evaluateServices } from '../optimizer/evaluate-services.ts';
import type { EvaluationTarget } from '../optimizer/evaluate-services.ts';
import type { OptimizerParams } from '../optimizer/optimizer-params.ts';
import { planRound } from '../optimizer/plan-round.ts';
import type { RoundService } from '../optimizer/plan-round.ts';
import type { ServiceState } from '../optimizer/service-state.ts';
import type { WindowOptions } from '../optimizer/window-statistic.ts';
import { readingOfWindow } from '../optimizer/windowed-readings.ts';
import type { DesiredPolicyState, DesiredServicePolicy } from '../policy/policy-document.ts';

/**
 * VPNs the policy is scoped to when the configuration names none. VPN 1 is the conventional first
 * service VPN of Catalyst SD-WAN (0 is transport, 512 management), where cluster traffic lives in
 * the common single-VPN design; a cluster in other VPNs must say so (`vpnIds`).
 */
export const DEFAULT_POLICY_VPN_IDS: readonly number[] = Object.freeze([1]);

/** One Service as a round needs it: plain data the caller reads from the inventory and the intents. */
export interface OptimizerRoundService {
  readonly key: ServiceKey;
  /** The Service object (its ports, when endpoints name none). */
  readonly service: Service | undefined;
  /** After the tenancy guard (`ServiceIntents.get(key).intent`). */
  readonly intent: ServiceIntent;
  /** The colors its namespace may use; undefined: every color. */
  readonly allowed: readonly Color[] | undefined;
  /** Its ready endpoints (the inventory's, all sites and unplaced together). */
  readonly endpoints: readonly ReadyEndpoint[];
}

export interface OptimizerRoundInput {
  readonly services: readonly OptimizerRoundService[];
  /** Observed site pairs per Service (the aggregation store). */
  readonly traffic: Pick<AggregationReader, 'sitePairs'>;
  /** Tunnel readings and their window statistics. */
  readonly tunnels: Pick<TunnelStatsSource, 'readings' | 'windowMeasure'>;
  /** The previous round's states; a Service missing here is decided afresh. */
  readonly states: ReadonlyMap<ServiceKey, ServiceState>;
  /** Epoch ms on the bridge's clock. */
  readonly now: number;
  readonly params: OptimizerParams;
  /** Candidates of an auto Service that names none and whose namespace allows every color, in preference order. */
  readonly fabricColors: readonly Color[];
  /** The sites the cluster's nodes sit behind: the policy's scope, and the client sites before any traffic. */
  readonly clusterSites: readonly SiteId[];
  readonly clusterName: string;
  /** Default DEFAULT_POLICY_VPN_IDS. */
  readonly vpnIds?: readonly number[];
  /** Only site pairs with traffic at or after this epoch ms count; default: all. */
  readonly sinceMs?: number;
}

/** A Service that changed color this round (or got its first one: `from` undefined). */
export interface RoundMove {
  readonly key: ServiceKey;
  readonly from: Color | undefined;
  readonly to: Color;
  readonly reason: DecisionReason;
  readonly message: string;
}

export interface OptimizerRound {
  /** Per steered or decided Service, in input order. */
  readonly decisions: ReadonlyMap<ServiceKey, Decision>;
  /** The states for the next round: only Services that are steered. */
  readonly states: Map<ServiceKey, ServiceState>;
  readonly assignments: readonly Assignment[];
  readonly moves: readonly RoundMove[];
  /** Budgeted moves deferred to a later round. */
  readonly deferred: number;
  /** What src/policy renders and pushes. */
  readonly desired: DesiredPolicyState;
}

/**
 * One optimizer round over plain inputs: window the tunnel samples, judge every steerable Service's
 * candidates on the site pairs its traffic crosses (before any traffic: every cluster site to each
 * endpoint site), decide with the previous states (planRound), and derive what the controller acts on —
 * assignments, the moves to report, the states to keep, and the desired SD-WAN policy. Pure.
 */
export function optimizerRound(input: OptimizerRoundInput): OptimizerRound {
  const { params, now } = input;
  const observed = observedPairs(input.traffic, input.sinceMs);
  const steerable = input.services.filter((entry) => entry.intent.mode !== 'unmanaged');
  const evaluations = evaluateServices({
    targets: steerable.map((entry) => evaluationTarget(entry, input.fabricColors, input.clusterSites, observed)),
    traffic: observed,
    index: windowedPathIndex(input.tunnels, { nowMs: now, windowMs: params.windowMs, statistic: params.statistic, minSamples: params.minSamples }),
  });
  const round: RoundService[] = steerable.map((entry, position) => ({
    service: refOf(entry.key),
    intent: entry.intent,
    allowed: entry.allowed,
    state: input.states.get(entry.key),
    evaluation: evaluations[position],
  }));
  const plan = planRound(round, now, params);

  const decisions = new Map<ServiceKey, Decision>();
  const states = new Map<ServiceKey, ServiceState>();
  const assignments: Assignment[] = [];
  const moves: RoundMove[] = [];
  const services: DesiredServicePolicy[] = [];
  steerable.forEach((entry, position) => {
    const decision = plan.decisions[position];
    if (decision === undefined) return;
    decisions.set(entry.key, decision);
    const { assignment, record, state } = decision;
    if (assignment === undefined || state === undefined) return;
    states.set(entry.key, state);
    assignments.push(assignment);
    const from = input.states.get(entry.key)?.color;
    if (from !== assignment.color) moves.push({ key: entry.key, from, to: assignment.color, reason: record?.reason ?? 'initial', message: record?.message ?? '' });
    const policy = servicePolicy(entry, assignment, record?.candidates ?? []);
    if (policy !== undefined) services.push(policy);
  });

  return {
    decisions,
    states,
    assignments,
    moves,
    deferred: plan.deferred,
    desired: {
      clusterName: input.clusterName,
      scope: { siteIds: [...new Set(input.clusterSites)].sort((a, b) => a - b), vpnIds: input.vpnIds ?? DEFAULT_POLICY_VPN_IDS },
      services,
    },
  };
}

/**
 * The tunnel readings indexed by path, each judged on its window: the window statistic is asked of the
 * source on a tunnel's first lookup, so a round windows only the tunnels its Services cross.
 */
function windowedPathIndex(tunnels: Pick<TunnelStatsSource, 'readings' | 'windowMeasure'>, options: WindowOptions): TunnelPathIndex {
  return new TunnelPathIndex(tunnels.readings(), (reading) => readingOfWindow(reading, tunnels.windowMeasure(reading.tunnel.key, options)));
}

/** The site pairs each Service's traffic crossed, asked once per Service and round. */
function observedPairs(traffic: Pick<AggregationReader, 'sitePairs'>, sinceMs: number | undefined): Pick<AggregationReader, 'sitePairs'> {
  const pairs = new Map<ServiceKey, readonly SitePair[]>();
  return {
    sitePairs: (key) => {
      let known = pairs.get(key);
      if (known === undefined) {
        known = traffic.sitePairs(key, sinceMs);
        pairs.set(key, known);
      }
      return known;
    },
  };
}

/** What to judge: a pin on its own color (measured, never moved), an auto Service on its candidates. */
function evaluationTarget(
  entry: OptimizerRoundService,
  fabricColors: readonly Color[],
  clusterSites: readonly SiteId[],
  traffic: Pick<AggregationReader, 'sitePairs'>,
): EvaluationTarget {
  const { intent } = entry;
  const candidates = intent.mode === 'pinned' ? [intent.color] : intent.mode === 'auto' ? (intent.candidates ?? entry.allowed ?? fabricColors) : [];
  const target = { service: entry.key, bounds: sloBoundsOf(intent), candidates };
  // The fallback pairs count only while the Service has no traffic, and at fabric scale they are
  // hundreds per Service (every cluster site × every endpoint site): built only when they count.
  if (traffic.sitePairs(entry.key).length > 0) return target;
  const endpointSites = entry.endpoints.flatMap((endpoint) => (endpoint.siteId === undefined ? [] : [endpoint.siteId]));
  // Clients may sit on any node, so before traffic every cluster site is a possible client site.
  return { ...target, fallbackPairs: crossSitePairs(clusterSites, endpointSites) };
}

/** The Service's policy entry; undefined without a ready endpoint (nothing to match on). */
function servicePolicy(entry: OptimizerRoundService, assignment: Assignment, candidates: readonly CandidateEvaluation[]): DesiredServicePolicy | undefined {
  if (entry.endpoints.length === 0) return undefined;
  const pinned = assignment.mode === 'pinned';
  const backupColor = pinned ? undefined : backupColorOf(assignment.color, candidates);
  return {
    key: entry.key,
    endpoints: uniqueBy(entry.endpoints, (endpoint) => endpoint.ip).map((endpoint) => ({ ip: endpoint.ip, ready: true })),
    ports: wanPorts(entry),
    slo: sloBoundsOf(entry.intent),
    color: assignment.color,
    mode: assignment.mode,
    ...(backupColor === undefined ? {} : { backupColor }),
    // A pin is "this color whatever the quality" (the earlier operator's contract): a data policy, not an SLA class.
    ...(pinned ? { strictPin: true } : {}),
  };
}

/**
 * Where routers send the Service's traffic when no tunnel meets its SLA class: the next candidate that
 * complies now, else the next candidate in preference order, else none (the chosen color).
 */
export function backupColorOf(chosen: Color, candidates: readonly CandidateEvaluation[]): Color | undefined {
  const others = candidates.filter((candidate) => candidate.color !== chosen);
  return (others.find((candidate) => candidate.compliant === true) ?? others[0])?.color;
}

/**
 * Ports as they cross the WAN: the endpoints' ports (Cilium has translated the Service port by then);
 * while no slice names a port, the Service's numeric target ports. Named target ports resolve only
 * through slices, so they are skipped until then.
 */
function wanPorts(entry: OptimizerRoundService): { readonly port: number; readonly protocol: ServiceProtocol }[] {
  const fromSlices = entry.endpoints.flatMap((endpoint) => endpoint.ports.flatMap((port) => (port.port === undefined ? [] : [{ port: port.port, protocol: port.protocol }])));
  const ports =
    fromSlices.length > 0
      ? fromSlices
      : (entry.service?.ports ?? []).flatMap((port) => (typeof port.targetPort === 'number' ? [{ port: port.targetPort, protocol: port.protocol }] : []));
  return uniqueBy(ports, (port) => `${port.protocol}/${String(port.port)}`).sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const itemKey = key(item);
    if (!seen.has(itemKey)) seen.set(itemKey, item);
  }
  return [...seen.values()];
}

/** The reference records and assignments carry (never the whole object, annotations and all). */
function refOf(key: ServiceKey): ServiceRef {
  return parseServiceKey(key) ?? { namespace: '', name: key };
}
