import type { IncomingMessage, ServerResponse } from 'node:http';
import { tunnelJson } from './tunnel-json.ts';
import type { TunnelJson } from './tunnel-json.ts';
import type { PairStatus } from '../correlate/path-on-color.ts';
import type { PathVerdict } from '../correlate/service-path.ts';
import type { AssignmentMode } from '../domain/assignment.ts';
import type { CandidateEvaluation, DecisionReason, DecisionRecord, MeasuredValues } from '../domain/decision.ts';
import { explainDecision } from '../optimizer/explain-decision.ts';
import type { TunnelSourceHealth, TunnelReading } from '../domain/tunnel-stats-source.ts';
import type { ServiceStatus } from './service-status.ts';
import type { BridgeEvent } from './recent-events.ts';

/*
 * The JSON API under /api/v1: stable field names, base units (seconds, 0–1 ratios), times in ISO 8601
 * UTC, unknown values null (never omitted), site ids as numbers. Pure functions from the bridge's
 * snapshots to bodies; `mountApiV1` puts them on the telemetry server.
 */

export interface SloJson {
  readonly maxLatencySeconds: number | null;
  readonly maxJitterSeconds: number | null;
  readonly maxLossRatio: number | null;
  readonly objective: number;
  readonly windowSeconds: number;
}

export interface ServicePairJson {
  readonly srcSite: number;
  /** null: the flows went to a frontend address (the backend's site is not known). */
  readonly dstSite: number | null;
  readonly flows: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly colors: Readonly<Record<string, number>>;
}

export interface ServiceJson {
  readonly namespace: string;
  readonly name: string;
  /** What the Service asks for: `auto`, `pinned` or `unmanaged`. */
  readonly intent: 'auto' | 'pinned' | 'unmanaged';
  readonly slo: SloJson | null;
  /** The color the Service's inter-site traffic takes: its assignment, else the fabric default. */
  readonly color: string | null;
  readonly assignment: { readonly color: string; readonly mode: AssignmentMode; readonly reason: DecisionReason | null; readonly since: string } | null;
  readonly compliance: { readonly sli: 0 | 1 | null; readonly verdict: PathVerdict | null };
  readonly path: {
    readonly color: string | null;
    readonly latencySeconds: number | null;
    readonly jitterSeconds: number | null;
    readonly lossRatio: number | null;
    readonly pairSource: string;
    readonly pairs: readonly { readonly srcSite: number; readonly dstSite: number; readonly status: PairStatus; readonly tunnels: number }[];
  } | null;
  readonly flows: number;
  readonly flowsPerSecond: number;
  readonly sitePairs: readonly ServicePairJson[];
  /** The optimizer's last decision in brief; null before one, on a follower, or when not steered. */
  readonly decision: DecisionSummaryJson | null;
}

export interface DecisionSummaryJson {
  readonly time: string;
  readonly from: string | null;
  readonly to: string;
  readonly mode: AssignmentMode;
  readonly reason: DecisionReason;
  readonly message: string;
}

export interface CandidateJson {
  readonly color: string;
  readonly compliant: boolean | null;
  readonly margin: number | null;
  readonly verdict: string | null;
  readonly limitingBound: string | null;
  readonly measured: { readonly latencySeconds: number; readonly jitterSeconds: number; readonly lossRatio: number } | null;
  readonly healthySince: string | null;
  readonly pairs: readonly { readonly srcSite: number; readonly dstSite: number; readonly status: string; readonly measured: MeasuredValues | null; readonly margin: number | null }[];
}

/** `GET /api/v1/services/{ns}/{name}`: the whole record, for `isthmus explain -o json` and tools. */
export interface DecisionJson extends DecisionSummaryJson {
  readonly candidates: readonly CandidateJson[];
  /** What the decision was taken from (see DecisionInputs); times as ISO 8601. */
  readonly inputs: Readonly<Record<string, unknown>> | null;
  readonly wouldMove: readonly Readonly<Record<string, unknown>>[];
  readonly deferred: { readonly to: string; readonly reason: DecisionReason; readonly mode: AssignmentMode } | null;
}

/** A tunnel in `/api/v1/tunnels`: `isthmus tunnels -o json`'s keys, and how fresh the reading is. */
export interface TunnelHealthJson extends TunnelJson {
  readonly remoteHostName: string | null;
  readonly lastSeen: string;
  readonly stale: boolean;
}

export interface EventJson {
  readonly seq: number;
  readonly time: string;
  readonly type: string;
  readonly service: string | null;
  readonly message: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** What the API reads: the bridge fits. */
export interface ApiV1Source {
  services(): readonly ServiceStatus[];
  service(key: string): ServiceStatus | undefined;
  tunnels(): readonly TunnelReading[];
  tunnelHealth(): TunnelSourceHealth;
  recentEvents(limit?: number): readonly BridgeEvent[];
  /** Epoch ms of "now" on the bridge's clock (simulated in the demo). */
  now(): number;
}

export function serviceJson(status: ServiceStatus): ServiceJson {
  const { slo, assignment, path } = status;
  return {
    namespace: status.namespace,
    name: status.name,
    intent: status.mode,
    slo:
      slo === undefined
        ? null
        : {
            maxLatencySeconds: slo.bounds.maxLatencySeconds ?? null,
            maxJitterSeconds: slo.bounds.maxJitterSeconds ?? null,
            maxLossRatio: slo.bounds.maxLossRatio ?? null,
            objective: slo.objective,
            windowSeconds: slo.windowSeconds,
          },
    color: status.color ?? null,
    assignment: assignment === undefined ? null : { color: assignment.color, mode: assignment.mode, reason: status.reason ?? null, since: iso(assignment.since) },
    compliance: { sli: path?.compliant ?? null, verdict: path?.verdict ?? null },
    path:
      path === undefined
        ? null
        : {
            color: path.color ?? null,
            latencySeconds: path.worst?.latencySeconds ?? null,
            jitterSeconds: path.worst?.jitterSeconds ?? null,
            lossRatio: path.worst?.lossRatio ?? null,
            pairSource: path.pairSource,
            pairs: path.pairs.map((pair) => ({ srcSite: pair.from, dstSite: pair.to, status: pair.status, tunnels: pair.tunnels })),
          },
    flows: status.flows,
    flowsPerSecond: status.flowsPerSecond,
    sitePairs: status.sitePairs.map((pair) => ({ srcSite: pair.srcSite, dstSite: pair.dstSite ?? null, flows: pair.flows, verdicts: pair.verdicts, colors: pair.colors })),
    decision: status.decision === undefined ? null : decisionSummaryJson(status.decision),
  };
}

export function decisionSummaryJson(record: DecisionRecord): DecisionSummaryJson {
  return { time: iso(record.time), from: record.from ?? null, to: record.to, mode: record.mode, reason: record.reason, message: record.message };
}

export function decisionJson(record: DecisionRecord): DecisionJson {
  const inputs = record.inputs;
  return {
    ...decisionSummaryJson(record),
    candidates: record.candidates.map(candidateJson),
    inputs:
      inputs === undefined
        ? null
        : {
            ...inputs,
            allowed: inputs.allowed ?? null,
            bounds: inputs.bounds ?? null,
            fallback: inputs.fallback ?? null,
            previous: inputs.previous === undefined ? null : { ...inputs.previous, since: iso(inputs.previous.since) },
            windowMs: inputs.windowMs ?? null,
            statistic: inputs.statistic ?? null,
            pairSource: inputs.pairSource ?? null,
            sitePairs: inputs.sitePairs?.map((pair) => ({ srcSite: pair.from, dstSite: pair.to })) ?? null,
          },
    wouldMove: (record.wouldMove ?? []).map((trigger) => ({ ...trigger })),
    deferred: record.deferred ?? null,
  };
}

function candidateJson(candidate: CandidateEvaluation): CandidateJson {
  return {
    color: candidate.color,
    compliant: candidate.compliant ?? null,
    margin: candidate.margin ?? null,
    verdict: candidate.verdict ?? null,
    limitingBound: candidate.limitingBound ?? null,
    measured: candidate.measured ?? null,
    healthySince: candidate.healthySince === undefined ? null : iso(candidate.healthySince),
    pairs: (candidate.pairs ?? []).map((pair) => ({ srcSite: pair.from, dstSite: pair.to, status: pair.status, measured: pair.measured ?? null, margin: pair.margin ?? null })),
  };
}

export function tunnelHealthJson(reading: TunnelReading): TunnelHealthJson {
  return {
    ...tunnelJson(reading),
    remoteHostName: reading.tunnel.remoteHostName ?? null,
    lastSeen: iso(reading.lastSeen),
    stale: reading.stale,
  };
}

/** `GET /api/v1/services`: every Service the bridge knows, sorted by namespace and name. */
export function listServices(source: ApiV1Source): ApiResponse {
  return { status: 200, body: { time: iso(source.now()), services: source.services().map(serviceJson) } };
}

/** `GET /api/v1/services/{namespace}/{name}`: the Service, its full decision record and its explanation; 404 for an unknown Service or a malformed path. */
export function getService(source: ApiV1Source, rest: string): ApiResponse {
  const parts = rest.split('/').map(decodeSegment);
  const [namespace, name] = parts;
  if (parts.length !== 2 || namespace === undefined || name === undefined || namespace === '' || name === '') {
    return { status: 404, body: { error: `expected /api/v1/services/{namespace}/{name}, got /api/v1/services/${rest}` } };
  }
  const status = source.service(`${namespace}/${name}`);
  if (status === undefined) return { status: 404, body: { error: `no Service ${namespace}/${name}`, namespace, name } };
  const record = status.decision;
  return {
    status: 200,
    body: {
      time: iso(source.now()),
      service: serviceJson(status),
      decision: record === undefined ? null : decisionJson(record),
      // The text `isthmus explain` prints, rendered here so every client explains alike.
      explanation: record === undefined ? null : explainDecision(record),
    },
  };
}

/** `GET /api/v1/tunnels`: tunnels with their health, in the source's order (worst first from the bridge). */
export function listTunnels(source: ApiV1Source, order: (readings: readonly TunnelReading[]) => readonly TunnelReading[] = (readings) => readings): ApiResponse {
  const health = source.tunnelHealth();
  return {
    status: 200,
    body: {
      time: iso(source.now()),
      source: {
        status: health.status,
        lastSuccess: health.lastSuccessAt === undefined ? null : iso(health.lastSuccessAt),
        lastError: health.lastError === undefined ? null : { code: health.lastError.code, message: health.lastError.message, at: iso(health.lastError.at) },
      },
      tunnels: order(source.tunnels()).map(tunnelHealthJson),
    },
  };
}

/** `GET /api/v1/events`: the bridge's recent events, oldest first. */
export function listEvents(source: ApiV1Source): ApiResponse {
  return {
    status: 200,
    body: {
      time: iso(source.now()),
      events: source.recentEvents().map((event): EventJson => ({ seq: event.seq, time: iso(event.time), type: event.type, service: event.service ?? null, message: event.message })),
    },
  };
}

/** Where the routes go: TelemetryHttpServer fits. */
export interface RouteTarget {
  addRoute(method: string, path: string, handler: (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>): void;
}

const SERVICES_PREFIX = '/api/v1/services/';

/** Mounts the API's routes on the telemetry server. */
export function mountApiV1(server: RouteTarget, source: ApiV1Source, order?: (readings: readonly TunnelReading[]) => readonly TunnelReading[]): void {
  const serve = (answer: (url: URL) => ApiResponse) => (_request: IncomingMessage, response: ServerResponse, url: URL) => {
    const { status, body } = answer(url);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(`${JSON.stringify(body)}\n`);
  };
  server.addRoute('GET', '/api/v1/services', serve(() => listServices(source)));
  server.addRoute('GET', `${SERVICES_PREFIX}*`, serve((url) => getService(source, url.pathname.slice(SERVICES_PREFIX.length))));
  server.addRoute('GET', '/api/v1/tunnels', serve(() => listTunnels(source, order)));
  server.addRoute('GET', '/api/v1/events', serve(() => listEvents(source)));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape cannot name a Service; keep it as typed so the 404 shows what was asked.
    return segment;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
