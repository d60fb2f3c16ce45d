import type { SiteId } from './site.ts';
import type { TunnelKey } from './tunnel.ts';
import type { TunnelSample, TunnelState } from './tunnel-sample.ts';
import type { WindowMeasure, WindowOptions } from './window-statistic.ts';

/** A tunnel with what the fabric inventory says about its two ends (unknown ends stay undefined). */
export interface TunnelIdentity {
  readonly key: TunnelKey;
  /** vManage's tunnel name (`10.10.1.13:mpls-10.10.1.11:public-internet`), the map key. */
  readonly name: string;
  readonly localSiteId: SiteId | undefined;
  readonly remoteSiteId: SiteId | undefined;
  readonly localHostName: string | undefined;
  readonly remoteHostName: string | undefined;
}

/** What a source currently knows about one tunnel. */
export interface TunnelReading {
  readonly tunnel: TunnelIdentity;
  /**
   * Up or down. The BFD session's state when the source has one (it is current), else the latest
   * sample's; undefined only when the source has neither.
   */
  readonly state: TunnelState | undefined;
  /** The newest measurement; undefined for a tunnel known only from its BFD session. */
  readonly latest: TunnelSample | undefined;
  /** When the source last saw the tunnel in a successful poll, epoch ms on the source's clock. */
  readonly lastSeen: number;
  /**
   * Not to be taken as current: the source's last poll failed, or the latest sample is older than the
   * source's staleness bound. Stale data is kept and shown, never replaced by a guess.
   */
  readonly stale: boolean;
}

export type TunnelSourceStatus = 'starting' | 'ok' | 'stale';

export interface TunnelSourceError {
  /** Stable code, e.g. `ISTHMUS_E_VMANAGE_UNAVAILABLE`. */
  readonly code: string;
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Whether a source's data can be trusted, and why not. */
export interface TunnelSourceHealth {
  /** `starting` until the first poll succeeds; `stale` from a failed poll until the next success. */
  readonly status: TunnelSourceStatus;
  readonly lastSuccessAt: number | undefined;
  readonly lastAttemptAt: number | undefined;
  /** The failure that made the data stale; undefined once a poll succeeds again. */
  readonly lastError: TunnelSourceError | undefined;
  readonly consecutiveFailures: number;
  /** Total time, ms, of statistics the source could no longer fetch after outages: gaps as data. */
  readonly gapMs: number;
}

/** Sent when readings change: new samples, state or identity changes, staleness flips, evictions. */
export interface TunnelsChanged {
  readonly changed: readonly TunnelKey[];
  readonly removed: readonly TunnelKey[];
  /** Epoch ms. */
  readonly at: number;
}

export type TunnelsChangedListener = (change: TunnelsChanged) => void;

/**
 * The port through which the bridge reads tunnel health (implemented by the vManage collector, and by
 * fakes in tests). Reads are synchronous snapshots of what the source last polled.
 */
export interface TunnelStatsSource {
  readings(): readonly TunnelReading[];
  reading(key: TunnelKey): TunnelReading | undefined;
  /** The kept samples of a tunnel, oldest first, optionally only those at or after `sinceMs`. */
  history(key: TunnelKey, sinceMs?: number): readonly TunnelSample[];
  /**
   * The window statistic of a tunnel's samples in (nowMs − windowMs, nowMs]: exactly
   * `windowStatistic(history(key, nowMs − windowMs), window)`, undefined for an unknown tunnel or too
   * few samples. For the optimizer's rounds, which window tens of thousands of tunnels: a source may
   * compute it from its own storage, without sample objects, and may remember it while the window's
   * samples are unchanged.
   */
  windowMeasure(key: TunnelKey, window: WindowOptions): WindowMeasure | undefined;
  health(): TunnelSourceHealth;
  /** Returns the unsubscribe function. A listener that throws does not affect the source. */
  subscribe(listener: TunnelsChangedListener): () => void;
}
