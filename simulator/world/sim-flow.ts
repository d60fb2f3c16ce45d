import type { Color } from '../../src/domain/color.ts';
import type { Flow } from '../../src/domain/flow.ts';
import type { SiteId } from '../../src/domain/site.ts';
import type { SimPod, SimService } from './cluster.ts';
import type { SimTunnel } from './fabric.ts';

export type SimFlowType = 'L3_L4' | 'L7';

/** The HTTP part of an L7 record, as Hubble's `l7.http` carries it. */
export interface SimHttp {
  readonly type: 'REQUEST' | 'RESPONSE';
  readonly method: string;
  readonly url: string;
  /** HTTP status; 0 on requests. */
  readonly code: number;
  readonly protocol: 'HTTP/1.1';
}

/**
 * A flow record as the simulated Hubble observes it: the domain `Flow` (what the bridge decodes) plus
 * what an emulator needs to encode the wire message (record type, HTTP fields) and what tests need as
 * ground truth (the Service, both pods, the WAN path). Plain data; the Hubble emulator makes protobuf.
 */
export interface SimFlow extends Flow {
  /** Epoch milliseconds with sub-millisecond fraction (`timeNs` is exact). */
  readonly timeMs: number;
  readonly type: SimFlowType;
  readonly http: SimHttp | undefined;
  /** Ground truth: the Service the connection was for (Hubble itself usually cannot tell, see hubble.md §9). */
  readonly service: SimService;
  /** Index of the scenario traffic entry that produced it. */
  readonly traffic: number;
  readonly client: SimPod;
  /** Undefined when the Service had no endpoint at the time. */
  readonly backend: SimPod | undefined;
  readonly sourceSiteId: SiteId | undefined;
  readonly destinationSiteId: SiteId | undefined;
  /** WAN tunnels crossed from client to backend: none within a site, two through a hub. */
  readonly tunnels: readonly SimTunnel[];
  /** Color of the first tunnel crossed, if any. */
  readonly color: Color | undefined;
}
