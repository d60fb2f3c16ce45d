import { afterEach, describe, expect, it } from 'vitest';
import type { Color } from '../../src/domain/color.ts';
import type { DesiredPolicyState } from '../../src/policy/policy-document.ts';
import { PolicyApplier } from '../../src/policy/policy-applier.ts';
import { VmanagePolicyClient } from '../../src/policy/vmanage-policy-client.ts';
import { silentLog } from '../../src/vmanage/log-port.ts';
import { VmanageSession } from '../../src/vmanage/vmanage-session.ts';
import type { SimulationContext } from '../started-emulator.ts';
import { scenarioFixture, TWO_SITE_FIXTURE } from '../world/scenario-fixture.ts';
import { SimClock } from '../world/sim-clock.ts';
import { createWorld } from '../world/world.ts';
import type { World } from '../world/world.ts';
import { policyColorSelector } from './policy-color-selector.ts';
import { startWorldVmanage } from './start-world-vmanage.ts';
import type { WorldVmanage } from './start-world-vmanage.ts';

const START = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;
/** The fixture, plus the business-internet circuits dying for five minutes. */
const SCENARIO = `${TWO_SITE_FIXTURE}incidents:\n  - { name: cut, kind: blackout, target: { color: biz-internet }, at: 10m, duration: 5m }\n`;

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Loop {
  readonly world: World;
  readonly clock: SimClock;
  readonly vmanage: WorldVmanage;
  readonly applier: PolicyApplier;
}

async function closedLoop(applyPolicy = true): Promise<Loop> {
  const clock = SimClock.manual(START);
  const world = createWorld(scenarioFixture(SCENARIO), { clock, startMs: START });
  const context: SimulationContext = { world, clock, realClock: { now: () => Date.now() }, host: '127.0.0.1', logger: silentLog };
  const vmanage = await startWorldVmanage(context, { applyPolicy, emulator: { activationDelayMs: 5000 } });
  const sleep = (ms: number) => clock.advance(ms);
  const session = new VmanageSession({ baseUrl: vmanage.url, ...vmanage.credentials, clock, sleep, timeoutMs: 5000, requestsPerSecond: 1000 });
  cleanups.push(async () => {
    await session.close();
    await vmanage.close();
    world.close();
  });
  const applier = new PolicyApplier({ client: new VmanagePolicyClient(session), clock, sleep, isLeader: () => true, taskPollIntervalMs: 1000 });
  return { world, clock, vmanage, applier };
}

/** Isthmus' view of shop/api: its endpoints now, its ports, on `color` with `backup`. */
function desired(world: World, color: Color, backup: Color): DesiredPolicyState {
  const service = world.cluster.services.find((candidate) => candidate.name === 'api');
  if (service === undefined) throw new Error('fixture without shop/api');
  return {
    clusterName: 'sim',
    scope: { siteIds: world.fabric.sites.map((site) => site.id), vpnIds: [1] },
    services: [
      {
        key: 'shop/api',
        endpoints: world.cluster.endpointsAt(service.index, world.clock.now()),
        ports: service.ports.map((port) => ({ port: typeof port.targetPort === 'number' ? port.targetPort : port.port, protocol: port.protocol })),
        slo: { maxLatencySeconds: 0.1 },
        color,
        mode: 'auto',
        backupColor: backup,
      },
    ],
  };
}

/** Colors of shop/api's connections that crossed the WAN in the next `ms` of simulated time. */
function colorsAhead(loop: Loop, ms: number): Map<string, number> {
  const now = loop.clock.now();
  const counts = new Map<string, number>();
  for (const flow of loop.world.flowsBetween(now, now + ms)) {
    if (flow.service.name !== 'api' || flow.color === undefined || flow.type !== 'L3_L4') continue;
    counts.set(flow.color, (counts.get(flow.color) ?? 0) + 1);
  }
  return counts;
}

describe('the emulator applying the active policy to the world', () => {
  it('moves a Service’s traffic to the color Isthmus pushed, and follows its changes', async () => {
    const loop = await closedLoop();
    await loop.clock.advance(MINUTE);
    expect([...colorsAhead(loop, 30_000).keys()].sort()).toEqual(['biz-internet', 'public-internet']);

    const first = await loop.applier.push(desired(loop.world, 'public-internet', 'biz-internet'));
    expect(first.outcome).toBe('applied');
    expect([...colorsAhead(loop, 30_000).keys()]).toEqual(['public-internet']);

    await loop.clock.advance(MINUTE);
    const second = await loop.applier.push(desired(loop.world, 'biz-internet', 'public-internet'));
    expect(second.outcome).toBe('applied');
    expect(second.activation?.isEdited).toBe(true);
    expect([...colorsAhead(loop, 30_000).keys()]).toEqual(['biz-internet']);
  });

  it('falls back to the backup color while the preferred one is down between the sites', async () => {
    const loop = await closedLoop();
    await loop.clock.advance(MINUTE);
    expect((await loop.applier.push(desired(loop.world, 'biz-internet', 'public-internet'))).outcome).toBe('applied');
    const selector = policyColorSelector(loop.world, (timeMs) => loop.vmanage.emulator.policy.effectiveAt(timeMs));
    const service = loop.world.cluster.services.find((candidate) => candidate.name === 'api');
    const [from, to] = loop.world.fabric.sites;
    if (service === undefined || from === undefined || to === undefined) throw new Error('fixture changed');
    expect(selector(service, from, to, START + 5 * MINUTE)).toBe('biz-internet');
    await loop.clock.advanceTo(START + 11 * MINUTE);
    expect(selector(service, from, to, START + 11 * MINUTE)).toBe('public-internet');
    expect([...colorsAhead(loop, 30_000).keys()]).toEqual(['public-internet']);
    // Before the activation took effect, the policy did not steer (the timeline is kept).
    expect(selector(service, from, to, START)).toBeUndefined();
  });

  it('leaves the world’s selector alone when not asked to apply policy, or until a policy takes effect', async () => {
    const off = await closedLoop(false);
    off.world.setColorSelector(() => 'public-internet');
    await off.clock.advance(MINUTE);
    expect((await off.applier.push(desired(off.world, 'biz-internet', 'biz-internet'))).outcome).toBe('applied');
    expect([...colorsAhead(off, 30_000).keys()]).toEqual(['public-internet']);

    const on = await closedLoop(true);
    on.world.setColorSelector(() => 'public-internet');
    await on.clock.advance(MINUTE);
    expect([...colorsAhead(on, 30_000).keys()]).toEqual(['public-internet']);
    expect((await on.applier.push(desired(on.world, 'biz-internet', 'biz-internet'))).outcome).toBe('applied');
    expect([...colorsAhead(on, 30_000).keys()]).toEqual(['biz-internet']);
  });
});
