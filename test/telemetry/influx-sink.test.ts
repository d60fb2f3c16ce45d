import { InfluxDB } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock.ts';
import type { TunnelReading } from '../../src/domain/tunnel-stats-source.ts';
import { createInfluxClient } from '../../src/telemetry/influx-client.ts';
import { InfluxSink } from '../../src/telemetry/influx-sink.ts';
import type { InfluxSinkOptions, TickSchedule } from '../../src/telemetry/influx-sink.ts';
import type { TelemetryView } from '../../src/telemetry/telemetry-view.ts';
import { Influxd } from '../support/influxd.ts';
import { sampleTelemetry } from './sample-telemetry.ts';

const MINUTE = 60_000;

class StepClock implements Clock {
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** The sample world, with every tunnel's latest sample taken "now" on the test clock. */
function movingView(clock: Clock): Pick<TelemetryView, 'tunnels' | 'servicePaths'> {
  const state = sampleTelemetry();
  return {
    tunnels: () =>
      [...state.tunnels()].map((reading): TunnelReading => (reading.latest === undefined ? reading : { ...reading, latest: { ...reading.latest, time: clock.now() } })),
    servicePaths: () => state.servicePaths(),
  };
}

/** A schedule the test fires by hand. */
function manualSchedule(): { schedule: TickSchedule; fire: () => void; stopped: () => boolean } {
  let tick: (() => void) | undefined;
  let stopped = false;
  return {
    schedule: (callback) => {
      tick = callback;
      return {
        stop: () => {
          stopped = true;
        },
      };
    },
    fire: () => tick?.(),
    stopped: () => stopped,
  };
}

interface Row {
  time: Date;
  [field: string]: unknown;
}

describe('the InfluxDB sink against a real influxd', () => {
  let influxd: Influxd;
  let query: InfluxDB;

  beforeAll(async () => {
    influxd = await Influxd.start();
    query = new InfluxDB({ host: '127.0.0.1', port: influxd.port });
  }, 30_000);

  afterAll(async () => {
    await influxd.cleanup();
  }, 30_000);

  function sink(database: string, clock: StepClock, extra: Partial<InfluxSinkOptions> = {}): InfluxSink {
    return new InfluxSink({ client: createInfluxClient({ url: influxd.url, database, requestTimeoutMs: 5_000 }), database, view: movingView(clock), clock, ...extra });
  }

  async function count(database: string, measurement: string): Promise<number> {
    const rows = await query.query<{ count: number }>(`SELECT count(latency_seconds) FROM "isthmus"."${measurement}"`, { database });
    return rows[0]?.count ?? 0;
  }

  it('creates the database and retention policy and writes tunnels and Service paths as floats', async () => {
    const clock = new StepClock(Date.now() - 30 * MINUTE);
    const writer = sink('isthmus_basic', clock);
    await writer.tick();
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 12, dropped: 0, rejected: 0, failedAttempts: 0 });

    expect(await query.getDatabaseNames()).toContain('isthmus_basic');
    const policies = await query.showRetentionPolicies('isthmus_basic');
    expect(policies.find((policy) => policy.name === 'isthmus')).toMatchObject({ duration: '720h0m0s', default: false });

    const tunnels = await query.query<Row>(
      `SELECT latency_seconds, jitter_seconds, loss_ratio, up FROM "isthmus"."tunnel" WHERE local_system_ip = '10.10.1.11' AND remote_system_ip = '10.10.1.12' AND local_color = 'biz-internet'`,
      { database: 'isthmus_basic' },
    );
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]).toMatchObject({ latency_seconds: 0.048, jitter_seconds: 0.009, loss_ratio: 0.005, up: 1 });
    expect(tunnels[0]?.time.getTime()).toBe(clock.now());

    const paths = await query.query<Row & { namespace: string; service: string; color: string }>(`SELECT * FROM "isthmus"."service_path"`, { database: 'isthmus_basic' });
    expect(paths.map((row) => `${row.namespace}/${row.service}@${row.color}`).sort()).toEqual([
      'catalog/search@biz-internet',
      'legacy-apps/erp-gateway@biz-internet',
      'shop/checkout@mpls',
      'shop/payments@mpls',
    ]);
    expect(paths.find((row) => row.service === 'search')).toMatchObject({ latency_seconds: 0.051, loss_ratio: 0.015, compliant: 0 });

    const fields = await query.query<{ fieldKey: string; fieldType: string }>('SHOW FIELD KEYS FROM "isthmus"."tunnel"', { database: 'isthmus_basic' });
    expect(new Set(fields.map((field) => field.fieldType))).toEqual(new Set(['float']));
  });

  it('writes each tunnel sample once, however many ticks see it, and flushes on stop', async () => {
    const clock = new StepClock(Date.now() - 20 * MINUTE);
    const manual = manualSchedule();
    const writer = sink('isthmus_ticks', clock, { schedule: manual.schedule });
    writer.start();
    manual.fire();
    await writer.flush();
    expect(writer.stats().written).toBe(12);
    // Same tunnel samples (the clock did not move): only the Service paths are new points.
    expect(writer.sample()).toBe(4);
    clock.advance(MINUTE);
    expect(writer.sample()).toBe(12);
    await writer.stop();
    expect(manual.stopped()).toBe(true);
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 28 });
    expect(await count('isthmus_ticks', 'tunnel')).toBe(16);
  });

  it('buffers through an outage without blocking, drops the oldest beyond the cap, and delivers the rest after a restart', async () => {
    const clock = new StepClock(Date.now() - 15 * MINUTE);
    const writer = sink('isthmus_outage', clock, { maxBufferedPoints: 50, batchSize: 20 });
    await writer.tick();
    expect(writer.stats().written).toBe(12);

    await influxd.stop();
    for (let tick = 1; tick <= 10; tick += 1) {
      clock.advance(MINUTE);
      // Queueing is synchronous: the points are in the buffer before the write even starts.
      const before = writer.stats().buffered + writer.stats().dropped;
      const flushing = writer.tick();
      expect(writer.stats().buffered + writer.stats().dropped).toBe(before + 12);
      await flushing;
    }
    const during = writer.stats();
    expect(during).toMatchObject({ buffered: 50, dropped: 70, written: 12 });
    expect(during.failedAttempts).toBeGreaterThanOrEqual(10);
    expect(during.lastError).toBeDefined();
    const newest = clock.now();

    await influxd.restart();
    await writer.flush();
    expect(writer.stats()).toMatchObject({ buffered: 0, dropped: 70, written: 62, lastError: undefined });

    // Kept: the last 50 of the 120 points queued during the outage = the last 2 of tick 6 (Service paths)
    // and all of ticks 7-10; plus the 12 written before it.
    expect(await count('isthmus_outage', 'tunnel')).toBe(8 + 4 * 8);
    expect(await count('isthmus_outage', 'service_path')).toBe(4 + 2 + 4 * 4);
    const latest = await query.query<Row>(
      `SELECT latency_seconds FROM "isthmus"."tunnel" WHERE local_system_ip = '10.10.1.11' AND remote_system_ip = '10.10.1.12' AND local_color = 'mpls' ORDER BY time DESC LIMIT 1`,
      { database: 'isthmus_outage' },
    );
    expect(latest[0]?.time.getTime()).toBe(newest);
    expect(latest[0]?.latency_seconds).toBe(0.012);
  }, 60_000);
});

