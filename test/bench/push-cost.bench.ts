/**
 * vManage API calls per optimizer round: Isthmus' push path (controller/policy-push.ts → PolicyApplier:
 * render, read back, diff, apply, one activation) against the per-Service baseline of the l7mp
 * sdwan-operator (deactivate, edit, activate for every changed Service; see push/per-service-push.ts),
 * for 1, 10, 100 and 1,000 Services changing color in one round. Both run the real session and policy
 * client against the vManage emulator on loopback, on a fake clock (activations take 8 s of it), and
 * are counted the same way: the policy and task calls the emulator answered.
 *
 *   node test/bench/run.ts push-cost [--quick]
 */
import { policyPush } from '../../src/controller/policy-push.ts';
import type { Color } from '../../src/domain/color.ts';
import type { PolicyPushReport } from '../../src/policy/policy-applier.ts';
import type { DesiredPolicyState, DesiredServicePolicy } from '../../src/policy/policy-document.ts';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import { addCounts, CallLog, countCalls, describeCalls, NO_CALLS } from './push/call-log.ts';
import type { CallCount } from './push/call-log.ts';
import { perServicePush } from './push/per-service-push.ts';
import { pushHarness } from './push/push-harness.ts';

const COLORS: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];
const CLUSTER = 'prod';
/** PolicyApplier's default minimum interval between pushes, plus a second: each round is a real push. */
const ROUND_INTERVAL_MS = 61_000;
const TASK_POLL_INTERVAL_MS = 2000;
/** How long the emulated vSmarts take to take a policy, in simulated time (as in the policy tests). */
const ACTIVATION_DELAY_MS = 8000;

/**
 * The baseline is measured up to `baseline` changed Services and extrapolated to the largest round: its
 * cost is exactly linear (a fixed start plus the same calls for every Service), and running a thousand
 * deactivate–edit–activate cycles of a thousand-Service policy would take the emulator many minutes.
 */
const SIZES = {
  quick: { services: 100, changed: [1, 10, 100], baseline: [1, 10] },
  full: { services: 1000, changed: [1, 10, 100, 1000], baseline: [1, 10, 100] },
} as const;

function service(index: number, color: Color): DesiredServicePolicy {
  return {
    key: `team-${index % 10}/svc-${String(index).padStart(4, '0')}`,
    endpoints: [
      { ip: `10.${100 + (index >>> 8)}.${index & 255}.10`, ready: true },
      { ip: `10.${100 + (index >>> 8)}.${index & 255}.11`, ready: true },
    ],
    ports: [{ port: 8080, protocol: 'TCP' }],
    slo: { maxLatencySeconds: 0.1, maxLossRatio: 0.01 },
    color,
    mode: 'auto',
  };
}

function desired(services: readonly DesiredServicePolicy[]): DesiredPolicyState {
  return { clusterName: CLUSTER, scope: { siteIds: [200, 100, 101, 102], vpnIds: [1] }, services };
}

/** The first `count` Services moved to the next color. */
function recolor(services: readonly DesiredServicePolicy[], count: number): DesiredServicePolicy[] {
  return services.map((entry, index) => (index < count ? { ...entry, color: COLORS[(COLORS.indexOf(entry.color) + 1) % COLORS.length] ?? 'mpls' } : entry));
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const size = options.quick ? SIZES.quick : SIZES.full;
  const harness = await pushHarness({ activationDelayMs: ACTIVATION_DELAY_MS, taskPollIntervalMs: TASK_POLL_INTERVAL_MS });
  try {
    const log = new CallLog(harness.emulator);
    const reports: PolicyPushReport[] = [];
    const push = policyPush({ applier: harness.applier, dryRun: false, onReport: (report) => reports.push(report) });
    const term = new AbortController();
    const round = async (state: DesiredPolicyState): Promise<{ readonly calls: CallCount; readonly report: PolicyPushReport }> => {
      harness.clock.advance(ROUND_INTERVAL_MS);
      log.take();
      await push([], term.signal, state);
      const report = reports.at(-1);
      if (report === undefined || (report.outcome !== 'applied' && report.outcome !== 'unchanged')) throw new Error(`push ${report?.outcome ?? 'missing'}: ${report?.error?.message ?? ''}`);
      return { calls: countCalls(log.take()), report };
    };

    let services = Array.from({ length: size.services }, (_, index) => service(index, COLORS[index % COLORS.length] ?? 'mpls'));
    const results: BenchResult[] = [];
    const bootstrap = await round(desired(services));
    results.push({
      name: `Isthmus bootstrap (${size.services.toLocaleString('en-US')} Services)`,
      value: bootstrap.calls.total,
      unit: 'calls',
      detail: `${bootstrap.calls.activations} activation; ${describeCalls(bootstrap.calls)}`,
    });

    for (const changed of size.changed) {
      services = recolor(services, changed);
      const { calls, report } = await round(desired(services));
      const label = `${changed.toLocaleString('en-US')} changed`;
      results.push(
        {
          name: `Isthmus, ${label}: API calls`,
          value: calls.total,
          unit: 'calls',
          detail: `${calls.writes} writes, ${calls.taskPolls} task polls; ${describeCalls(calls)}; ${report.diff?.changes.length ?? 0} objects changed`,
        },
        { name: `Isthmus, ${label}: activations`, value: calls.activations, unit: 'per round', detail: `${calls.deactivations} deactivations`, target: { atMost: 1 } },
      );
    }

    const measuredBaseline: { readonly changed: number; readonly calls: CallCount }[] = [];
    for (const changed of size.baseline) {
      services = recolor(services, changed);
      harness.clock.advance(ROUND_INTERVAL_MS);
      log.take();
      let calls = NO_CALLS;
      const { inactiveMs } = await perServicePush(services.slice(0, changed), {
        client: harness.client,
        clock: harness.clock,
        taskPollIntervalMs: TASK_POLL_INTERVAL_MS,
        clusterName: CLUSTER,
        afterService: () => {
          calls = addCounts(calls, countCalls(log.take()));
        },
      });
      measuredBaseline.push({ changed, calls });
      const label = `${changed.toLocaleString('en-US')} changed`;
      results.push(
        {
          name: `per-Service baseline, ${label}: API calls`,
          value: calls.total,
          unit: 'calls',
          detail: `${calls.writes} writes, ${calls.taskPolls} task polls; ${describeCalls(calls)}`,
        },
        {
          name: `per-Service baseline, ${label}: activations`,
          value: calls.activations,
          unit: 'per round',
          detail: `${calls.deactivations} deactivations; centralized policy off for ${(inactiveMs / 1000).toLocaleString('en-US')} s of the round`,
        },
      );
    }
    results.push(...extrapolateBaseline(measuredBaseline, size.changed.at(-1) ?? 0));
    term.abort();
    return results;
  } finally {
    await harness.close();
  }
}

/** The baseline's rows for `changed` Services, from the straight line through its two largest measured rounds. */
function extrapolateBaseline(measured: readonly { readonly changed: number; readonly calls: CallCount }[], changed: number): BenchResult[] {
  const [small, large] = measured.slice(-2);
  if (small === undefined || large === undefined || changed <= large.changed) return [];
  const span = large.changed - small.changed;
  const line = (pick: (calls: CallCount) => number): number => {
    const perService = (pick(large.calls) - pick(small.calls)) / span;
    return pick(large.calls) + perService * (changed - large.changed);
  };
  const perService = (line((calls) => calls.total) - large.calls.total) / (changed - large.changed);
  const label = `${changed.toLocaleString('en-US')} changed`;
  const basis = `extrapolated from ${small.changed.toLocaleString('en-US')} and ${large.changed.toLocaleString('en-US')} changed`;
  return [
    { name: `per-Service baseline, ${label}: API calls`, value: line((calls) => calls.total), unit: 'calls', detail: `${basis}: ${perService} calls per changed Service` },
    { name: `per-Service baseline, ${label}: activations`, value: line((calls) => calls.activations), unit: 'per round', detail: `${basis}; ${line((calls) => calls.deactivations).toLocaleString('en-US')} deactivations` },
  ];
}
