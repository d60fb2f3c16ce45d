import type { SiteId } from '../domain/site.ts';
import type { SystemIp } from '../domain/system-ip.ts';
import type { TunnelKey } from '../domain/tunnel.ts';
import { tunnelName } from '../domain/tunnel.ts';
import type { TunnelSample, TunnelState } from '../domain/tunnel-sample.ts';
import type { TunnelIdentity } from '../domain/tunnel-stats-source.ts';
import { SampleRing } from './sample-ring.ts';
import type { TunnelObservation, TunnelStateObservation } from './tunnel-observation.ts';

/** What the store needs to know of a device to name a tunnel's end. */
export interface DeviceFacts {
  readonly siteId: SiteId | undefined;
  readonly hostName: string;
}

export type DeviceLookup = (systemIp: SystemIp) => DeviceFacts | undefined;

export interface TunnelStoreOptions {
  /** Samples kept per tunnel. */
  readonly historyMaxSamples: number;
  /** Samples older than this (against the clock given to each call) are dropped from the history. */
  readonly historyMaxAgeMs: number;
  readonly devices: DeviceLookup;
}

/** One tunnel's state in the store. Mutable inside the store only; readers get copies. */
export interface TunnelRecord {
  readonly key: TunnelKey;
  readonly name: string;
  readonly ring: SampleRing;
  latest: TunnelSample | undefined;
  bfdState: TunnelState | undefined;
  identity: TunnelIdentity;
  lastSeen: number;
  /** What the rows themselves said, for ends the inventory does not know. */
  rowLocalSiteId: SiteId | undefined;
  rowLocalHostName: string | undefined;
  bfdRemoteSiteId: SiteId | undefined;
}

export interface IngestCounts {
  /** Samples new to the store (kept in the history, or at least as the latest). */
  readonly added: number;
  /** Rows whose (tunnel, time) the store already had: overlapping polling windows. */
  readonly duplicates: number;
  /** Rows older than both the history window and the tunnel's latest sample: nothing to keep. */
  readonly tooOld: number;
}

/**
 * The collector's memory: one record per tunnel with its latest sample, a bounded history (count and
 * age), its BFD state and identity. Pure bookkeeping — every call takes the time — so it is tested,
 * and load-tested, without I/O. Changes are collected by tunnel name until `takeChanged`.
 */
export class TunnelStore {
  readonly #options: TunnelStoreOptions;
  readonly #records = new Map<string, TunnelRecord>();
  /**
   * The same records by their key object, the one readings hand out: a reader that passes a key back
   * (a round windowing tens of thousands of tunnels) is answered without building the tunnel's name.
   */
  readonly #byKey = new Map<TunnelKey, TunnelRecord>();
  readonly #changed = new Set<string>();

  constructor(options: TunnelStoreOptions) {
    if (!(options.historyMaxAgeMs > 0)) throw new RangeError('history age bound must be positive');
    this.#options = options;
  }

  get size(): number {
    return this.#records.size;
  }

  get(name: string): TunnelRecord | undefined {
    return this.#records.get(name);
  }

  /** The record of a tunnel key: by the key object when it is the record's own, else by name. */
  getByKey(key: TunnelKey): TunnelRecord | undefined {
    return this.#byKey.get(key) ?? this.#records.get(tunnelName(key));
  }

  values(): IterableIterator<TunnelRecord> {
    return this.#records.values();
  }

  /** Adds statistics samples; a (tunnel, time) already held is a duplicate and changes nothing. */
  ingestSamples(observations: readonly TunnelObservation[], now: number): IngestCounts {
    const cutoff = now - this.#options.historyMaxAgeMs;
    let added = 0;
    let duplicates = 0;
    let tooOld = 0;
    for (const observation of observations) {
      const record = this.#recordOf(observation.tunnel, observation.name, now);
      record.lastSeen = now;
      record.rowLocalSiteId = observation.localSiteId ?? record.rowLocalSiteId;
      record.rowLocalHostName = observation.localHostName ?? record.rowLocalHostName;
      const sample = observation.sample;
      const isNewest = record.latest === undefined || sample.time > record.latest.time;
      if (record.latest?.time === sample.time) {
        duplicates++;
        continue;
      }
      // A sample older than the history window is only worth keeping as the latest one.
      const inserted = sample.time >= cutoff ? record.ring.insert(sample) : 'too-old';
      if (inserted === 'duplicate') {
        duplicates++;
        continue;
      }
      if (inserted === 'too-old' && !isNewest) {
        tooOld++;
        continue;
      }
      added++;
      if (isNewest) {
        record.latest = sample;
        this.#changed.add(record.name);
      }
    }
    return { added, duplicates, tooOld };
  }

  /**
   * Applies a complete BFD snapshot. A tunnel whose session is no longer listed loses its BFD state
   * (unknown, not down: BFD listings have gaps while devices reboot) and falls back to its samples.
   */
  applyBfd(states: readonly TunnelStateObservation[], now: number): void {
    const listed = new Set<string>();
    for (const observation of states) {
      listed.add(observation.name);
      const record = this.#recordOf(observation.tunnel, observation.name, now);
      record.lastSeen = now;
      record.bfdRemoteSiteId = observation.remoteSiteId ?? record.bfdRemoteSiteId;
      record.rowLocalHostName ??= observation.localHostName;
      if (record.bfdState !== observation.state) {
        record.bfdState = observation.state;
        this.#changed.add(record.name);
      }
    }
    for (const record of this.#records.values()) {
      if (record.bfdState !== undefined && !listed.has(record.name)) {
        record.bfdState = undefined;
        this.#changed.add(record.name);
      }
    }
  }

  /** Recomputes every identity (after an inventory refresh, or new row facts); changed ones are noted. */
  refreshIdentities(): void {
    for (const record of this.#records.values()) this.#refreshIdentity(record);
  }

  /**
   * Drops samples past the history age and evicts tunnels not seen since `evictBefore`. Returns the
   * evicted keys.
   */
  prune(now: number, evictBefore: number): TunnelKey[] {
    const cutoff = now - this.#options.historyMaxAgeMs;
    const removed: TunnelKey[] = [];
    for (const [name, record] of this.#records) {
      if (record.lastSeen < evictBefore) {
        this.#records.delete(name);
        this.#byKey.delete(record.key);
        this.#changed.delete(name);
        removed.push(record.key);
      } else {
        record.ring.dropOlderThan(cutoff);
      }
    }
    return removed;
  }

  /** Marks every tunnel changed (the source's staleness flipped, which every reading shows). */
  markAllChanged(): void {
    for (const name of this.#records.keys()) this.#changed.add(name);
  }

  /** The keys of the tunnels changed since the last call. */
  takeChanged(): TunnelKey[] {
    const keys: TunnelKey[] = [];
    for (const name of this.#changed) {
      const record = this.#records.get(name);
      if (record !== undefined) keys.push(record.key);
    }
    this.#changed.clear();
    return keys;
  }

  #recordOf(key: TunnelKey, name: string, now: number): TunnelRecord {
    let record = this.#records.get(name);
    if (record === undefined) {
      record = {
        key,
        name,
        ring: new SampleRing(this.#options.historyMaxSamples),
        latest: undefined,
        bfdState: undefined,
        identity: { key, name, localSiteId: undefined, remoteSiteId: undefined, localHostName: undefined, remoteHostName: undefined },
        lastSeen: now,
        rowLocalSiteId: undefined,
        rowLocalHostName: undefined,
        bfdRemoteSiteId: undefined,
      };
      this.#records.set(name, record);
      this.#byKey.set(key, record);
      this.#changed.add(name);
    }
    return record;
  }

  #refreshIdentity(record: TunnelRecord): void {
    const local = this.#options.devices(record.key.local.systemIp);
    const remote = this.#options.devices(record.key.remote.systemIp);
    const next: TunnelIdentity = {
      key: record.key,
      name: record.name,
      localSiteId: local?.siteId ?? record.rowLocalSiteId,
      remoteSiteId: remote?.siteId ?? record.bfdRemoteSiteId,
      localHostName: local?.hostName ?? record.rowLocalHostName,
      remoteHostName: remote?.hostName,
    };
    if (!sameIdentity(record.identity, next)) {
      record.identity = next;
      this.#changed.add(record.name);
    }
  }
}

function sameIdentity(a: TunnelIdentity, b: TunnelIdentity): boolean {
  return (
    a.localSiteId === b.localSiteId &&
    a.remoteSiteId === b.remoteSiteId &&
    a.localHostName === b.localHostName &&
    a.remoteHostName === b.remoteHostName
  );
}
