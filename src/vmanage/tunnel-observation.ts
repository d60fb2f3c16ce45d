import type { SiteId } from '../domain/site.ts';
import type { TunnelKey } from '../domain/tunnel.ts';
import type { TunnelSample, TunnelState } from '../domain/tunnel-sample.ts';

/** One measurement of one tunnel as read from vManage, in base units (seconds, ratios). */
export interface TunnelObservation {
  readonly tunnel: TunnelKey;
  /** vManage's tunnel name (`10.10.1.13:mpls-10.10.1.11:public-internet`): the map key. */
  readonly name: string;
  readonly sample: TunnelSample;
  readonly localSiteId: SiteId | undefined;
  readonly localHostName: string | undefined;
}

/** A BFD session's state: whether the tunnel between two TLOCs is up, as the local device sees it. */
export interface TunnelStateObservation {
  readonly tunnel: TunnelKey;
  readonly name: string;
  readonly state: TunnelState;
  readonly remoteSiteId: SiteId | undefined;
  readonly localHostName: string | undefined;
  /** `lastupdated`, epoch ms, when reported. */
  readonly time: number | undefined;
  readonly transitions: number | undefined;
}

/** The newest observation of each tunnel, keyed by tunnel name. */
export function latestByTunnel(observations: readonly TunnelObservation[]): Map<string, TunnelObservation> {
  const latest = new Map<string, TunnelObservation>();
  for (const observation of observations) {
    const seen = latest.get(observation.name);
    if (seen === undefined || seen.sample.time < observation.sample.time) latest.set(observation.name, observation);
  }
  return latest;
}
