import type { IPoint, IResults } from 'influx';
import { describe, expect, it } from 'vitest';
import type { InfluxClient } from './influx-client.ts';
import { InfluxSink } from './influx-sink.ts';

function httpError(statusCode: number): Error {
  // The shape of node-influx's (unexported) RequestError.
  return Object.assign(new Error(`A ${statusCode} error occurred`), { res: { statusCode } });
}

class FakeInflux implements InfluxClient {
  readonly databases = new Set<string>();
  readonly policies: string[] = [];
  readonly written: IPoint[][] = [];
  /** What the next writes do: undefined writes, an Error fails. */
  readonly failures: (Error | undefined)[] = [];
  ensureCalls = 0;

  getDatabaseNames(): Promise<string[]> {
    this.ensureCalls += 1;
    return Promise.resolve([...this.databases]);
  }
  createDatabase(name: string): Promise<void> {
    this.databases.add(name);
    return Promise.resolve();
  }
  showRetentionPolicies(): Promise<IResults<{ name: string }>> {
    return Promise.resolve(this.policies.map((name) => ({ name })) as IResults<{ name: string }>);
  }
  createRetentionPolicy(name: string): Promise<void> {
    this.policies.push(name);
    return Promise.resolve();
  }
  writePoints(points: IPoint[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.written.push(points);
    return Promise.resolve();
  }
}

const emptyView = { tunnels: () => [], servicePaths: () => [] };

function point(value: number): IPoint {
  return { measurement: 'tunnel', fields: { latency_seconds: value }, timestamp: value };
}

function newSink(client: FakeInflux, view = emptyView): InfluxSink {
  return new InfluxSink({ client, database: 'isthmus', view, clock: { now: () => 0 }, batchSize: 2, maxBufferedPoints: 10 });
}

describe('InfluxSink', () => {
  it('creates the database and the retention policy once, then writes in batches', async () => {
    const client = new FakeInflux();
    const sink = newSink(client);
    for (const value of [1, 2, 3]) sink.add(point(value));
    await sink.flush();
    sink.add(point(4));
    await sink.flush();
    expect([...client.databases]).toEqual(['isthmus']);
    expect(client.policies).toEqual(['isthmus']);
    expect(client.ensureCalls).toBe(1);
    expect(client.written.map((batch) => batch.length)).toEqual([2, 1, 1]);
    expect(sink.stats()).toMatchObject({ written: 4, buffered: 0 });
  });

  it('drops a batch InfluxDB rejects as malformed, and keeps going', async () => {
    const client = new FakeInflux();
    client.failures.push(httpError(400));
    const sink = newSink(client);
    for (const value of [1, 2, 3]) sink.add(point(value));
    await sink.flush();
    expect(sink.stats()).toMatchObject({ rejected: 2, written: 1, buffered: 0, failedAttempts: 0 });
  });

  it('sets the database up again when InfluxDB says it is gone, keeping the points', async () => {
    const client = new FakeInflux();
    const sink = newSink(client);
    sink.add(point(1));
    await sink.flush();
    client.databases.clear();
    client.failures.push(httpError(404));
    sink.add(point(2));
    await sink.flush();
    expect(sink.stats()).toMatchObject({ buffered: 1, failedAttempts: 1 });
    await sink.flush();
    expect(client.ensureCalls).toBe(2);
    expect(client.databases.has('isthmus')).toBe(true);
    expect(sink.stats()).toMatchObject({ buffered: 0, written: 2, lastError: undefined });
  });

  it('reports every failed attempt and every rejected batch to onError, not the writes that succeed', async () => {
    const client = new FakeInflux();
    client.failures.push(httpError(503), httpError(400));
    let errors = 0;
    const sink = new InfluxSink({ client, database: 'isthmus', view: emptyView, clock: { now: () => 0 }, batchSize: 1, maxBufferedPoints: 10, onError: () => (errors += 1) });
    sink.add(point(1));
    await sink.flush();
    expect(errors).toBe(1);
    sink.add(point(2));
    await sink.flush();
    await sink.flush();
    expect(errors).toBe(2);
    expect(sink.stats()).toMatchObject({ failedAttempts: 1, rejected: 1, written: 1 });
  });

  it('runs one flush at a time', async () => {
    const client = new FakeInflux();
    const sink = newSink(client);
    sink.add(point(1));
    const first = sink.flush();
    expect(sink.flush()).toBe(first);
    await first;
    expect(client.written).toHaveLength(1);
  });

  it('survives a view that throws: a tick only logs it', async () => {
    const warnings: string[] = [];
    const sink = new InfluxSink({
      client: new FakeInflux(),
      database: 'isthmus',
      view: {
        tunnels: () => {
          throw new Error('store closed');
        },
        servicePaths: () => [],
      },
      clock: { now: () => 0 },
      logger: { warn: (_object, message) => warnings.push(message ?? '') },
    });
    await expect(sink.tick()).resolves.toBeUndefined();
    expect(warnings).toEqual(['reading the telemetry view for InfluxDB failed']);
  });

  it('needs a schedule to start', () => {
    expect(() => {
      newSink(new FakeInflux()).start();
    }).toThrow(TypeError);
  });
});
