import type { Color } from '../../src/domain/color.ts';
import type { ServicePort, ServiceRef } from '../../src/domain/service.ts';
import type { SiteId } from '../../src/domain/site.ts';
import type { SystemIp } from '../../src/domain/system-ip.ts';
import type { TunnelKey } from '../../src/domain/tunnel.ts';
import type { ColorProfile } from './color-profile.ts';

/**
 * A validated, fully expanded scenario: every default filled in, every generator block expanded, every
 * address allocated, times in milliseconds relative to `startMs`, quantities in base units. This is what
 * `parseScenario` returns and what `createWorld` consumes; nothing here needs checking again.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Where the scenario came from (a file name), for messages. */
  readonly sourceName: string;
  /**
   * The scenario's own seed: it fixes everything a generator block draws (the "map"). A world may be
   * created with another seed, which changes the noise and the flows (the "weather") but not the map.
   */
  readonly seed: number;
  /** Epoch milliseconds of simulated time zero; every `atMs` below is relative to it. */
  readonly startMs: number;
  readonly samplePeriodMs: number;
  readonly topology: Topology;
  /** Whether tunnels form between different colors when neither end is restricted. */
  readonly crossColor: boolean;
  readonly colorProfiles: Readonly<Partial<Record<Color, Partial<ColorProfile>>>>;
  readonly sites: readonly ScenarioSite[];
  readonly nodes: readonly ScenarioNode[];
  readonly namespaces: readonly ScenarioNamespace[];
  readonly services: readonly ScenarioService[];
  readonly workloads: readonly ScenarioWorkload[];
  readonly traffic: readonly ScenarioTraffic[];
  readonly events: readonly ScenarioEvent[];
  readonly incidents: readonly ScenarioIncident[];
}

/**
 * - `full-mesh`: every edge builds tunnels to every edge of every other site.
 * - `hub-and-spoke`: spokes build tunnels only to hub sites; hubs mesh among themselves. Spoke-to-spoke
 *   traffic crosses a hub (two tunnels).
 */
export type Topology = 'full-mesh' | 'hub-and-spoke';

/** Where an entity was written: a path into the scenario file, or `['generate']` for generated ones. */
export type SourcePath = readonly (string | number)[];

export interface GeoLocation {
  readonly latitude: number;
  readonly longitude: number;
}

export interface ScenarioTloc {
  readonly color: Color;
  /** Tunnels only to the same color. */
  readonly restrict: boolean;
  /** Per-circuit deviations from the color's profile (a bad LTE link at one site). */
  readonly profile: Partial<ColorProfile> | undefined;
}

export interface ScenarioEdge {
  readonly systemIp: SystemIp;
  readonly hostName: string;
}

export interface ScenarioSite {
  readonly id: SiteId;
  readonly name: string;
  readonly location: GeoLocation | undefined;
  readonly hub: boolean;
  readonly tlocs: readonly ScenarioTloc[];
  readonly edges: readonly ScenarioEdge[];
  readonly source: SourcePath;
}

export interface ScenarioNode {
  readonly name: string;
  readonly siteId: SiteId;
  readonly internalIp: string;
  readonly podCidr: string;
  /** Including `isthmus.io/site-id` and `kubernetes.io/hostname`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly source: SourcePath;
}

export interface ScenarioNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Including `isthmus.io/allowed-tunnels` when the scenario restricts the namespace's colors. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly source: SourcePath;
}

export interface ScenarioService extends ServiceRef {
  readonly clusterIp: string;
  readonly ports: readonly ServicePort[];
  /** Including the `isthmus.io/…` SLO annotations written with the `slo:` shorthand. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Pods of the namespace whose labels include all of these back the Service. */
  readonly selector: Readonly<Record<string, string>>;
  /** Server-side processing time of one HTTP request, before the network adds its share. */
  readonly responseTimeMs: number;
  /** Share of HTTP responses that are 5xx regardless of the network. */
  readonly errorRatio: number;
  readonly source: SourcePath;
}

export interface WorkloadRef {
  readonly namespace: string;
  readonly name: string;
}

export interface ScenarioWorkload extends WorkloadRef {
  readonly replicas: number;
  /** Candidate nodes, in order; replicas are spread over them round-robin. Never empty. */
  readonly nodes: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly source: SourcePath;
}

export interface ScenarioTraffic {
  readonly from: WorkloadRef;
  readonly to: ServiceRef;
  /** Service port the clients connect to. */
  readonly port: number;
  /** New connections per second, all client pods together. */
  readonly rate: number;
  /** Share of connections dropped by policy. */
  readonly dropRatio: number;
  /** Share of connections that carry an HTTP exchange (L7 records with a latency). */
  readonly httpRatio: number;
  readonly method: string;
  readonly path: string;
  readonly source: SourcePath;
}

export type ScenarioEvent =
  | {
      readonly kind: 'scale';
      readonly atMs: number;
      readonly workload: WorkloadRef;
      readonly replicas: number;
      readonly source: SourcePath;
    }
  | {
      readonly kind: 'annotate';
      readonly atMs: number;
      readonly service: ServiceRef;
      /** `null` removes the annotation. */
      readonly annotations: Readonly<Record<string, string | null>>;
      readonly source: SourcePath;
    };

export type IncidentKind = 'brownout' | 'blackout' | 'flapping';

/**
 * Which tunnels an incident hits; the constraints combine (all must hold). A named tunnel is hit in both
 * directions: a degraded circuit degrades both BFD sessions of the pair.
 */
export interface IncidentTarget {
  readonly tunnel: TunnelKey | undefined;
  /** Tunnels with this color at either end (at the site end, when `siteId` is given). */
  readonly color: Color | undefined;
  /** Tunnels with an end at this site. */
  readonly siteId: SiteId | undefined;
  /** With `siteId`: only tunnels between the two sites. */
  readonly peerSiteId: SiteId | undefined;
}

export interface ScenarioIncident {
  readonly name: string;
  readonly kind: IncidentKind;
  readonly target: IncidentTarget;
  readonly atMs: number;
  readonly durationMs: number;
  /** Brownouts: time to reach full intensity after the start, and to fade before the end. */
  readonly rampMs: number;
  /** Recurrence period; undefined for a one-off incident. */
  readonly everyMs: number | undefined;
  /** Number of occurrences (Infinity: recurs forever). */
  readonly count: number;
  readonly addLatencySeconds: number;
  readonly addJitterSeconds: number;
  readonly addLossRatio: number;
  /** Flapping: length of one down+up cycle, and of its down part. */
  readonly periodMs: number;
  readonly downForMs: number;
  readonly source: SourcePath;
}
