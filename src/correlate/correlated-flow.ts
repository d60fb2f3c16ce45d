import type { Color } from '../domain/color.ts';
import type { FlowType, Verdict } from '../domain/flow.ts';
import type { ServiceKey } from '../domain/service.ts';
import type { SiteId } from '../domain/site.ts';
import type { UnresolvedReason } from './unresolved-reason.ts';

/**
 * How the Service was found: the server address is one of its frontends (ClusterIP, load-balancer IP)
 * or one of its backend pods in the index, or only Hubble's `destination_service`/`source_service`
 * named it (the index did not know the address).
 */
export type ServiceSource = 'frontend' | 'backend' | 'hubble';

/**
 * Where the flow's color comes from: the Service's assignment, the fabric's default color, or none
 * because the flow stays within a site (`intra-site`) or the tunnel it takes is not known (`unknown`:
 * the backend's site is unknown, or there is neither an assignment nor a default).
 */
export type ColorSource = 'assignment' | 'default' | 'intra-site' | 'unknown';

/**
 * A flow attributed to a client → Service connection and a site pair. Replies are turned around: the
 * client is always the connection's initiator and the server the Service's end, so a request and its
 * reply land on the same (Service, client site, server site). Names are `''` where unknown, as in Flow.
 */
export interface CorrelatedFlow {
  readonly outcome: 'correlated';
  readonly service: ServiceKey;
  readonly serviceSource: ServiceSource;
  /** Hubble named a Service the index does not list for the address; the index's answer was kept. */
  readonly conflict: boolean;
  /** The record travels server → client (Hubble's is_reply, or inferred). */
  readonly reply: boolean;
  readonly clientIp: string;
  readonly clientPod: string;
  readonly clientNamespace: string;
  readonly clientNode: string;
  readonly clientSiteId: SiteId;
  readonly serverIp: string;
  readonly serverPod: string;
  readonly serverNamespace: string;
  readonly serverNode: string;
  /** Undefined when the server address is a frontend: which backend, hence which site, is not known. */
  readonly serverSiteId: SiteId | undefined;
  /** The color the traffic takes across the WAN; undefined within a site or when unknown. */
  readonly color: Color | undefined;
  readonly colorSource: ColorSource;
  readonly verdict: Verdict;
  readonly dropReason: string;
  readonly type: FlowType;
  readonly l7LatencySeconds: number | undefined;
}

/** A flow that could not be attributed, with the first reason found (see UnresolvedReason). */
export interface Unresolved {
  readonly outcome: 'unresolved';
  readonly reason: UnresolvedReason;
  readonly conflict: boolean;
}

export type Correlation = CorrelatedFlow | Unresolved;

/** The mutable form `correlateFlowInto` fills in place, so the hot path allocates no result object. */
export type CorrelationScratch = { -readonly [K in keyof CorrelatedFlow]: CorrelatedFlow[K] };

export function createCorrelationScratch(): CorrelationScratch {
  return {
    outcome: 'correlated',
    service: '',
    serviceSource: 'backend',
    conflict: false,
    reply: false,
    clientIp: '',
    clientPod: '',
    clientNamespace: '',
    clientNode: '',
    clientSiteId: 0,
    serverIp: '',
    serverPod: '',
    serverNamespace: '',
    serverNode: '',
    serverSiteId: undefined,
    color: undefined,
    colorSource: 'unknown',
    verdict: 'VERDICT_UNKNOWN',
    dropReason: '',
    type: 'UNKNOWN_TYPE',
    l7LatencySeconds: undefined,
  };
}
