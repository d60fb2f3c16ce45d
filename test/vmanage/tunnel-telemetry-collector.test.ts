import { afterEach, describe, expect, it, vi } from 'vitest';
import { startVmanageEmulator } from '../../simulator/vmanage/vmanage-emulator.ts';
import type { VmanageEmulator, VmanageEmulatorOptions } from '../../simulator/vmanage/vmanage-emulator.ts';
import { defaultPolicyConfig } from '../../src/config/config-schema.ts';
import type { VmanageConfig } from '../../src/config/config-schema.ts';
import { parseTunnelName } from '../../src/domain/tunnel.ts';
import type { TunnelKey } from '../../src/domain/tunnel.ts';
import type { TunnelsChanged } from '../../src/domain/tunnel-stats-source.ts';
import { createTunnelCollector } from '../../src/vmanage/create-tunnel-collector.ts';
import { cronSchedule } from '../../src/vmanage/cron-schedule.ts';
import type { CronTaskFactory } from '../../src/vmanage/cron-schedule.ts';
import { intervalSchedule } from '../../src/vmanage/interval-schedule.ts';
import type { RepeatTimer } from '../../src/vmanage/interval-schedule.ts';
import { TunnelTelemetryCollector } from '../../src/vmanage/tunnel-telemetry-collector.ts';
import type { PollEvent, TunnelTelemetryCollectorOptions } from '../../src/vmanage/tunnel-telemetry-collector.ts';
import { APP_ROUTE_STATISTICS_PATH, VmanageTelemetryClient } from '../../src/vmanage/vmanage-telemetry-client.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import { bfdSession, ControlledDataSource, edgeDevice, managerDevice, statRow } from './controlled-data-source.ts';
import { FakeClock, fakeSleep } from './fake-time.ts';
import { communityRealtimeTunnels } from './sample-data-source.ts';
import { createTask } from 'node-cron';
import type { ScheduledTask } from 'node-cron';

const T0 = Date.UTC(2024, 1, 27, 16, 0, 0);
const MIN = 60_000;
/** Bound on waiting for a scheduled poll over loopback HTTP, generous for a loaded CI machine. */
const WAIT = { timeout: 5000 };
/** Midnight on 29 February: a real cron expression whose real ticks never land during a test. */
const NEVER_SOON = '0 0 29 2 *';
const HQ = '10.1.0.1';
const A = '10.1.0.2';
const B = '10.1.0.3';

/** A repeat timer whose ticks the test fires by hand. */
class ManualTimer implements RepeatTimer {
  readonly intervals: number[] = [];
  #callbacks: (() => void)[] = [];

  repeat(intervalMs: number, callback: () => void): () => void {
    this.intervals.push(intervalMs);
    this.#callbacks.push(callback);
    return () => {
      this.#callbacks = this.#callbacks.filter((entry) => entry !== callback);
    };
  }

  get active(): number {
    return this.#callbacks.length;
  }

  fire(): void {
    for (const callback of this.#callbacks) callback();
  }
}

interface Harness {
  readonly clock: FakeClock;
  readonly source: ControlledDataSource;
  readonly emulator: VmanageEmulator;
  readonly session: VmanageSession;
  readonly collector: TunnelTelemetryCollector;
  readonly events: PollEvent[];
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function fabric(source: ControlledDataSource): void {
  source.deviceList = [managerDevice('10.1.0.100'), edgeDevice(HQ, 'hq-edge', 101), edgeDevice(A, 'branch-a', 102), edgeDevice(B, 'branch-b', 103)];
}

/** The real session and client against the real emulator on 127.0.0.1, all on one fake clock. */
async function harness(
  options: { emulator?: Partial<VmanageEmulatorOptions>; collector?: Partial<TunnelTelemetryCollectorOptions>; pageSize?: number } = {},
): Promise<Harness> {
  const clock = new FakeClock(T0);
  const source = new ControlledDataSource();
  fabric(source);
  const emulator = await startVmanageEmulator({ dataSource: source, clock, ...options.emulator });
  const { sleep } = fakeSleep(clock);
  const session = new VmanageSession({
    baseUrl: emulator.url,
    username: emulator.credentials.username,
    password: emulator.credentials.password,
    clock,
    sleep,
    random: () => 0.5,
    timeoutMs: 2000,
    maxRetries: 2,
  });
  const events: PollEvent[] = [];
  const collector = new TunnelTelemetryCollector({
    telemetry: new VmanageTelemetryClient(session, { pageSize: options.pageSize ?? 1000 }),
    clock,
    onPoll: (event) => events.push(event),
    ...options.collector,
  });
  cleanups.push(
    () => emulator.close(),
    () => session.close(),
    () => collector.stop(),
  );
  return { clock, source, emulator, session, collector, events };
}

function key(name: string): TunnelKey {
  const parsed = parseTunnelName(name);
  if (parsed === undefined) throw new Error(`not a tunnel name: ${name}`);
  return parsed;
}

const HQ_A = `${HQ}:mpls-${A}:mpls`;
const A_HQ = `${A}:mpls-${HQ}:mpls`;

describe('TunnelTelemetryCollector against the emulator (bulk statistics)', () => {
  it('converts units, attaches site ids and host names from the inventory, and asks for the first window', async () => {
    const { source, collector, events } = await harness();
    source.stats = [
      statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 - 2 * MIN, latencyMs: 42, jitterMs: 3, lossPackets: 3, totalPackets: 600, localSiteId: 101, localHostName: 'hq-edge' }),
    ];
    source.bfd = [bfdSession({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', state: 'up', remoteSiteId: 102, lastUpdated: T0 - MIN })];

    const event = await collector.poll();

    expect(event).toMatchObject({ outcome: 'ok', source: 'bulk', inventoryRefreshed: true, rows: 1, newSamples: 1, bfdSessions: 1, tunnels: 1 });
    expect(source.statisticsQueries).toEqual([{ fromMs: T0 - 30 * MIN, toMs: T0 }]);
    expect(collector.readings()).toEqual([
      {
        tunnel: { key: key(HQ_A), name: HQ_A, localSiteId: 101, remoteSiteId: 102, localHostName: 'hq-edge', remoteHostName: 'branch-a' },
        state: 'up',
        latest: { time: T0 - 2 * MIN, latencySeconds: 0.042, jitterSeconds: 0.003, lossRatio: 0.005, state: 'up' },
        lastSeen: T0,
        stale: false,
      },
    ]);
    expect(collector.health()).toEqual({ status: 'ok', lastSuccessAt: T0, lastAttemptAt: T0, lastError: undefined, consecutiveFailures: 0, gapMs: 0 });
    expect(events).toHaveLength(1);
  });

  it('drops rows repeated by overlapping windows (tunnel + entry_time) and notifies only what changed', async () => {
    const { source, collector, clock } = await harness();
    source.stats = [
      statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 - 8 * MIN, latencyMs: 30 }),
      statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 - 3 * MIN, latencyMs: 31 }),
      statRow({ local: HQ, localColor: 'biz-internet', remote: B, remoteColor: 'biz-internet', entryTime: T0 - 10 * MIN, latencyMs: 50 }),
    ];
    expect(await collector.poll()).toMatchObject({ outcome: 'ok', rows: 3, newSamples: 3, duplicates: 0 });
    const changes: TunnelsChanged[] = [];
    collector.subscribe((change) => changes.push(change));

    clock.advance(MIN);
    source.stats.push(statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 + 30_000, latencyMs: 33 }));
    const second = await collector.poll();

    // The second window reaches 5 minutes back into the first: the T0-3m row comes again and is dropped.
    expect(source.statisticsQueries[1]).toEqual({ fromMs: T0 - 5 * MIN, toMs: T0 + MIN });
    expect(second).toMatchObject({ outcome: 'ok', rows: 2, newSamples: 1, duplicates: 1 });
    expect(collector.history(key(HQ_A)).map((sample) => [sample.time, sample.latencySeconds])).toEqual([
      [T0 - 8 * MIN, 0.03],
      [T0 - 3 * MIN, 0.031],
      [T0 + 30_000, 0.033],
    ]);
    expect(collector.history(key(HQ_A), T0 - 4 * MIN)).toHaveLength(2);
    expect(changes).toEqual([{ changed: [key(HQ_A)], removed: [], at: T0 + MIN }]);
    expect(collector.counters()).toMatchObject({ polls: 2, samples: 4, duplicates: 1, failures: 0 });
  });

  it('reports a tunnel down when BFD says so, whatever its last statistics row says, and lists BFD-only tunnels', async () => {
    const { source, collector } = await harness();
    source.stats = [statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 - 25 * MIN, state: 'up' })];
    source.bfd = [
      bfdSession({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', state: 'down', remoteSiteId: 102, lastUpdated: T0 - MIN }),
      bfdSession({ local: A, localColor: 'mpls', remote: HQ, remoteColor: 'mpls', state: 'up', remoteSiteId: 101, lastUpdated: T0 - MIN }),
    ];
    await collector.poll();

    expect(collector.reading(key(HQ_A))).toMatchObject({ state: 'down', latest: { state: 'up', time: T0 - 25 * MIN }, stale: false });
    expect(collector.reading(key(A_HQ))).toMatchObject({
      tunnel: { localSiteId: 102, remoteSiteId: 101, localHostName: 'branch-a', remoteHostName: 'hq-edge' },
      state: 'up',
      latest: undefined,
    });

    const changes: TunnelsChanged[] = [];
    collector.subscribe((change) => changes.push(change));
    source.bfd = source.bfd.map((session) => ({ ...session, state: 'up' }));
    await collector.poll();
    expect(collector.reading(key(HQ_A))?.state).toBe('up');
    expect(changes.flatMap((change) => change.changed)).toEqual([key(HQ_A)]);
  });

  it('marks data stale with the error code and time when a poll fails (503 past the retries), then recovers without a hole', async () => {
    const { source, collector, clock, emulator } = await harness();
    source.stats = [statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 - 2 * MIN, latencyMs: 40 })];
    await collector.poll();
    const changes: TunnelsChanged[] = [];
    collector.subscribe((change) => changes.push(change));

    clock.advance(MIN);
    emulator.faults.serviceUnavailable(100);
    const failed = await collector.poll();

    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'ISTHMUS_E_VMANAGE_UNAVAILABLE' });
    const health = collector.health();
    expect(health).toMatchObject({ status: 'stale', lastSuccessAt: T0, consecutiveFailures: 1 });
    expect(health.lastError).toMatchObject({ code: 'ISTHMUS_E_VMANAGE_UNAVAILABLE', at: clock.now() });
    // The last data is kept as it was, flagged: stale, never wrong.
    expect(collector.reading(key(HQ_A))).toMatchObject({ stale: true, latest: { time: T0 - 2 * MIN, latencySeconds: 0.04 }, state: 'up' });
    expect(changes).toEqual([{ changed: [key(HQ_A)], removed: [], at: clock.now() }]);
    expect(await collector.poll()).toMatchObject({ outcome: 'failed' });
    expect(collector.health().consecutiveFailures).toBe(2);
    expect(changes).toHaveLength(1);

    emulator.faults.reset();
    // A row produced during the outage is fetched by the next window, which resumes at the last success.
    source.stats.push(statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 + 2 * MIN, latencyMs: 45 }));
    clock.advance(5 * MIN);
    const recovered = await collector.poll();

    expect(recovered).toMatchObject({ outcome: 'ok', newSamples: 1 });
    expect(source.statisticsQueries.at(-1)?.fromMs).toBe(T0 - 5 * MIN);
    expect(collector.health()).toMatchObject({ status: 'ok', lastError: undefined, consecutiveFailures: 0, gapMs: 0 });
    expect(collector.reading(key(HQ_A))).toMatchObject({ stale: false, latest: { time: T0 + 2 * MIN, latencySeconds: 0.045 } });
    expect(collector.counters()).toMatchObject({ polls: 4, failures: 2 });
  });

  it('logs in again when the session expires mid-poll, and still gets every row right', async () => {
    const { source, collector, emulator } = await harness({ emulator: { pageSize: 2 }, pageSize: 2 });
    const remotes = ['10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5', '10.2.0.6', '10.2.0.7'];
    source.stats = remotes.map((remote, index) =>
      statRow({ local: HQ, localColor: 'mpls', remote, remoteColor: 'mpls', entryTime: T0 - MIN, latencyMs: 10 + index, lossPackets: index, totalPackets: 100 }),
    );
    let expired = false;
    source.onStatistics = () => {
      if (!expired) emulator.faults.expireAllSessions();
      expired = true;
    };

    expect(await collector.poll()).toMatchObject({ outcome: 'ok', rows: 7 });
    expect(emulator.stats.logins).toBe(2);
    const byRemote = new Map(collector.readings().map((reading) => [reading.tunnel.key.remote.systemIp, reading.latest]));
    remotes.forEach((remote, index) => {
      expect(byRemote.get(remote)).toMatchObject({ latencySeconds: (10 + index) / 1000, lossRatio: index / 100 });
    });
  });

  it('follows scroll pages until vManage says there is no more', async () => {
    const { source, collector, emulator } = await harness({ emulator: { pageSize: 3 } });
    source.stats = Array.from({ length: 10 }, (_, index) =>
      statRow({ local: HQ, localColor: 'mpls', remote: `10.3.0.${index + 1}`, remoteColor: 'mpls', entryTime: T0 - MIN - index * 1000 }),
    );
    expect(await collector.poll()).toMatchObject({ outcome: 'ok', rows: 10, tunnels: 10 });
    expect(emulator.stats.requests.filter((request) => request.path === APP_ROUTE_STATISTICS_PATH)).toHaveLength(4);
    expect(collector.readings().every((reading) => reading.latest !== undefined)).toBe(true);
  });

  it('counts the time an outage longer than the lookback bound could not fetch as a gap', async () => {
    const { collector, clock, emulator } = await harness({ collector: { maxLookbackMs: 20 * MIN } });
    await collector.poll();
    emulator.faults.serviceUnavailable(10_000);
    clock.advance(10 * MIN);
    await collector.poll();
    emulator.faults.reset();
    clock.advance(40 * MIN);
    const event = await collector.poll();
    const gap = event.window === undefined ? 0 : event.window.gapMs;
    expect(gap).toBeGreaterThan(29 * MIN);
    expect(collector.health().gapMs).toBe(gap);
  });
});

describe('TunnelTelemetryCollector against the emulator (real-time statistics)', () => {
  it('asks every reachable edge for its buckets, takes the means, and names the edges it could not ask', async () => {
    const { source, collector } = await harness({ collector: { statsSource: 'realtime' } });
    source.deviceList = [
      managerDevice('10.1.0.100'),
      edgeDevice('10.10.1.13', 'Site1-cEdge01', 1001),
      edgeDevice('10.10.1.11', 'DC-cEdge01', 100),
      edgeDevice(A, 'branch-a', 102),
      edgeDevice(B, 'branch-b', 103, false),
    ];
    source.realtime.set('10.10.1.13', communityRealtimeTunnels(T0 - 30_000));
    source.realtime.set('10.10.1.11', []);

    const event = await collector.poll();

    expect(event).toMatchObject({ outcome: 'ok', source: 'realtime', window: undefined, failedDevices: [A], rows: 2 });
    expect([...source.realtimeQueries].sort()).toEqual(['10.1.0.2', '10.10.1.11', '10.10.1.13']);
    expect(source.statisticsQueries).toEqual([]);
    expect(collector.reading(key('10.10.1.13:mpls-10.10.1.11:public-internet'))).toMatchObject({
      tunnel: { localSiteId: 1001, remoteSiteId: 100, localHostName: 'Site1-cEdge01', remoteHostName: 'DC-cEdge01' },
      state: 'up',
      latest: { time: T0 - 30_000, latencySeconds: 0.039, jitterSeconds: 0.021, lossRatio: 0 },
    });
    expect(collector.reading(key('10.10.1.13:biz-internet-10.10.1.11:biz-internet'))).toMatchObject({ state: 'down', latest: { lossRatio: 1 } });

    // The same buckets again (same lastupdated) add nothing.
    expect(await collector.poll()).toMatchObject({ outcome: 'ok', newSamples: 0, duplicates: 2 });
  });
});

describe('TunnelTelemetryCollector schedules', () => {
  it('polls at start and on every interval tick, and skips (and counts) a tick that finds a poll running', async () => {
    const timer = new ManualTimer();
    const { collector, events } = await harness({ collector: { schedule: intervalSchedule(60_000, timer) } });
    collector.start();
    await vi.waitFor(() => {
      expect(events).toHaveLength(1);
    }, WAIT);
    expect(timer.intervals).toEqual([60_000]);

    timer.fire();
    timer.fire();
    await vi.waitFor(() => {
      expect(events.filter((event) => event.outcome === 'ok')).toHaveLength(2);
    }, WAIT);
    expect(events.map((event) => event.outcome)).toEqual(['ok', 'skipped', 'ok']);
    expect(collector.counters()).toMatchObject({ polls: 2, skippedOverlaps: 1 });

    await collector.stop();
    expect(timer.active).toBe(0);
  });

  it('builds session, client and collector from the configuration, with the cron schedule wired to node-cron', async () => {
    const clock = new FakeClock(T0);
    const source = new ControlledDataSource();
    fabric(source);
    source.stats = [statRow({ local: HQ, localColor: 'mpls', remote: A, remoteColor: 'mpls', entryTime: T0 - MIN })];
    const emulator = await startVmanageEmulator({ dataSource: source, clock });
    cleanups.push(() => emulator.close());
    const tasks: ScheduledTask[] = [];
    const factory: CronTaskFactory = (expression, run, options) => {
      const task = createTask(expression, run, options);
      tasks.push(task);
      return task;
    };
    const events: PollEvent[] = [];
    const built = await createTunnelCollector({
      config: vmanageConfig(emulator.url, { pollSchedule: NEVER_SOON }),
      env: { VMANAGE_TEST_PASSWORD: emulator.credentials.password },
      clock,
      sleep: fakeSleep(clock).sleep,
      onPoll: (event) => events.push(event),
      cronTaskFactory: factory,
    });
    cleanups.push(() => built.close());

    built.collector.start();
    await vi.waitFor(() => {
      expect(events).toHaveLength(1);
    }, WAIT);
    const task = tasks[0];
    expect(task?.getPattern()).toBe(NEVER_SOON);
    expect(task?.getStatus()).not.toBe('stopped');
    // What node-cron does on a tick, without waiting for one.
    await task?.execute();
    await vi.waitFor(() => {
      expect(events).toHaveLength(2);
    }, WAIT);
    expect(built.collector.reading(key(HQ_A))?.latest?.latencySeconds).toBe(0.02);

    await built.close();
    expect(task?.getStatus()).toBe('destroyed');
    expect(emulator.stats.logouts).toBe(1);
  });

  it('uses pollInterval when no cron expression is set, and rejects an invalid cron expression', async () => {
    const timer = new ManualTimer();
    const built = await createTunnelCollector({
      config: vmanageConfig('http://127.0.0.1:9', { pollInterval: 45_000 }),
      env: { VMANAGE_TEST_PASSWORD: 'secret' },
      repeatTimer: timer,
      clock: new FakeClock(T0),
    });
    built.collector.start();
    await built.close();
    expect(timer.intervals).toEqual([45_000]);
    expect(() => cronSchedule('every five minutes')).toThrow(expect.objectContaining({ code: 'ISTHMUS_E_VMANAGE_CONFIG' }) as Error);
  });

  it('fails with ISTHMUS_E_CONFIG_SECRET when the password reference does not resolve', async () => {
    await expect(createTunnelCollector({ config: vmanageConfig('http://127.0.0.1:9'), env: {} })).rejects.toMatchObject({ code: 'ISTHMUS_E_CONFIG_SECRET' });
  });
});

function vmanageConfig(url: string, overrides: Partial<VmanageConfig> = {}): VmanageConfig {
  return {
    enabled: true,
    url,
    username: 'admin',
    password: { env: 'VMANAGE_TEST_PASSWORD' },
    auth: 'session',
    caFile: undefined,
    insecure: false,
    requestTimeout: 2000,
    pollInterval: 60_000,
    pollSchedule: undefined,
    statsSource: 'bulk',
    rateLimit: { requestsPerSecond: 20, bulkRequestsPerMinute: 24, bulkConcurrency: 1 },
    policy: defaultPolicyConfig(),
    ...overrides,
  };
}
