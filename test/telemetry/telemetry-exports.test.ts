import { InfluxDB } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryConfig } from '../../src/config/config-schema.ts';
import type { TickSchedule } from '../../src/telemetry/influx-sink.ts';
import { TelemetryExports } from '../../src/telemetry/telemetry-exports.ts';
import type { TelemetryExportsOptions } from '../../src/telemetry/telemetry-exports.ts';
import { Influxd } from '../support/influxd.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';
import { sampleTelemetry } from './sample-telemetry.ts';

const HOUR = 3_600_000;
const silent = { warn: () => undefined, info: () => undefined };

describe('the exports built from the telemetry configuration', () => {
  let influxd: Influxd;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    [influxd, receiver] = await Promise.all([Influxd.start(), OtlpReceiver.http()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([influxd.cleanup(), receiver.close()]);
  }, 30_000);

  function options(config: TelemetryConfig, schedule: TickSchedule): TelemetryExportsOptions {
    return {
      config,
      clusterName: 'edge-eu-1',
      serviceVersion: '0.1.0-test',
      view: sampleTelemetry(),
      clock: { now: () => Date.now() },
      env: { OTLP_KEY: 'from-the-environment', INFLUX_PASSWORD: 'unused-without-auth' },
      readFile: () => Promise.reject(new Error('no files in this test')),
      logger: silent,
      influxSchedule: () => schedule,
      readinessChecks: { hubble: () => ({ ready: true, detail: 'connected' }) },
    };
  }

  it('serves /metrics and /readyz, exports OTLP with resolved header secrets, and writes to InfluxDB on its ticks', async () => {
    let tick: (() => void) | undefined;
    const config: TelemetryConfig = {
      listen: '127.0.0.1:0',
      otlp: { endpoint: receiver.endpoint, protocol: 'http', interval: HOUR, headers: { 'X-Api-Key': { env: 'OTLP_KEY' } } },
      influx: { url: influxd.url, database: 'isthmus_exports', interval: 10_000, username: 'isthmus', password: { env: 'INFLUX_PASSWORD' } },
    };
    const exports = await TelemetryExports.create(
      options(config, (callback) => {
        tick = callback;
        return { stop: () => undefined };
      }),
    );
    const { port } = await exports.start();
    try {
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(await metrics.text()).toContain('isthmus_hubble_flows_total 87978');
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toEqual({ ready: true, checks: [{ name: 'hubble', ready: true, detail: 'connected' }] });

      await exports.otlp?.forceFlush();
      expect(receiver.latest().headers['x-api-key']).toBe('from-the-environment');
      expect(receiver.latest().transport).toBe('http/protobuf');

      tick?.();
      await exports.influx?.flush();
      expect(exports.influx?.stats()).toMatchObject({ written: 12, buffered: 0 });
      const rows = await new InfluxDB({ host: '127.0.0.1', port: influxd.port }).query<{ count: number }>('SELECT count(latency_seconds) FROM "isthmus"."tunnel"', {
        database: 'isthmus_exports',
      });
      expect(rows[0]?.count).toBe(8);
    } finally {
      await exports.stop();
    }
  });

  it('fails with the secret error code when a referenced secret is missing', async () => {
    const config: TelemetryConfig = {
      listen: '127.0.0.1:0',
      otlp: { endpoint: receiver.endpoint, protocol: 'grpc', interval: HOUR, headers: { authorization: { env: 'MISSING_TOKEN' } } },
    };
    await expect(TelemetryExports.create(options(config, () => ({ stop: () => undefined })))).rejects.toMatchObject({ code: 'ISTHMUS_E_CONFIG_SECRET' });
  });
});
