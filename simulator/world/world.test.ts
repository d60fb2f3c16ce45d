import { describe, expect, it } from 'vitest';
import { scenarioFixture, TWO_SITE_FIXTURE } from './scenario-fixture.ts';
import { SimClock } from './sim-clock.ts';
import type { WorldEvent } from './world-event.ts';
import { createWorld } from './world.ts';

const MINUTE = 60_000;
const SCRIPTED = `${TWO_SITE_FIXTURE}
events:
  - { at: 3m, scale: shop/api, replicas: 3 }
  - { at: 4m, annotate: shop/api, annotations: { isthmus.io/max-latency: 40ms } }
incidents:
  - { name: brown, kind: brownout, target: { color: public-internet }, at: 1m, duration: 1m, latency: 50ms }
  - { name: black, kind: blackout, target: { tunnel: "10.0.0.1:biz-internet-10.0.0.2:biz-internet" }, at: 2m, duration: 30s }
  - { name: flap, kind: flapping, target: { site: 100, color: public-internet }, at: 5m, duration: 40s, period: 20s, downFor: 5s }
`;

function describeEvent(event: WorldEvent, t0: number): string {
  const at = `${(event.timeMs - t0) / 1000}s`;
  switch (event.type) {
    case 'incident-started':
    case 'incident-ended':
      return `${at} ${event.type} ${event.incident.name}`;
    case 'tunnel-state':
      return `${at} ${event.state} ${event.tunnels.map((tunnel) => tunnel.name).join(' ')}`;
    case 'workload-scaled':
      return `${at} scaled ${event.workload.name} to ${event.replicas} (+${event.added.length} -${event.removed.length})`;
    case 'endpoints-changed':
      return `${at} endpoints ${event.service.name} ${event.endpoints.length}`;
    case 'service-changed':
      return `${at} service ${event.service.name} ${JSON.stringify(event.service.annotations)}`;
  }
}

const EXPECTED = [
  '60s incident-started brown',
  '120s incident-ended brown',
  '120s incident-started black',
  '120s down 10.0.0.1:biz-internet-10.0.0.2:biz-internet 10.0.0.2:biz-internet-10.0.0.1:biz-internet',
  '150s incident-ended black',
  '150s up 10.0.0.1:biz-internet-10.0.0.2:biz-internet 10.0.0.2:biz-internet-10.0.0.1:biz-internet',
  '180s scaled api to 3 (+1 -0)',
  '180s endpoints api 3',
  '240s service api {"isthmus.io/max-latency":"40ms"}',
  '300s incident-started flap',
  '300s down 10.0.0.1:public-internet-10.0.0.2:public-internet 10.0.0.1:public-internet-10.0.0.2:biz-internet 10.0.0.2:public-internet-10.0.0.1:public-internet 10.0.0.2:biz-internet-10.0.0.1:public-internet',
  '305s up 10.0.0.1:public-internet-10.0.0.2:public-internet 10.0.0.1:public-internet-10.0.0.2:biz-internet 10.0.0.2:public-internet-10.0.0.1:public-internet 10.0.0.2:biz-internet-10.0.0.1:public-internet',
  '320s down 10.0.0.1:public-internet-10.0.0.2:public-internet 10.0.0.1:public-internet-10.0.0.2:biz-internet 10.0.0.2:public-internet-10.0.0.1:public-internet 10.0.0.2:biz-internet-10.0.0.1:public-internet',
  '325s up 10.0.0.1:public-internet-10.0.0.2:public-internet 10.0.0.1:public-internet-10.0.0.2:biz-internet 10.0.0.2:public-internet-10.0.0.1:public-internet 10.0.0.2:biz-internet-10.0.0.1:public-internet',
  '340s incident-ended flap',
];

describe('World events', () => {
  it('lists every change in an interval, in order', () => {
    const world = createWorld(scenarioFixture(SCRIPTED));
    const t0 = world.startMs;
    expect(world.eventsBetween(t0, t0 + 10 * MINUTE).map((event) => describeEvent(event, t0))).toEqual(EXPECTED);
    // Any split of the interval gives the same events.
    const split = [0, 60, 61, 150, 301, 322, 600].map((s) => t0 + s * 1000);
    const pieces = split.slice(0, -1).flatMap((from, i) => world.eventsBetween(from, split[i + 1] ?? from));
    expect(pieces.map((event) => describeEvent(event, t0))).toEqual(EXPECTED);
    expect(world.nextEventAfter(t0)).toBe(t0 + MINUTE);
    expect(world.nextEventAfter(t0 + 305_000)).toBe(t0 + 320_000);
    expect(world.nextEventAfter(t0 + 340_000)).toBe(Number.POSITIVE_INFINITY);
  });

  it('delivers them to subscribers as a manual clock advances, and stops on unsubscribe', async () => {
    const world = createWorld(scenarioFixture(SCRIPTED));
    const t0 = world.startMs;
    const seen: string[] = [];
    const unsubscribe = world.subscribe((event) => {
      seen.push(describeEvent(event, t0));
      // Listeners see the world as it is at the event.
      expect(world.clock.now()).toBe(event.timeMs);
    });
    await world.clock.advance(150_000);
    expect(seen).toEqual(EXPECTED.slice(0, 6));
    await world.clock.advance(450_000);
    expect(seen).toEqual(EXPECTED);
    unsubscribe();
    expect(world.clock.pendingTimers).toBe(0);
  });

  it('runs on an accelerated clock', async () => {
    // Paused while subscribing, so that no simulated time passes before the subscription; then one
    // simulated minute per 5 real milliseconds.
    const clock = SimClock.accelerated(Date.UTC(2025, 0, 1), 0);
    const world = createWorld(scenarioFixture(SCRIPTED), { clock, startMs: clock.now() });
    const events: WorldEvent[] = [];
    const done = new Promise<void>((resolve) => {
      world.subscribe((event) => {
        events.push(event);
        if (event.type === 'incident-ended' && event.incident.name === 'flap') resolve();
      });
    });
    clock.setSpeed(12_000);
    await done;
    clock.stop();
    world.close();
    expect(events.map((event) => describeEvent(event, world.startMs))).toEqual(EXPECTED);
  });

  it('agrees with the state queries', () => {
    const world = createWorld(scenarioFixture(SCRIPTED));
    const t0 = world.startMs;
    for (const event of world.eventsBetween(t0, t0 + 10 * MINUTE)) {
      if (event.type !== 'tunnel-state') continue;
      const states = world.tunnelStates(event.timeMs);
      for (const tunnel of event.tunnels) {
        expect(states[tunnel.index]).toBe(event.state);
        expect(world.tunnelSample(tunnel, event.timeMs).state).toBe(event.state);
        expect(world.tunnelSample(tunnel, event.timeMs - 1).state).not.toBe(event.state);
      }
    }
    expect(world.activeIncidents(t0 + 125_000).map((active) => active.incident.name)).toEqual(['black']);
  });

  it('moves time zero with startMs without changing the series', () => {
    const scenario = scenarioFixture(SCRIPTED);
    const a = createWorld(scenario);
    const b = createWorld(scenario, { startMs: a.startMs + 86_400_000 });
    const shifted = b.tunnelSamples(0, b.startMs, b.startMs + MINUTE).map((sample) => ({ ...sample, time: sample.time - 86_400_000 }));
    expect(shifted).toEqual(a.tunnelSamples(0, a.startMs, a.startMs + MINUTE));
  });
});
