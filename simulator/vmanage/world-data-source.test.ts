import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../world/load-scenario.ts';
import type { Scenario } from '../world/scenario.ts';
import { scenarioFixture } from '../world/scenario-fixture.ts';
import { SimClock } from '../world/sim-clock.ts';
import { createWorld } from '../world/world.ts';
import type { World } from '../world/world.ts';
import { renderAppRouteRow } from './render-app-route-row.ts';
import { renderRealtimeRows } from './render-realtime-rows.ts';
import type { EmulatedAppRouteStat } from './vmanage-data-source.ts';
import { WorldDataSource } from './world-data-source.ts';

const MINUTE = 60_000;
const START = Date.UTC(2025, 0, 1);

async function shipped(name: string): Promise<Scenario> {
  const result = await loadScenario(fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url)));
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.scenario;
}

/** A world on a manual clock moved to `at` (ms after the start). */
function worldAt(scenario: Scenario, at: number): { world: World; clock: SimClock } {
  const clock = SimClock.manual(START + at);
  return { world: createWorld(scenario, { clock, startMs: START }), clock };
}

function nameOf(row: EmulatedAppRouteStat): string {
  return `${row.localSystemIp}:${row.localColor}-${row.remoteSystemIp}:${row.remoteColor}`;
}

let twoSites: Scenario;
let brownout: Scenario;

beforeAll(async () => {
  twoSites = await shipped('two-sites');
  brownout = await shipped('brownout');
});

describe('WorldDataSource: bulk app-route statistics', () => {
  it('gives one row per tunnel per poll interval, at interval ends aligned to the start', () => {
    const { world } = worldAt(twoSites, 35 * MINUTE);
    const source = new WorldDataSource(world);
    const rows = source.appRouteStatistics(START, START + 35 * MINUTE);
    const ends = [0, 10, 20, 30].map((m) => START + m * MINUTE);
    expect(rows).toHaveLength(ends.length * world.fabric.tunnels.length);
    for (const tunnel of world.fabric.tunnels) {
      expect(rows.filter((row) => nameOf(row) === tunnel.name).map((row) => row.entryTime)).toEqual(ends);
    }
    expect(rows.every((row) => row.statCycleTime === row.entryTime)).toBe(true);
    expect(source.lastQuery).toMatchObject({ intervals: 4, rows: 32, truncated: false });
  });

  it('honours a configurable poll interval and includes both ends of the window', () => {
    const { world } = worldAt(twoSites, 10 * MINUTE);
    const source = new WorldDataSource(world, { pollIntervalMs: MINUTE });
    const rows = source.appRouteStatistics(START + 2 * MINUTE, START + 5 * MINUTE);
    expect([...new Set(rows.map((row) => row.entryTime))]).toEqual([2, 3, 4, 5].map((m) => START + m * MINUTE));
    expect(rows.every((row) => row.totalPackets === 60)).toBe(true);
  });

  it('serves history from before the start (the overlay ran before the simulation), bounded', () => {
    const { world } = worldAt(twoSites, 0);
    const source = new WorldDataSource(world, { historyMs: 30 * MINUTE });
    const rows = source.appRouteStatistics(START - 2 * 60 * MINUTE, START);
    expect([...new Set(rows.map((row) => row.entryTime))]).toEqual([-30, -20, -10, 0].map((m) => START + m * MINUTE));
  });

  it('never returns rows from the future: an interval shows once it has ended', async () => {
    const { world, clock } = worldAt(twoSites, 19 * MINUTE + 59_000);
    const source = new WorldDataSource(world);
    const before = source.appRouteStatistics(START, START + 3 * 60 * MINUTE);
    expect(Math.max(...before.map((row) => row.entryTime))).toBe(START + 10 * MINUTE);
    await clock.advance(1000);
    const after = source.appRouteStatistics(START, START + 3 * 60 * MINUTE);
    expect(Math.max(...after.map((row) => row.entryTime))).toBe(START + 20 * MINUTE);
    expect(source.appRouteStatistics(START + 21 * MINUTE, START + 60 * MINUTE)).toEqual([]);
  });

  it('reports latency and jitter in whole ms and loss as probes, consistent with the world', () => {
    const { world } = worldAt(brownout, 60 * MINUTE);
    const source = new WorldDataSource(world, { pollIntervalMs: 2 * MINUTE });
    const rows = source.appRouteStatistics(START, START + 60 * MINUTE);
    // Intervals ending at 0, 2, …, 60 minutes.
    expect(rows.length).toBe(31 * world.fabric.tunnels.length);
    let lossy = 0;
    for (const row of rows) {
      const tunnel = world.fabric.tunnel(nameOf(row));
      if (tunnel === undefined) throw new Error(`unknown tunnel ${nameOf(row)}`);
      const truth = world.tunnelAverage(tunnel, row.entryTime - 2 * MINUTE, row.entryTime);
      expect(row.latencyMs).toBe(Math.round(truth.latencySeconds * 1000));
      expect(row.jitterMs).toBe(Math.round(truth.jitterSeconds * 1000));
      expect(Number.isInteger(row.latencyMs) && Number.isInteger(row.jitterMs)).toBe(true);
      expect(row.totalPackets).toBe(120);
      expect(Math.abs(row.lossPackets / row.totalPackets - truth.lossRatio)).toBeLessThanOrEqual(0.5 / row.totalPackets);
      expect(row.state).toBe(truth.state);
      const rendered = renderAppRouteRow(row);
      expect(rendered.loss_percentage).toBeCloseTo((row.lossPackets / row.totalPackets) * 100, 3);
      if (row.lossPackets > 0) lossy++;
    }
    // The recurring public-internet brownout adds 3 % loss: plenty of rows lose probes.
    expect(lossy).toBeGreaterThan(50);
  });

  it('shows incidents: a brownout raises latency, a blackout makes rows Down with total loss', () => {
    const { world } = worldAt(brownout, 40 * MINUTE);
    const source = new WorldDataSource(world, { pollIntervalMs: MINUTE });
    const rows = source.appRouteStatistics(START, START + 40 * MINUTE);
    const at = (name: string, minute: number) => rows.find((row) => nameOf(row) === name && row.entryTime === START + minute * MINUTE);
    // isp-peak-hour: public-internet +70 ms at full intensity from 6m to 10m.
    const publicPath = '10.0.0.11:public-internet-10.0.0.21:public-internet';
    expect((at(publicPath, 8)?.latencyMs ?? 0) - (at(publicPath, 3)?.latencyMs ?? 0)).toBeGreaterThan(50);
    // frankfurt-mpls-cut: 30m to 35m.
    const cut = at('10.0.0.11:mpls-10.0.0.21:mpls', 33);
    expect(cut).toMatchObject({ state: 'down', latencyMs: 0, jitterMs: 0, lossPackets: 60, totalPackets: 60, slaClassIndices: [], vqoeScore: 0 });
    expect(at('10.0.0.11:mpls-10.0.0.31:mpls', 33)).toMatchObject({ state: 'up', slaClassIndices: [0], slaClassNames: ['__all_tunnels__'] });
  });

  it('checks rows against configured SLA classes', () => {
    const { world } = worldAt(brownout, 40 * MINUTE);
    const source = new WorldDataSource(world, {
      pollIntervalMs: MINUTE,
      slaClasses: [
        { index: 0, name: '__all_tunnels__' },
        { index: 1, name: 'voice', maxLatencyMs: 30, maxJitterMs: 5, maxLossPercent: 1 },
        { index: 2, name: 'bulk', maxLatencyMs: 300, maxLossPercent: 5 },
      ],
    });
    for (const row of source.appRouteStatistics(START, START + 40 * MINUTE)) {
      const lossPercent = (row.lossPackets / row.totalPackets) * 100;
      const expected = row.state === 'down' ? [] : [0, ...(row.latencyMs <= 30 && row.jitterMs <= 5 && lossPercent <= 1 ? [1] : []), ...(row.latencyMs <= 300 && lossPercent <= 5 ? [2] : [])];
      expect(row.slaClassIndices).toEqual(expected);
      expect(row.slaClassNames).toHaveLength(expected.length);
    }
  });

  it('keeps the newest intervals when a window holds more than the row cap', () => {
    const { world } = worldAt(twoSites, 60 * MINUTE);
    const source = new WorldDataSource(world, { maxRowsPerQuery: 20 });
    const rows = source.appRouteStatistics(START, START + 60 * MINUTE);
    expect([...new Set(rows.map((row) => row.entryTime))]).toEqual([50, 60].map((m) => START + m * MINUTE));
    expect(source.lastQuery).toMatchObject({ intervals: 7, rows: 16, truncated: true });
    const tiny = new WorldDataSource(world, { maxRowsPerQuery: 5 });
    const partial = tiny.appRouteStatistics(START, START + 60 * MINUTE);
    expect(partial).toHaveLength(5);
    expect(partial.every((row) => row.entryTime === START + 60 * MINUTE)).toBe(true);
  });
});

describe('WorldDataSource: BFD sessions', () => {
  it('has one session per tunnel, all up with no transitions before any incident', () => {
    const { world } = worldAt(brownout, 2 * MINUTE);
    const sessions = new WorldDataSource(world).bfdSessions();
    expect(sessions).toHaveLength(world.fabric.tunnels.length);
    expect(sessions.every((session) => session.state === 'up' && session.transitions === 0)).toBe(true);
    expect(sessions.every((session) => session.uptimeDate < START && session.lastUpdated === START + 2 * MINUTE)).toBe(true);
    const first = sessions[0];
    const tunnel = world.fabric.tunnels[0];
    expect(first).toMatchObject({ localSystemIp: tunnel?.local.systemIp, remoteColor: tunnel?.remote.color, remoteSiteId: tunnel?.remoteSiteId, srcPort: tunnel?.local.port });
  });

  it('goes down during the frankfurt mpls blackout of the brownout scenario, and back up after', async () => {
    const { world, clock } = worldAt(brownout, 32 * MINUTE);
    const source = new WorldDataSource(world);
    const hit = (session: { localSystemIp: string; remoteSystemIp: string; localColor: string }) =>
      session.localColor === 'mpls' && (session.localSystemIp === '10.0.0.21' || session.remoteSystemIp === '10.0.0.21');
    const during = source.bfdSessions();
    const cut = during.filter(hit);
    // Paris has two edges: mpls to frankfurt from 10.0.0.11, .12, .31, .41, and back.
    expect(cut).toHaveLength(8);
    expect(cut.every((session) => session.state === 'down' && session.transitions === 1 && session.uptimeDate === START + 30 * MINUTE)).toBe(true);
    expect(during.filter((session) => !hit(session)).every((session) => session.state === 'up')).toBe(true);
    for (const session of during) {
      const tunnel = world.fabric.tunnel(`${session.localSystemIp}:${session.localColor}-${session.remoteSystemIp}:${session.remoteColor}`);
      expect(tunnel === undefined ? undefined : world.tunnelState(tunnel, clock.now())).toBe(session.state);
    }
    const frankfurt = source.devices().find((device) => device.systemIp === '10.0.0.21');
    // Its other colors still work: reachable, with its 4 mpls sessions down (of 5 per peer edge: mpls is
    // restricted, the two internet colors cross-connect).
    expect(frankfurt).toMatchObject({ reachable: true, bfdSessions: 4 * 5, bfdSessionsUp: 4 * 5 - 4 });

    await clock.advance(4 * MINUTE);
    const after = source.bfdSessions().filter(hit);
    expect(after.every((session) => session.state === 'up' && session.transitions === 2 && session.uptimeDate === START + 35 * MINUTE)).toBe(true);
  });

  it('counts every flap of a flapping path', () => {
    const { world } = worldAt(brownout, 55 * MINUTE);
    const sessions = new WorldDataSource(world).bfdSessions();
    // paris-madrid-flap: 4 minutes of 30 s cycles, down 10 s each: 8 downs and 8 ups.
    const flapping = sessions.filter((session) => session.localSystemIp === '10.0.0.41' && session.remoteSystemIp === '10.0.0.11' && session.localColor === 'public-internet' && session.remoteColor === 'public-internet');
    expect(flapping).toHaveLength(1);
    expect(flapping[0]).toMatchObject({ state: 'up', transitions: 16 });
  });
});

describe('WorldDataSource: devices', () => {
  it('lists a vManage, a vSmart and a vBond, then every edge with realistic fields', () => {
    const { world } = worldAt(twoSites, MINUTE);
    const devices = new WorldDataSource(world).devices();
    expect(devices.map((device) => device.personality)).toEqual(['vmanage', 'vsmart', 'vbond', 'vedge', 'vedge']);
    const ips = devices.map((device) => device.systemIp);
    expect(new Set(ips).size).toBe(ips.length);
    const controllerSite = devices[0]?.siteId;
    expect(world.fabric.site(controllerSite ?? 0)).toBeUndefined();
    expect(devices.find((device) => device.systemIp === '10.0.0.1')).toMatchObject({
      hostName: 'edge-site100-1',
      siteId: 100,
      siteName: 'paris',
      deviceModel: 'vedge-C8000V',
      version: '17.12.1a',
      reachable: true,
      controlConnections: 3,
      bfdSessions: 4,
      bfdSessionsUp: 4,
      ompPeers: 1,
      latitude: 48.86,
      lastUpdated: START + MINUTE,
    });
    expect(devices[3]?.uuid).toMatch(/^C8K-[0-9A-F]{8}-[0-9A-F]{8}$/);
    expect(devices[0]).toMatchObject({ deviceModel: 'vmanage', version: '20.12.1', controlConnections: 4 });
  });

  it('keeps an edge whose tunnels are all down reachable, unless its whole site is cut off', () => {
    const scenario = scenarioFixture(`
name: cut
sites:
  - { id: 1, colors: [mpls, biz-internet], edges: [{ systemIp: 10.0.0.1 }] }
  - { id: 2, colors: [mpls, biz-internet], edges: [{ systemIp: 10.0.0.2 }] }
  - { id: 3, colors: [mpls, biz-internet], edges: [{ systemIp: 10.0.0.3 }] }
incidents:
  - { name: isolated, kind: blackout, target: { site: 3 }, at: 1m, duration: 5m }
  - { name: path, kind: blackout, target: { sites: [1, 2] }, at: 1m, duration: 5m }
`);
    const { world } = worldAt(scenario, 3 * MINUTE);
    const devices = new WorldDataSource(world).devices();
    const edge = (ip: string) => devices.find((device) => device.systemIp === ip);
    // Edges 1 and 2 lost every tunnel (to each other by one incident, to 3 by the other), yet reach the controllers.
    expect(edge('10.0.0.1')).toMatchObject({ reachable: true, bfdSessionsUp: 0, bfdSessions: 8 });
    expect(edge('10.0.0.3')).toMatchObject({ reachable: false, bfdSessionsUp: 0, controlConnections: 0, ompPeers: 0 });
    expect(devices.find((device) => device.personality === 'vmanage')?.siteId).toBe(4);
  });
});

describe('WorldDataSource: real-time buckets', () => {
  it('gives each tunnel of the device its last six intervals, whose means are the rendered mean-*', () => {
    const { world, clock } = worldAt(twoSites, 9 * MINUTE + 30_000);
    const source = new WorldDataSource(world, {
      pollIntervalMs: MINUTE,
      slaClasses: [
        { index: 0, name: '__all_tunnels__' },
        { index: 1, name: 'gold', maxLatencyMs: 45, maxLossPercent: 1 },
      ],
    });
    const tunnels = source.realtimeAppRoute('10.0.0.1');
    expect(tunnels?.map((tunnel) => `${tunnel.localSystemIp}:${tunnel.localColor}-${tunnel.remoteSystemIp}:${tunnel.remoteColor}`)).toEqual(world.fabric.tunnelsFrom('10.0.0.1').map((tunnel) => tunnel.name));
    for (const tunnel of tunnels ?? []) {
      const simTunnel = world.fabric.tunnel(`${tunnel.localSystemIp}:${tunnel.localColor}-${tunnel.remoteSystemIp}:${tunnel.remoteColor}`);
      if (simTunnel === undefined) throw new Error('unknown tunnel');
      const truth = world.appRouteStats(simTunnel, clock.now(), { pollIntervalMs: MINUTE });
      expect(tunnel.buckets).toHaveLength(6);
      expect(truth.buckets.at(-1)?.time).toBe(START + 9 * MINUTE);
      expect(tunnel.buckets.map((bucket) => bucket.latencyMs)).toEqual(truth.buckets.map((bucket) => Math.round(bucket.latencySeconds * 1000)));
      expect(tunnel.buckets.map((bucket) => bucket.totalPackets)).toEqual([60, 60, 60, 60, 60, 60]);
      const rows = renderRealtimeRows(tunnel);
      const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const bucketMean = mean(tunnel.buckets.map((bucket) => bucket.latencyMs));
      expect(rows.every((row) => row['mean-latency'] === Math.round(bucketMean))).toBe(true);
      expect(rows.every((row) => row['mean-jitter'] === Math.round(mean(tunnel.buckets.map((bucket) => bucket.jitterMs))))).toBe(true);
      // …and the bucket means are the world's means, within rounding.
      expect(Math.abs(bucketMean - truth.meanLatencySeconds * 1000)).toBeLessThanOrEqual(0.5);
      const lossPercent = mean(tunnel.buckets.map((bucket) => (bucket.lossPackets / bucket.totalPackets) * 100));
      expect(tunnel.slaClassIndices).toEqual(bucketMean <= 45 && lossPercent <= 1 ? [0, 1] : [0]);
    }
    // The brownout (5m–13m) has ramped up on public-internet by now: some tunnels miss gold, some meet it.
    expect(new Set(tunnels?.map((tunnel) => tunnel.slaClassIndices.length))).toEqual(new Set([1, 2]));
  });

  it('answers [] for a controller and undefined for an unknown device', () => {
    const { world } = worldAt(twoSites, MINUTE);
    const source = new WorldDataSource(world);
    const vsmart = source.devices().find((device) => device.personality === 'vsmart');
    expect(source.realtimeAppRoute(vsmart?.systemIp ?? '')).toEqual([]);
    expect(source.realtimeAppRoute('192.0.2.99')).toBeUndefined();
  });
});

describe('WorldDataSource at scale', () => {
  it('answers a 30-minute window over 159,200 tunnels with the newest interval, subsampled, in bounded time', async () => {
    const scenario = await shipped('scale');
    const { world } = worldAt(scenario, 40 * MINUTE);
    const source = new WorldDataSource(world);
    expect(world.fabric.tunnels.length).toBe(159_200);
    // 600 samples per interval × 159,200 tunnels is over the budget: a sample every 48 s or so.
    expect(source.sampleStepMs).toBeGreaterThan(1000);
    const started = performance.now();
    const rows = source.appRouteStatistics(START + 10 * MINUTE, START + 40 * MINUTE);
    const elapsed = performance.now() - started;
    expect(rows).toHaveLength(159_200);
    expect(rows.every((row) => row.entryTime === START + 40 * MINUTE)).toBe(true);
    expect(source.lastQuery).toMatchObject({ intervals: 4, truncated: true });
    // Shared SLA arrays, not one per row.
    expect(rows[0]?.slaClassIndices).toBe(rows[1]?.slaClassIndices);
    expect(elapsed).toBeLessThan(10_000);
  }, 60_000);
});
