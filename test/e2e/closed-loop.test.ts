/**
 * The closed loop, end to end in-process: the demo's composition (the three emulators on loopback, the
 * bridge with the optimizer and the real policy push) on the `brownout` scenario. When the
 * `isp-peak-hour` brownout degrades public-internet, analytics/ingest (SLO ≤ 150 ms, ≤ 2 % loss,
 * candidates public-internet then biz-internet) must move to biz-internet within K evaluations plus a push
 * interval, the vManage emulator must enforce the pushed policy so that the world's own flows for ingest
 * take biz-internet, and its SLI must be met again; the pinned Services (payments/ledger on mpls,
 * legacy/erp on biz-internet) never move. Loopback only, bounded in real time.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import type { SimFlow } from '../../simulator/world/sim-flow.ts';
import type { World } from '../../simulator/world/world.ts';
import { DEMO_OPTIMIZER, runDemo } from '../../src/cli/demo/run-demo.ts';
import type { RunningDemo } from '../../src/cli/demo/run-demo.ts';
import type { Color } from '../../src/domain/color.ts';
import type { PolicyPushReport } from '../../src/policy/policy-applier.ts';
import type { LogPort } from '../../src/vmanage/log-port.ts';

/** 40×: the brownout starts 7.5 s of real time in; the run stops once everything is shown, or at 16 min. */
const SPEED = 40;
const DURATION_MS = 16 * 60_000;
/** run-demo.ts: one evaluation a real second, pushes at least three real seconds apart (both in simulated time here). */
const EVALUATE_MS = 1_000 * SPEED;
const PUSH_INTERVAL_MS = 3_000 * SPEED;
/** The emulator's activation task (8 s) and a poll's worth of slack for a loaded machine. */
const ACTIVATION_MS = 8_000;
const SLACK_MS = 2 * EVALUATE_MS;
/** How long the world must have followed the new policy before the run stops. */
const STEERED_FOR_MS = 60_000;
const INGEST = 'analytics/ingest';
const PINNED: Readonly<Record<string, Color>> = { 'payments/ledger': 'mpls', 'legacy/erp': 'biz-internet' };

function flowsOf(world: World, key: string, fromMs: number, toMs: number): SimFlow[] {
  const out: SimFlow[] = [];
  for (const flow of world.flowsBetween(fromMs, toMs)) {
    // Only flows that crossed the WAN have a color.
    if (`${flow.service.namespace}/${flow.service.name}` === key && flow.color !== undefined) out.push(flow);
  }
  return out;
}

describe('the closed loop on the brownout scenario', () => {
  it('moves analytics/ingest off a browned-out color, pushes the policy, and the world follows it', async () => {
    const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/brownout.yaml', import.meta.url)));
    if (!loaded.ok) throw new Error('brownout does not load');
    const warnings: string[] = [];
    const logger: LogPort = {
      debug: () => undefined,
      info: () => undefined,
      warn: (fields, message) => warnings.push(`${message ?? ''} ${JSON.stringify(fields)}`),
    };
    const reports: PolicyPushReport[] = [];
    const stop = new AbortController();
    let running: RunningDemo | undefined;
    const realStart = Date.now();
    const demo = runDemo({
      scenario: loaded.scenario,
      speed: SPEED,
      durationMs: DURATION_MS,
      refreshMs: 60_000,
      appRouteIntervalMs: 60_000,
      maxTunnelRows: 0,
      port: 0,
      redraw: false,
      write: () => undefined,
      logger,
      signal: stop.signal,
      onStarted: (started) => (running = started),
      onPushReport: (report) => reports.push(report),
    });

    // What the loop shows, in simulated time.
    let firstFailingAt: number | undefined;
    let movedAt: number | undefined;
    let steeredAt: number | undefined;
    let recovered: { at: number; color: Color | undefined; verdict: string } | undefined;
    const pinViolations: string[] = [];
    let samples = 0;
    try {
      while (!stop.signal.aborted && Date.now() - realStart < 40_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (running === undefined) continue;
        const { bridge, simulation } = running;
        const now = simulation.clock.now();
        samples++;
        for (const [key, pin] of Object.entries(PINNED)) {
          const assignment = bridge.service(key)?.assignment;
          if (assignment !== undefined && (assignment.color !== pin || assignment.mode !== 'pinned')) pinViolations.push(`${key} on ${assignment.color} (${assignment.mode}) at ${new Date(now).toISOString()}`);
        }
        const ingest = bridge.service(INGEST);
        const decision = ingest?.decision;
        // The first evaluation that counted a failure of ingest's color: the clock of K starts there.
        // The first evaluation that judged public-internet failing: a decision to stay while failures are
        // counted (K > 1), or the move itself when one failure is enough (K = 1, the default).
        const judgedFailing = (decision?.to === 'public-internet' && (decision.inputs?.failures ?? 0) > 0) || (decision?.from === 'public-internet' && decision.to === 'biz-internet');
        if (firstFailingAt === undefined && judgedFailing) firstFailingAt = decision.time;
        // The move itself, from the bridge's events (a decision record lasts one evaluation only).
        movedAt ??= bridge.recentEvents().find((event) => event.type === 'assignment' && event.service === INGEST && event.from === 'public-internet' && event.to === 'biz-internet')?.time;
        if (movedAt === undefined) continue;
        if (recovered === undefined && ingest?.path?.compliant === 1) recovered = { at: now, color: ingest.path.color, verdict: ingest.path.verdict };
        if (steeredAt === undefined) {
          steeredAt = flowsOf(simulation.world, INGEST, movedAt, now).find((flow) => flow.color === 'biz-internet')?.timeMs;
        } else if (recovered !== undefined && now - steeredAt >= STEERED_FOR_MS) {
          stop.abort();
        }
      }
      if (running === undefined) throw new Error('the demo never started');
      const { simulation } = running;
      const now = simulation.clock.now();

      // (a) The pushes went through, and what vManage enforces is Isthmus's own policy.
      expect(reports.some((report) => report.outcome === 'applied')).toBe(true);
      expect(reports.filter((report) => report.outcome === 'failed' || report.outcome === 'rolled-back').map((report) => report.error?.message)).toEqual([]);
      const active = simulation.vmanage.emulator.policy.effectiveAt();
      expect(active?.policyName).toMatch(/^isthmus-demo_/);
      const owned = [...(active?.objects.values() ?? [])].filter((object) => String(object.body.name).startsWith('isthmus-demo_'));
      expect(owned.length).toBeGreaterThan(0);
      expect(owned.map((object) => object.collection)).toContain('approute');

      // (b) Moved within K evaluations of the first failing one, and enforced within a push interval after.
      expect(firstFailingAt, 'the optimizer never saw public-internet fail').toBeDefined();
      expect(movedAt, 'analytics/ingest never moved to biz-internet').toBeDefined();
      expect(steeredAt, 'the world never steered analytics/ingest onto biz-internet').toBeDefined();
      const failing = firstFailingAt ?? 0;
      const moved = movedAt ?? 0;
      const steered = steeredAt ?? 0;
      const brownout = loaded.scenario.incidents.find((incident) => incident.name === 'isp-peak-hour');
      expect(brownout).toBeDefined();
      expect(moved).toBeGreaterThanOrEqual(failing);
      expect(moved - failing).toBeLessThanOrEqual(DEMO_OPTIMIZER.failuresBeforeMove * EVALUATE_MS);
      // The fabric has obeyed from the last of ingest's flows on the old color on (the simulator's ground
      // truth: the emulator's activation task, and its rollout, take their time after the push).
      const sinceMove = flowsOf(simulation.world, INGEST, moved, now);
      const switched = Math.max(steered, ...sinceMove.filter((flow) => flow.color !== 'biz-internet').map((flow) => flow.timeMs));
      expect(switched - moved).toBeLessThanOrEqual(PUSH_INTERVAL_MS + EVALUATE_MS + ACTIVATION_MS + SLACK_MS);

      // (c) Its SLI is met again on the new color, and from then on every one of its WAN flows in the
      // world took biz-internet, for at least a simulated minute.
      expect(recovered).toMatchObject({ color: 'biz-internet', verdict: 'meets' });
      const after = sinceMove.filter((flow) => flow.timeMs > switched);
      expect(after.length).toBeGreaterThan(100);
      expect(now - switched).toBeGreaterThanOrEqual(STEERED_FOR_MS / 2);
      expect(new Set(after.map((flow) => flow.color))).toEqual(new Set(['biz-internet']));
      // Before the move, with Isthmus's policy active, it was on public-internet.
      const before = flowsOf(simulation.world, INGEST, moved - 2 * EVALUATE_MS, moved);
      expect(before.length).toBeGreaterThan(0);
      expect(new Set(before.map((flow) => flow.color))).toEqual(new Set(['public-internet']));

      // (d) The pinned Services stayed on their pins at every sample, and the world kept erp's flows there.
      expect(samples).toBeGreaterThan(50);
      expect(pinViolations).toEqual([]);
      expect(running.bridge.service('payments/ledger')?.assignment).toMatchObject({ color: 'mpls', mode: 'pinned' });
      expect(running.bridge.service('legacy/erp')?.assignment).toMatchObject({ color: 'biz-internet', mode: 'pinned' });
      const erp = flowsOf(simulation.world, 'legacy/erp', moved - 2 * EVALUATE_MS, now);
      expect(erp.length).toBeGreaterThan(0);
      expect(new Set(erp.map((flow) => flow.color))).toEqual(new Set(['biz-internet']));
    } finally {
      stop.abort();
      await demo;
    }
    // A push cut short by the shutdown is no failure to report.
    expect(warnings).toEqual([]);
    expect(Date.now() - realStart).toBeLessThan(45_000);
  }, 60_000);
});
