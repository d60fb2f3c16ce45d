/**
 * Decision quality: how much of the time Services with an SLO are on a color that meets it, with
 * Isthmus deciding, against a static placement (every Service on its first choice) and an oracle that
 * knows every tunnel's future and moves instantly — on brownout scenarios in fast-forwarded simulated
 * time. Method and reading of the figures: BENCHMARKS.md, "Decision quality".
 *
 *   node test/bench/run.ts decision [--quick]
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { createWorld } from '../../simulator/world/world.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { DEFAULT_EVALUATE_INTERVAL_MS } from '../../src/controller/bridge.ts';
import { optimizerParams } from '../../src/optimizer/optimizer-params.ts';
import type { BenchOptions, BenchResult } from './bench-result.ts';
import type { BridgeModel } from './decision-quality/isthmus-run.ts';
import { LATE_ORACLE_LAGS, measureScenario } from './decision-quality/measure-scenario.ts';
import type { ScenarioQuality } from './decision-quality/measure-scenario.ts';

const MINUTE = 60_000;
/** The product's targets: Isthmus within 1 % of the oracle, and at most one remap per Service per incident. */
const RATIO_TARGET = 0.99;
const REMAP_TARGET = 1;
/**
 * The SLI's time slice: one minute, judged on that minute's app-route row as vManage would report it
 * (the statistic `isthmus_slo_compliant` is computed from) — the finest the fabric measures here.
 */
const SLICE_MS = MINUTE;
/** A move made on an incident's evidence lands up to a detection delay after it ends. */
const ATTRIBUTION_MS = 5 * MINUTE;

interface BenchScenario {
  readonly label: string;
  readonly file: URL;
  /** The routers' app-route poll interval: how often vManage gets a new statistics row per tunnel. */
  readonly appRouteIntervalMs: number;
  /** Whether the product's targets apply (they assume statistics fine enough to steer on). */
  readonly targets: boolean;
}

const SCENARIOS: readonly BenchScenario[] = [
  { label: 'brownout', file: new URL('../../simulator/scenarios/brownout.yaml', import.meta.url), appRouteIntervalMs: MINUTE, targets: true },
  { label: 'brownout-storm', file: new URL('./decision-quality/brownout-storm.yaml', import.meta.url), appRouteIntervalMs: MINUTE, targets: true },
  // Cisco's recommended floor (2 min) and vManage's default (10 min: rows longer than the incidents they should reveal).
  { label: 'brownout, 2 min app-route interval', file: new URL('../../simulator/scenarios/brownout.yaml', import.meta.url), appRouteIntervalMs: 2 * MINUTE, targets: false },
  { label: 'brownout, 10 min app-route interval', file: new URL('../../simulator/scenarios/brownout.yaml', import.meta.url), appRouteIntervalMs: 10 * MINUTE, targets: false },
];

/**
 * The bridge as deployed with the configuration's defaults (optimizer section, `vmanage.pollInterval`,
 * `vmanage.policy.minPushInterval`); a poll takes 2 s and starts half a poll interval after the routers'
 * statistics interval ends, and a pushed policy is enforced 30 s later (activation task and OMP; the
 * emulator's 8 s is a lab's figure).
 */
function defaultBridge(appRouteIntervalMs: number, defaultColor: BridgeModel['defaultColor']): BridgeModel {
  const optimizer = configSchema.shape.optimizer.parse(undefined);
  const vmanage = configSchema.shape.vmanage.parse({ enabled: false });
  return {
    params: optimizerParams(optimizer),
    pollIntervalMs: vmanage.pollInterval,
    pollDurationMs: 2_000,
    evaluateIntervalMs: DEFAULT_EVALUATE_INTERVAL_MS,
    minPushIntervalMs: vmanage.policy.minPushInterval,
    activationMs: 30_000,
    appRouteIntervalMs,
    defaultColor,
    warmUpMs: 10 * MINUTE,
    pollPhaseMs: vmanage.pollInterval / 2,
  };
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const durationMs = (options.quick ? 1 : 2) * 60 * MINUTE;
  const results: BenchResult[] = [];
  for (const scenario of options.quick ? SCENARIOS.filter((entry) => entry.targets) : SCENARIOS) {
    const loaded = await loadScenario(fileURLToPath(scenario.file));
    if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join('\n'));
    const world = createWorld(loaded.scenario);
    try {
      // The demo's choice of fabric default: the first site's first color (mpls in these scenarios).
      const model = defaultBridge(scenario.appRouteIntervalMs, loaded.scenario.sites[0]?.tlocs[0]?.color);
      const quality = await measureScenario(world, { fromMs: world.startMs, durationMs, sliceMs: SLICE_MS, attributionMs: ATTRIBUTION_MS, model });
      results.push(...qualityResults(scenario, quality, durationMs));
    } finally {
      world.close();
    }
  }
  return results;
}

function qualityResults(scenario: BenchScenario, quality: ScenarioQuality, durationMs: number): BenchResult[] {
  const size = `${String(quality.services)} Services × ${String(durationMs / 60 / MINUTE)} h in ${String(SLICE_MS / 1000)} s slices, ${String(quality.incidents)} incidents`;
  const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
  const ratio = quality.oracle === 0 ? 0 : quality.isthmus / quality.oracle;
  const remaps = quality.isthmusRemaps;
  return [
    {
      name: `${scenario.label}: Isthmus / oracle compliance`,
      value: ratio,
      unit: 'ratio',
      detail: `Isthmus ${percent(quality.isthmus)}, oracle ${percent(quality.oracle)}, static ${percent(quality.static)} of Service-time; ${size}`,
      ...(scenario.targets ? { target: { atLeast: RATIO_TARGET } } : {}),
    },
    { name: `${scenario.label}: static / oracle compliance`, value: quality.oracle === 0 ? 0 : quality.static / quality.oracle, unit: 'ratio', detail: 'every Service on its first choice' },
    {
      name: `${scenario.label}: oracle 1 min late / oracle compliance`,
      value: quality.oracle === 0 ? 0 : (quality.lateOracle[0] ?? 0) / quality.oracle,
      unit: 'ratio',
      detail: `the reacting floor: perfect decisions on each minute once it has ended, enforced at once; ${LATE_ORACLE_LAGS.map((lag, index) => `${String(lag)} min late ${percent(quality.lateOracle[index] ?? 0)}`).join(', ')}`,
    },
    {
      name: `${scenario.label}: remaps per Service per incident`,
      value: remaps.mean,
      unit: 'remaps',
      detail: `over ${String(remaps.affected)} affected (Service, incident) pairs; worst ${String(remaps.worst)}; oracle ${quality.oracleRemaps.mean.toFixed(2)} (worst ${String(quality.oracleRemaps.worst)}); ${String(remaps.outside)} returns outside incidents; ${String(quality.pushes)} pushes`,
      ...(scenario.targets ? { target: { atMost: REMAP_TARGET } } : {}),
    },
  ];
}
