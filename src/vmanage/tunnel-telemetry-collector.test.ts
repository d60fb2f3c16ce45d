import { describe, expect, it } from 'vitest';
import type { Clock } from '../domain/clock.ts';
import { tunnelName } from '../domain/tunnel.ts';
import type { TunnelKey } from '../domain/tunnel.ts';
import type { TunnelsChanged } from '../domain/tunnel-stats-source.ts';
import type { VmanageDevice } from './parse-devices.ts';
import type { ParseResult } from './parse-result.ts';
import type { TunnelObservation } from './tunnel-observation.ts';
import { TunnelTelemetryCollector } from './tunnel-telemetry-collector.ts';
import type { TunnelTelemetryReader } from './tunnel-telemetry-collector.ts';
import { VMANAGE_ERROR_CODES, VmanageError } from './vmanage-error.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 1, 27, 16, 0, 0);

class TestClock implements Clock {
  value = T0;
  now(): number {
    return this.value;
  }
}

const empty = <T>(): Promise<ParseResult<T>> => Promise.resolve({ items: [], skipped: 0, duplicates: 0 });

/** The collector's reads, never made by these tests: they feed parsed rows to `ingest` directly. */
const idleReader: TunnelTelemetryReader = {
  devices: empty,
  appRouteStatistics: empty,
  bfdSessions: empty,
  realtimeAppRoute: empty,
};

/** `count` distinct tunnels: local 10.<i/65536>.<…>.1 … to one hub, colors alternating. */
function tunnelKeys(count: number): TunnelKey[] {
  return Array.from({ length: count }, (_, index) => ({
    local: { systemIp: `10.${1 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`, color: index % 2 === 0 ? 'mpls' : 'biz-internet' },
    remote: { systemIp: '172.16.0.1', color: 'mpls' },
  }));
}

function observations(keys: readonly TunnelKey[], names: readonly string[], time: number): TunnelObservation[] {
  return keys.map((tunnel, index) => ({
    tunnel,
    name: names[index] ?? '',
    sample: { time, latencySeconds: 0.02 + (index % 7) / 1000, jitterSeconds: 0.002, lossRatio: 0, state: 'up' },
    localSiteId: 100 + (index % 50),
    localHostName: undefined,
  }));
}

describe('TunnelTelemetryCollector memory bounds', () => {
  it('keeps at most historyMaxSamples per tunnel for 10,000 tunnels polled 50 times', () => {
    const clock = new TestClock();
    const collector = new TunnelTelemetryCollector({ telemetry: idleReader, clock, historyMaxSamples: 20, historyMaxAgeMs: 24 * 60 * MIN, evictAfterMs: 24 * 60 * MIN });
    const keys = tunnelKeys(10_000);
    const names = keys.map(tunnelName);
    for (let poll = 0; poll < 50; poll++) {
      clock.value += MIN;
      const result = collector.ingest(observations(keys, names, clock.value));
      expect(result.added).toBe(10_000);
    }
    const memory = collector.memory();
    expect(memory).toMatchObject({ tunnels: 10_000, samples: 200_000, maxPerTunnel: 20 });
    // One Float64Array of 20 samples × 5 numbers per tunnel, nothing more.
    expect(memory.bytes).toBe(10_000 * 20 * 5 * 8);
    const first = keys[0];
    if (first === undefined) throw new Error('no keys');
    expect(collector.history(first).map((sample) => sample.time)).toEqual(Array.from({ length: 20 }, (_, index) => T0 + (31 + index) * MIN));
    expect(collector.reading(first)?.latest?.time).toBe(T0 + 50 * MIN);
    expect(collector.counters()).toMatchObject({ samples: 500_000, duplicates: 0 });
  });

  it('keeps only samples younger than historyMaxAgeMs, and re-sent rows stay duplicates', () => {
    const clock = new TestClock();
    const collector = new TunnelTelemetryCollector({ telemetry: idleReader, clock, historyMaxSamples: 120, historyMaxAgeMs: 10 * MIN });
    const keys = tunnelKeys(10_000);
    const names = keys.map(tunnelName);
    let previous: TunnelObservation[] = [];
    for (let poll = 0; poll < 50; poll++) {
      clock.value += MIN;
      const current = observations(keys, names, clock.value);
      // Each poll's window overlaps the last: its rows come again.
      const result = collector.ingest([...previous, ...current]);
      expect(result).toMatchObject({ added: 10_000, duplicates: previous.length });
      previous = current;
    }
    const memory = collector.memory();
    expect(memory.tunnels).toBe(10_000);
    expect(memory.maxPerTunnel).toBe(11);
    expect(memory.samples).toBe(110_000);
  });

  it('evicts tunnels no poll has seen for evictAfterMs and says so', () => {
    const clock = new TestClock();
    const collector = new TunnelTelemetryCollector({ telemetry: idleReader, clock, evictAfterMs: 30 * MIN });
    const keys = tunnelKeys(10);
    const names = keys.map(tunnelName);
    collector.ingest(observations(keys, names, clock.value));
    const changes: TunnelsChanged[] = [];
    collector.subscribe((change) => changes.push(change));
    for (let poll = 0; poll < 4; poll++) {
      clock.value += 10 * MIN;
      collector.ingest(observations(keys.slice(0, 4), names.slice(0, 4), clock.value));
    }
    expect(collector.readings().map((reading) => reading.tunnel.name)).toEqual(names.slice(0, 4));
    expect(changes.flatMap((change) => change.removed)).toEqual(keys.slice(4));
    expect(collector.counters().evicted).toBe(6);
  });

  it('flags a sample older than staleAfterMs as stale, with the source healthy', () => {
    const clock = new TestClock();
    const collector = new TunnelTelemetryCollector({ telemetry: idleReader, clock, staleAfterMs: 30 * MIN });
    const keys = tunnelKeys(1);
    collector.ingest(observations(keys, keys.map(tunnelName), T0 - 31 * MIN));
    expect(collector.readings()[0]?.stale).toBe(true);
    collector.ingest(observations(keys, keys.map(tunnelName), T0 - 29 * MIN));
    expect(collector.readings()[0]?.stale).toBe(false);
  });

  it('ignores a listener that throws', () => {
    const clock = new TestClock();
    const collector = new TunnelTelemetryCollector({ telemetry: idleReader, clock });
    const keys = tunnelKeys(2);
    const seen: TunnelsChanged[] = [];
    collector.subscribe(() => {
      throw new Error('boom');
    });
    const unsubscribe = collector.subscribe((change) => seen.push(change));
    collector.ingest(observations(keys, keys.map(tunnelName), T0));
    expect(seen).toHaveLength(1);
    unsubscribe();
    clock.value += MIN;
    collector.ingest(observations(keys, keys.map(tunnelName), T0 + MIN));
    expect(seen).toHaveLength(1);
  });
});

function device(systemIp: string, hostName: string, siteId: number): VmanageDevice {
  return { systemIp, hostName, siteId, personality: 'vedge', reachable: true, deviceType: 'vedge', deviceModel: undefined, uuid: undefined, version: undefined };
}

/** A reader whose answers each test scripts, counting the inventory reads. */
function scriptedReader(): TunnelTelemetryReader & { devicesCalls: number; devicesAnswer: () => Promise<ParseResult<VmanageDevice>>; statistics: TunnelObservation[] } {
  const reader = {
    devicesCalls: 0,
    devicesAnswer: (): Promise<ParseResult<VmanageDevice>> => Promise.resolve({ items: [device('10.0.0.1', 'edge-1', 11)], skipped: 0, duplicates: 0 }),
    statistics: [] as TunnelObservation[],
    devices(): Promise<ParseResult<VmanageDevice>> {
      reader.devicesCalls++;
      return reader.devicesAnswer();
    },
    appRouteStatistics: (): Promise<ParseResult<TunnelObservation>> => Promise.resolve({ items: reader.statistics, skipped: 0, duplicates: 0 }),
    bfdSessions: empty,
    realtimeAppRoute: empty,
  };
  return reader;
}

describe('TunnelTelemetryCollector device inventory', () => {
  it('refreshes the inventory on its own, longer interval', async () => {
    const clock = new TestClock();
    const reader = scriptedReader();
    const collector = new TunnelTelemetryCollector({ telemetry: reader, clock, inventoryIntervalMs: 10 * MIN });
    for (let poll = 0; poll < 12; poll++) {
      const event = await collector.poll();
      expect(event.inventoryRefreshed).toBe(poll % 10 === 0);
      clock.value += MIN;
    }
    expect(reader.devicesCalls).toBe(2);
  });

  it('keeps the previous inventory when a refresh fails, and tries again at the next poll', async () => {
    const clock = new TestClock();
    const reader = scriptedReader();
    const keys = tunnelKeys(1).map((key) => ({ ...key, local: { ...key.local, systemIp: '10.0.0.1' } }));
    reader.statistics = observations(keys, keys.map(tunnelName), T0);
    const collector = new TunnelTelemetryCollector({ telemetry: reader, clock, inventoryIntervalMs: 10 * MIN });
    await collector.poll();
    reader.devicesAnswer = () => Promise.reject(new VmanageError(VMANAGE_ERROR_CODES.api, 'vManage GET /dataservice/device failed with HTTP 500'));
    clock.value += 10 * MIN;
    expect(await collector.poll()).toMatchObject({ outcome: 'ok', inventoryRefreshed: false });
    expect(collector.readings()[0]?.tunnel).toMatchObject({ localHostName: 'edge-1', localSiteId: 11 });
    clock.value += MIN;
    await collector.poll();
    expect(reader.devicesCalls).toBe(3);
  });

  it('fails the poll when there is no inventory yet and it cannot be read, with a code even for foreign errors', async () => {
    const clock = new TestClock();
    const reader = scriptedReader();
    reader.devicesAnswer = () => Promise.reject(new Error('socket hang up'));
    const collector = new TunnelTelemetryCollector({ telemetry: reader, clock, statsSource: 'realtime' });
    expect(await collector.poll()).toMatchObject({ outcome: 'failed', errorCode: 'ISTHMUS_E_VMANAGE_POLL' });
    expect(collector.health()).toMatchObject({ status: 'stale', lastSuccessAt: undefined, lastError: { code: 'ISTHMUS_E_VMANAGE_POLL', message: 'socket hang up', at: T0 } });
  });
});
