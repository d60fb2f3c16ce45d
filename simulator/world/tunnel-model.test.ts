import { describe, expect, it } from 'vitest';
import { scenarioFixture, TWO_SITE_FIXTURE } from './scenario-fixture.ts';
import { createWorld } from './world.ts';

const MINUTE = 60_000;

function fixture(incidents = '') {
  return scenarioFixture(`${TWO_SITE_FIXTURE}${incidents}`);
}

describe('tunnel samples', () => {
  it('are identical for the same seed and differ for another', () => {
    const a = createWorld(fixture());
    const b = createWorld(fixture());
    const c = createWorld(fixture(), { seed: 12 });
    for (const tunnel of a.fabric.tunnels) {
      const series = a.tunnelSamples(tunnel, a.startMs, a.startMs + 5 * MINUTE);
      expect(b.tunnelSamples(tunnel.index, b.startMs, b.startMs + 5 * MINUTE)).toEqual(series);
      expect(c.tunnelSamples(tunnel.index, c.startMs, c.startMs + 5 * MINUTE)).not.toEqual(series);
    }
  });

  it('give the same values whatever order windows are read in (random access)', () => {
    const world = createWorld(fixture());
    const tunnel = world.fabric.tunnels[0];
    if (tunnel === undefined) throw new Error('no tunnel');
    const t0 = world.startMs;
    const whole = world.tunnelSamples(tunnel, t0, t0 + 10 * MINUTE);
    const later = world.tunnelSamples(tunnel, t0 + 5 * MINUTE, t0 + 10 * MINUTE);
    const earlier = world.tunnelSamples(tunnel, t0, t0 + 5 * MINUTE);
    expect([...earlier, ...later]).toEqual(whole);
    // A fresh world asked one sample in the middle agrees too.
    expect(createWorld(fixture()).tunnelSample(tunnel.index, t0 + 7 * MINUTE + 123)).toEqual(whole[7 * 60]);
  });

  it('snap to the latest sample boundary, stamped with the end of their interval', () => {
    const world = createWorld(fixture());
    const t0 = world.startMs;
    const sample = world.tunnelSample(0, t0 + 1500);
    expect(sample.time).toBe(t0 + 1000);
    expect(world.tunnelSample(0, t0 + 1999)).toEqual(sample);
    expect(world.tunnelSample(0, t0 + 2000).time).toBe(t0 + 2000);
  });

  it('look like their color: biz-internet is faster and quieter than public-internet, all values sane', () => {
    const world = createWorld(fixture());
    const t0 = world.startMs;
    const byName = (name: string) => {
      const tunnel = world.fabric.tunnel(name);
      if (tunnel === undefined) throw new Error(name);
      return world.tunnelAverage(tunnel, t0, t0 + 30 * MINUTE);
    };
    const biz = byName('10.0.0.1:biz-internet-10.0.0.2:biz-internet');
    const pub = byName('10.0.0.1:public-internet-10.0.0.2:public-internet');
    expect(biz.latencySeconds).toBeLessThan(pub.latencySeconds);
    expect(biz.jitterSeconds).toBeLessThan(pub.jitterSeconds);
    expect(biz.lossRatio).toBeLessThan(pub.lossRatio);
    // Paris–Frankfurt over business internet: tens of milliseconds, well under 1 % loss.
    expect(biz.latencySeconds).toBeGreaterThan(0.02);
    expect(biz.latencySeconds).toBeLessThan(0.06);
    expect(biz.lossRatio).toBeLessThan(0.01);
    for (const sample of world.tunnelSamples(0, t0, t0 + 30 * MINUTE)) {
      expect(sample.latencySeconds).toBeGreaterThan(0);
      expect(sample.jitterSeconds).toBeGreaterThan(0);
      expect(sample.lossRatio).toBeGreaterThanOrEqual(0);
      expect(sample.lossRatio).toBeLessThanOrEqual(1);
      expect(sample.state).toBe('up');
    }
  });

  it('are the same in both directions on average, but not sample for sample', () => {
    const world = createWorld(fixture());
    const t0 = world.startMs;
    const forward = world.tunnelAverage(3, t0, t0 + 60 * MINUTE);
    const reverse = world.tunnelAverage(world.fabric.tunnelReverse[3] ?? -1, t0, t0 + 60 * MINUTE);
    expect(Math.abs(forward.latencySeconds - reverse.latencySeconds) / forward.latencySeconds).toBeLessThan(0.05);
    expect(world.tunnelSample(3, t0 + 1000)).not.toEqual(world.tunnelSample(world.fabric.tunnelReverse[3] ?? -1, t0 + 1000));
  });
});

describe('incidents', () => {
  it('a brownout raises latency, jitter and loss inside its window only, ramping at both ends', () => {
    const world = createWorld(
      fixture(`
incidents:
  - { kind: brownout, target: { color: public-internet }, at: 10m, duration: 10m, ramp: 2m, latency: 100ms, jitter: 30ms, loss: 5% }
`),
    );
    const t0 = world.startMs;
    const pub = world.fabric.tunnel('10.0.0.1:public-internet-10.0.0.2:public-internet');
    const biz = world.fabric.tunnel('10.0.0.1:biz-internet-10.0.0.2:biz-internet');
    if (pub === undefined || biz === undefined) throw new Error('tunnels');
    const before = world.tunnelAverage(pub, t0 + 5 * MINUTE, t0 + 10 * MINUTE);
    const ramp = world.tunnelAverage(pub, t0 + 10 * MINUTE, t0 + 12 * MINUTE);
    const full = world.tunnelAverage(pub, t0 + 12 * MINUTE, t0 + 18 * MINUTE);
    const after = world.tunnelAverage(pub, t0 + 20 * MINUTE, t0 + 25 * MINUTE);
    expect(full.latencySeconds - before.latencySeconds).toBeGreaterThan(0.08);
    expect(full.jitterSeconds - before.jitterSeconds).toBeGreaterThan(0.02);
    expect(full.lossRatio - before.lossRatio).toBeGreaterThan(0.04);
    expect(ramp.latencySeconds).toBeGreaterThan(before.latencySeconds + 0.03);
    expect(ramp.latencySeconds).toBeLessThan(full.latencySeconds - 0.03);
    expect(Math.abs(after.latencySeconds - before.latencySeconds)).toBeLessThan(0.01);
    // The sample just before the start and the one at the end are untouched.
    const quiet = createWorld(fixture());
    expect(world.tunnelSample(pub, t0 + 10 * MINUTE - 1)).toEqual(quiet.tunnelSample(pub, t0 + 10 * MINUTE - 1));
    expect(world.tunnelSample(pub, t0 + 20 * MINUTE)).toEqual(quiet.tunnelSample(pub, t0 + 20 * MINUTE));
    expect(world.tunnelSample(pub, t0 + 10 * MINUTE)).toEqual(quiet.tunnelSample(pub, t0 + 10 * MINUTE)); // ramp starts at 0
    // Another color is not affected at all.
    expect(world.tunnelSamples(biz, t0, t0 + 30 * MINUTE, 7000)).toEqual(quiet.tunnelSamples(biz, t0, t0 + 30 * MINUTE, 7000));
    expect(world.activeIncidents(t0 + 11 * MINUTE)).toMatchObject([{ startMs: t0 + 10 * MINUTE, endMs: t0 + 20 * MINUTE, intensity: 0.5 }]);
    expect(world.activeIncidents(t0 + 20 * MINUTE)).toEqual([]);
  });

  it('a blackout holds the tunnel down with loss 1 and no latency, in both directions', () => {
    const world = createWorld(
      fixture(`
incidents:
  - { kind: blackout, target: { tunnel: "10.0.0.1:biz-internet-10.0.0.2:biz-internet" }, at: 1m, duration: 30s }
`),
    );
    const t0 = world.startMs;
    const tunnel = world.fabric.tunnel('10.0.0.1:biz-internet-10.0.0.2:biz-internet');
    const reverse = world.fabric.tunnel('10.0.0.2:biz-internet-10.0.0.1:biz-internet');
    if (tunnel === undefined || reverse === undefined) throw new Error('tunnels');
    for (const t of [t0 + MINUTE, t0 + MINUTE + 15_000, t0 + MINUTE + 29_999]) {
      for (const target of [tunnel, reverse]) {
        expect(world.tunnelSample(target, t)).toMatchObject({ state: 'down', lossRatio: 1, latencySeconds: 0, jitterSeconds: 0 });
        expect(world.tunnelState(target, t)).toBe('down');
      }
    }
    expect(world.tunnelSample(tunnel, t0 + MINUTE - 1).state).toBe('up');
    expect(world.tunnelSample(tunnel, t0 + MINUTE + 30_000).state).toBe('up');
    const states = world.tunnelStates(t0 + MINUTE + 10_000);
    expect(states.filter((state) => state === 'down')).toHaveLength(2);
    expect(states[tunnel.index]).toBe('down');
    // App-route style averages: the down samples count as total loss, latency averages the rest.
    const average = world.tunnelAverage(tunnel, t0, t0 + 2 * MINUTE);
    expect(average.downSamples).toBe(30);
    expect(average.lossRatio).toBeGreaterThan(0.25);
    expect(average.latencySeconds).toBeGreaterThan(0.02);
  });

  it('flapping alternates down and up every period while it lasts, and recurs', () => {
    const world = createWorld(
      fixture(`
incidents:
  - { kind: flapping, target: { site: 100, color: public-internet }, at: 2m, duration: 1m, period: 20s, downFor: 5s, every: 10m, count: 2 }
`),
    );
    const t0 = world.startMs;
    const tunnel = world.fabric.tunnel('10.0.0.1:public-internet-10.0.0.2:public-internet');
    const untouched = world.fabric.tunnel('10.0.0.1:biz-internet-10.0.0.2:biz-internet');
    if (tunnel === undefined || untouched === undefined) throw new Error('tunnels');
    const states = (offset: number) =>
      world.tunnelSamples(tunnel, t0 + offset, t0 + offset + 70_000, 5000).map((sample) => sample.state[0]).join('');
    // Every 5 s from 2:00 to 3:10: down 5 s, up 15 s, three cycles, then up.
    expect(states(2 * MINUTE)).toBe('duuuduuuduuuuu');
    expect(states(12 * MINUTE)).toBe('duuuduuuduuuuu');
    expect(states(22 * MINUTE)).toBe('uuuuuuuuuuuuuu');
    expect(world.tunnelSamples(untouched, t0 + 2 * MINUTE, t0 + 3 * MINUTE, 1000).every((sample) => sample.state === 'up')).toBe(true);
    // Cross-color tunnels with public-internet at site 100 flap too; those with it only at site 200 do not.
    const crossAtSite = world.fabric.tunnel('10.0.0.1:public-internet-10.0.0.2:biz-internet');
    const crossElsewhere = world.fabric.tunnel('10.0.0.1:biz-internet-10.0.0.2:public-internet');
    expect(crossAtSite && world.tunnelState(crossAtSite, t0 + 2 * MINUTE)).toBe('down');
    expect(crossElsewhere && world.tunnelState(crossElsewhere, t0 + 2 * MINUTE)).toBe('up');
  });

  it('averages over poll intervals the way app-route statistics do', () => {
    const world = createWorld(fixture());
    const t0 = world.startMs;
    const stats = world.appRouteStats(0, t0 + 65 * MINUTE);
    expect(stats.buckets).toHaveLength(6);
    expect(stats.buckets.map((bucket) => bucket.time - t0)).toEqual([10, 20, 30, 40, 50, 60].map((m) => m * MINUTE));
    expect(stats.buckets.every((bucket) => bucket.samples === 600)).toBe(true);
    const mean = stats.buckets.reduce((sum, bucket) => sum + bucket.latencySeconds, 0) / 6;
    expect(stats.meanLatencySeconds).toBeCloseTo(mean, 12);
    const coarse = world.appRouteStats(0, t0 + 65 * MINUTE, { stepMs: 10_000 });
    expect(coarse.buckets[0]?.samples).toBe(60);
    expect(Math.abs(coarse.meanLatencySeconds - stats.meanLatencySeconds) / stats.meanLatencySeconds).toBeLessThan(0.05);
  });
});
