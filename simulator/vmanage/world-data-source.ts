import type { Clock } from '../../src/domain/clock.ts';
import type { SimTunnel } from '../world/fabric.ts';
import { hashBucket, hashString, unit } from '../world/hash.ts';
import type { TunnelAverage } from '../world/tunnel-model.ts';
import type { World } from '../world/world.ts';
import { BfdHistory } from './bfd-history.ts';
import { controllerDevices } from './controller-devices.ts';
import { SlaClassSet } from './sla-class-set.ts';
import type { SlaClass } from './sla-class-set.ts';
import type {
  EmulatedAppRouteBucket,
  EmulatedAppRouteStat,
  EmulatedBfdSession,
  EmulatedDevice,
  EmulatedRealtimeTunnel,
  VmanageDataSource,
} from './vmanage-data-source.ts';

export interface WorldDataSourceOptions {
  /** "vManage time": what counts as now. Default: the world's clock. */
  readonly clock?: Clock;
  /** The routers' `bfd app-route poll-interval`: one statistics row per tunnel per interval. Default 10 min. */
  readonly pollIntervalMs?: number;
  /** `bfd app-route multiplier`: real-time buckets per tunnel. Default 6. */
  readonly multiplier?: number;
  /** SLA classes rows are checked against. Default: only `__all_tunnels__` (index 0). */
  readonly slaClasses?: readonly SlaClass[];
  /** BFD hello interval: probes per poll interval = interval / hello (`total` in the rows). Default 1 s. */
  readonly bfdHelloIntervalMs?: number;
  /** How far before the world's start statistics exist (the overlay ran before the simulation). Default 24 h. */
  readonly historyMs?: number;
  /** Cap on rows per statistics query; the newest intervals are kept (see `appRouteStatistics`). Default 200 000. */
  readonly maxRowsPerQuery?: number;
  /** Samples read per poll interval over the whole fabric before the series are subsampled. Default 2 000 000. */
  readonly sampleBudgetPerInterval?: number;
  /** `version` of the edges (IOS XE) and of the controllers. Defaults 17.12.1a and 20.12.1. */
  readonly edgeVersion?: string;
  readonly controllerVersion?: string;
}

/** What the last statistics query returned, for tests and for noticing truncation. */
export interface StatisticsQueryReport {
  readonly fromMs: number;
  readonly toMs: number;
  /** Poll intervals in the (history- and now-clamped) window, and rows returned. */
  readonly intervals: number;
  readonly rows: number;
  /** True when `maxRowsPerQuery` cut the answer short (older intervals, or tunnels, left out). */
  readonly truncated: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SALT_TRAFFIC = 0x7a;
const SALT_SIZE = 0x51e;

/**
 * The vManage emulator's data, read from the simulated world at the clock's now: the fabric's edges
 * (plus a vManage, a vSmart and a vBond), one bulk app-route statistics row per tunnel per poll interval,
 * the BFD sessions, and each edge's real-time buckets. Everything is computed on demand from the world,
 * which is a pure function of time, so nothing is stored beyond a BFD transition tally; and nothing is
 * ever served from the future — an interval appears once it has ended.
 *
 * Intervals are aligned to the world's start (`start + k · pollInterval`), the alignment of
 * `world.appRouteStats`, so real-time buckets and statistics rows describe the same intervals. Latency
 * and jitter are whole milliseconds, as vManage reports them; loss is `lossPackets / totalPackets`, the
 * world's loss ratio over the interval rounded to whole probes.
 *
 * Scale: at 159,200 tunnels a 10-minute interval of 1-second samples is 95 million sample reads, about
 * 12 s of CPU; `sampleBudgetPerInterval` subsamples the series (evenly, always including the interval's
 * last sample) so that one interval costs a bounded amount. Small fabrics are read exactly. A query is
 * answered in full up to `maxRowsPerQuery` rows (one interval of the `scale` fabric); beyond it only the
 * newest intervals are returned, since a poller wants every tunnel's latest row before older ones.
 */
export class WorldDataSource implements VmanageDataSource {
  readonly world: World;
  readonly pollIntervalMs: number;
  readonly multiplier: number;
  readonly probesPerInterval: number;
  readonly historyMs: number;
  readonly maxRowsPerQuery: number;
  /** The sampling step of interval averages: the world's sample period when exact, a multiple of it at scale. */
  readonly sampleStepMs: number;
  readonly slaClasses: SlaClassSet;
  readonly #clock: Clock;
  readonly #bfd: BfdHistory;
  readonly #bootMs: Float64Array;
  readonly #edgeVersion: string;
  readonly #controllerVersion: string;
  #lastQuery: StatisticsQueryReport | undefined;

  constructor(world: World, options: WorldDataSourceOptions = {}) {
    this.world = world;
    this.#clock = options.clock ?? world.clock;
    this.pollIntervalMs = positive(options.pollIntervalMs ?? 10 * MINUTE, 'pollIntervalMs');
    this.multiplier = positiveInteger(options.multiplier ?? 6, 'multiplier');
    const hello = positive(options.bfdHelloIntervalMs ?? 1000, 'bfdHelloIntervalMs');
    this.probesPerInterval = Math.max(1, Math.round(this.pollIntervalMs / hello));
    this.historyMs = Math.max(0, options.historyMs ?? DAY);
    this.maxRowsPerQuery = positiveInteger(options.maxRowsPerQuery ?? 200_000, 'maxRowsPerQuery');
    this.slaClasses = new SlaClassSet(options.slaClasses);
    this.#edgeVersion = options.edgeVersion ?? '17.12.1a';
    this.#controllerVersion = options.controllerVersion ?? '20.12.1';
    this.sampleStepMs = sampleStep(world, this.pollIntervalMs, positive(options.sampleBudgetPerInterval ?? 2_000_000, 'sampleBudgetPerInterval'));
    this.#bfd = new BfdHistory(world);
    this.#bootMs = Float64Array.from(world.fabric.devices, (device) => bootTime(world.startMs, device.systemIp));
  }

  /** The last statistics query's shape, or undefined before the first. */
  get lastQuery(): StatisticsQueryReport | undefined {
    return this.#lastQuery;
  }

  /** The end of the latest poll interval at or before `timeMs`. */
  intervalEndAt(timeMs: number): number {
    const start = this.world.startMs;
    return start + Math.floor((timeMs - start) / this.pollIntervalMs) * this.pollIntervalMs;
  }

  devices(): EmulatedDevice[] {
    const now = this.#clock.now();
    const fabric = this.world.fabric;
    const states = this.world.tunnelStates(now);
    const cutSites = sitesCutOff(this.world, now);
    const controllers = controllerDevices(fabric, { version: this.#controllerVersion, bootMs: this.world.startMs - 30 * DAY, nowMs: now });
    const edges = fabric.devices.map((device): EmulatedDevice => {
      const first = fabric.deviceTunnelStart[device.index] ?? 0;
      const end = fabric.deviceTunnelStart[device.index + 1] ?? first;
      let up = 0;
      for (let i = first; i < end; i++) if (states[i] === 'up') up++;
      // Control connections ride the same transports as the tunnels, but a device whose tunnels are all
      // down because its peers are (or a path between two sites is cut) still reaches its controllers:
      // only a site that lost every circuit loses them.
      const reachable = !(end > first && up === 0 && cutSites.has(device.siteId));
      const location = device.site.location;
      return {
        systemIp: device.systemIp,
        hostName: device.hostName,
        siteId: device.siteId,
        siteName: device.siteName,
        personality: 'vedge',
        deviceType: 'vedge',
        deviceModel: device.deviceModel,
        reachable,
        version: this.#edgeVersion,
        uuid: device.uuid,
        uptimeDate: this.#bootMs[device.index] ?? this.world.startMs,
        lastUpdated: now,
        // One per TLOC to the vSmart, and one to the vManage.
        controlConnections: reachable ? device.tlocs.length + 1 : 0,
        ...(location === undefined ? {} : { latitude: location.latitude, longitude: location.longitude }),
        bfdSessions: end - first,
        bfdSessionsUp: up,
        ompPeers: reachable ? 1 : 0,
      };
    });
    return [...controllers, ...edges];
  }

  /**
   * One row per tunnel per poll interval whose end (the row's `entryTime`) is in [fromMs, toMs], no later
   * than now and no earlier than the history reaches. Ascending by `entryTime`, then tunnel. When the
   * window holds more than `maxRowsPerQuery` rows, the newest intervals that fit are returned whole (or,
   * if not even one fits, the first `maxRowsPerQuery` tunnels of the newest one): see `lastQuery`.
   */
  appRouteStatistics(fromMs: number, toMs: number): EmulatedAppRouteStat[] {
    const now = this.#clock.now();
    const start = this.world.startMs;
    const poll = this.pollIntervalMs;
    const first = Math.ceil((Math.max(fromMs, start - this.historyMs) - start) / poll);
    const last = Math.floor((Math.min(toMs, now) - start) / poll);
    const intervals = Math.max(0, last - first + 1);
    const tunnels = this.world.fabric.tunnels.length;
    const fit = Math.floor(this.maxRowsPerQuery / Math.max(1, tunnels));
    const from = fit >= intervals ? first : last - Math.max(1, fit) + 1;
    const perInterval = fit >= 1 ? tunnels : this.maxRowsPerQuery;
    const rows: EmulatedAppRouteStat[] = [];
    for (let k = from; k <= last; k++) {
      for (let i = 0; i < perInterval; i++) rows.push(this.#statRow(i, k));
    }
    this.#lastQuery = { fromMs, toMs, intervals, rows: rows.length, truncated: rows.length < intervals * tunnels };
    return rows;
  }

  bfdSessions(): EmulatedBfdSession[] {
    const now = this.#clock.now();
    this.#bfd.advanceTo(now);
    const states = this.world.tunnelStates(now);
    return this.world.fabric.tunnels.map((tunnel): EmulatedBfdSession => {
      const established = this.#establishedAt(tunnel);
      return {
        localSystemIp: tunnel.local.systemIp,
        localHostName: tunnel.local.device.hostName,
        localColor: tunnel.local.color,
        remoteSystemIp: tunnel.remote.systemIp,
        remoteColor: tunnel.remote.color,
        remoteSiteId: tunnel.remoteSiteId,
        srcIp: tunnel.local.underlayIp,
        dstIp: tunnel.remote.underlayIp,
        srcPort: tunnel.local.port,
        dstPort: tunnel.remote.port,
        state: states[tunnel.index] ?? 'up',
        transitions: this.#bfd.transitions(tunnel.index),
        uptimeDate: this.#bfd.lastChange(tunnel.index) ?? established,
        lastUpdated: now,
        createTimeStamp: established,
        proto: 'ipsec',
      };
    });
  }

  /** The device's tunnels with their last `multiplier` interval averages; [] for a controller. */
  realtimeAppRoute(deviceId: string): EmulatedRealtimeTunnel[] | undefined {
    const device = this.world.fabric.device(deviceId);
    if (device === undefined) {
      const now = this.#clock.now();
      const controllers = controllerDevices(this.world.fabric, { version: this.#controllerVersion, bootMs: now, nowMs: now });
      return controllers.some((controller) => controller.systemIp === deviceId) ? [] : undefined;
    }
    const now = this.#clock.now();
    return this.world.fabric.tunnelsFrom(deviceId).map((tunnel): EmulatedRealtimeTunnel => {
      const stats = this.world.appRouteStats(tunnel, now, { pollIntervalMs: this.pollIntervalMs, multiplier: this.multiplier, stepMs: this.sampleStepMs });
      const buckets = stats.buckets.map((average) => this.#bucket(tunnel.index, average));
      // The means a client derives from these buckets (`mean-*`), so that `sla-class-index` agrees with them.
      const mean = (pick: (bucket: EmulatedAppRouteBucket) => number) => buckets.reduce((sum, bucket) => sum + pick(bucket), 0) / Math.max(1, buckets.length);
      const up = this.world.tunnelState(tunnel, now) === 'up';
      const sla = this.slaClasses.met(
        up,
        mean((bucket) => bucket.latencyMs),
        mean((bucket) => bucket.jitterMs),
        mean((bucket) => (bucket.lossPackets / bucket.totalPackets) * 100),
      );
      return {
        localSystemIp: tunnel.local.systemIp,
        localHostName: tunnel.local.device.hostName,
        localColor: tunnel.local.color,
        remoteSystemIp: tunnel.remote.systemIp,
        remoteColor: tunnel.remote.color,
        srcIp: tunnel.local.underlayIp,
        dstIp: tunnel.remote.underlayIp,
        srcPort: tunnel.local.port,
        dstPort: tunnel.remote.port,
        proto: 'ipsec',
        buckets,
        slaClassIndices: sla.indices,
        lastUpdated: now,
      };
    });
  }

  /** The row of tunnel i for the interval ending at `start + k · pollInterval`. */
  #statRow(i: number, k: number): EmulatedAppRouteStat {
    const end = this.world.startMs + k * this.pollIntervalMs;
    const average = this.world.tunnelAverage(i, end - this.pollIntervalMs, end, this.sampleStepMs);
    const tunnel = this.world.fabric.tunnels[i];
    if (tunnel === undefined) throw new RangeError(`no tunnel ${i}`);
    const measured = this.#measure(average);
    const up = average.state === 'up';
    const sla = this.slaClasses.met(up, measured.latencyMs, measured.jitterMs, (measured.lossPackets / measured.totalPackets) * 100);
    const traffic = this.#traffic(i, k, average);
    return {
      localSystemIp: tunnel.local.systemIp,
      localColor: tunnel.local.color,
      remoteSystemIp: tunnel.remote.systemIp,
      remoteColor: tunnel.remote.color,
      localSiteId: tunnel.localSiteId,
      localHostName: tunnel.local.device.hostName,
      deviceModel: tunnel.local.device.deviceModel,
      srcIp: tunnel.local.underlayIp,
      dstIp: tunnel.remote.underlayIp,
      srcPort: tunnel.local.port,
      dstPort: tunnel.remote.port,
      latencyMs: measured.latencyMs,
      jitterMs: measured.jitterMs,
      lossPackets: measured.lossPackets,
      totalPackets: measured.totalPackets,
      state: average.state,
      entryTime: end,
      // The row is collected as the interval closes: a later collection time would be data from the future.
      statCycleTime: end,
      slaClassIndices: sla.indices,
      slaClassNames: sla.names,
      vqoeScore: vqoeScore(up, measured.lossPackets / measured.totalPackets, measured.latencyMs),
      proto: 'IPSEC',
      txPkts: traffic.txPkts,
      rxPkts: traffic.rxPkts,
      txOctets: traffic.txOctets,
      rxOctets: traffic.rxOctets,
    };
  }

  #bucket(i: number, average: TunnelAverage): EmulatedAppRouteBucket {
    const measured = this.#measure(average);
    const k = Math.round((average.time - this.world.startMs) / this.pollIntervalMs);
    const traffic = this.#traffic(i, k, average);
    return { ...measured, txDataPkts: traffic.txData, rxDataPkts: traffic.rxData };
  }

  /** An interval's averages in vManage's units: whole milliseconds, and loss as whole probes. */
  #measure(average: TunnelAverage): { latencyMs: number; jitterMs: number; lossPackets: number; totalPackets: number } {
    const total = this.probesPerInterval;
    return {
      latencyMs: Math.round(average.latencySeconds * 1000),
      jitterMs: Math.round(average.jitterSeconds * 1000),
      lossPackets: Math.min(total, Math.max(0, Math.round(average.lossRatio * total))),
      totalPackets: total,
    };
  }

  /**
   * Packet and byte counters of an interval: probes plus a deterministic amount of data traffic (5–50
   * packets a second of 200–1200 bytes), none through a down tunnel, the lost share missing on receive.
   * Decorative (nothing in Isthmus reads them), but real rows carry them.
   */
  #traffic(i: number, k: number, average: TunnelAverage): { txPkts: number; rxPkts: number; txOctets: number; rxOctets: number; txData: number; rxData: number } {
    const seconds = this.pollIntervalMs / 1000;
    const carrying = average.samples > 0 ? 1 - average.downSamples / average.samples : 1;
    const txData = Math.round(seconds * (5 + 45 * unit(hashBucket(this.world.seed, i, k, SALT_TRAFFIC))) * carrying);
    const rxData = Math.round(txData * (1 - average.lossRatio));
    const size = 200 + Math.floor(1000 * unit(hashBucket(this.world.seed, i, k, SALT_SIZE)));
    const probes = this.probesPerInterval;
    const lost = Math.round(average.lossRatio * probes);
    const txPkts = probes + txData;
    const rxPkts = probes - lost + rxData;
    return { txPkts, rxPkts, txOctets: txPkts * size, rxOctets: rxPkts * size, txData, rxData };
  }

  /** BFD came up half a minute after the later of its two routers booted. */
  #establishedAt(tunnel: SimTunnel): number {
    const local = this.#bootMs[tunnel.local.device.index] ?? this.world.startMs;
    const remote = this.#bootMs[tunnel.remote.device.index] ?? this.world.startMs;
    return Math.max(local, remote) + 30_000;
  }
}

/**
 * The averaging step that keeps one interval over the whole fabric within the budget: every sample
 * for small fabrics, a stride of samples (a multiple of the sample period) at scale.
 */
function sampleStep(world: World, pollIntervalMs: number, budget: number): number {
  const period = world.samplePeriodMs;
  const perInterval = Math.max(1, Math.round(pollIntervalMs / period));
  const stride = Math.max(1, Math.ceil((perInterval * world.fabric.tunnels.length) / budget));
  return stride * period;
}

/**
 * Sites cut off from everything: a blackout or flapping incident aimed at the whole site (no color,
 * peer or tunnel narrowing it) is under way.
 */
function sitesCutOff(world: World, nowMs: number): ReadonlySet<number> {
  const sites = new Set<number>();
  for (const active of world.activeIncidents(nowMs)) {
    const { kind, target } = active.incident;
    if (kind === 'brownout' || target.siteId === undefined) continue;
    if (target.color === undefined && target.peerSiteId === undefined && target.tunnel === undefined) sites.add(target.siteId);
  }
  return sites;
}

/** Routers booted 3–7 days before the simulation starts, at a whole second. */
function bootTime(startMs: number, systemIp: string): number {
  const before = 3 * DAY + unit(hashString(`${systemIp}/boot`)) * 4 * DAY;
  return Math.floor((startMs - before) / 1000) * 1000;
}

/**
 * vManage's 0–10 quality score. Its formula is not published; this one reproduces the two observed
 * points (clean tunnels score 10; 0.3 % loss at 202 ms scores 2, reference §4.7): a point off per 0.1 %
 * of loss and per 20 ms of latency beyond 100 ms. A down tunnel scores 0.
 */
function vqoeScore(up: boolean, lossRatio: number, latencyMs: number): number {
  if (!up) return 0;
  const score = 10 - lossRatio * 1000 - Math.max(0, latencyMs - 100) / 20;
  return Math.max(0, Math.min(10, Math.round(score)));
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
