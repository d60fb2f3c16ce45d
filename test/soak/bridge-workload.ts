import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulation } from '../../simulator/start-simulation.ts';
import { loadScenario } from '../../simulator/world/load-scenario.ts';
import { runBridge } from '../../src/cli/commands/run.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { LogPort } from '../../src/vmanage/log-port.ts';
import { clusterChurn } from './cluster-churn.ts';
import type { ChurnCounts } from './cluster-churn.ts';
import type { SoakWorkload } from './soak-run.ts';
import { freePort } from '../support/free-port.ts';
import { simulationBridgeEnv, writeSimulationBridgeConfig } from '../support/simulation-bridge-config.ts';

export interface BridgeWorkloadOptions {
  /** Simulated milliseconds per real one. */
  readonly speed: number;
  /** Real time between two churn steps. */
  readonly churnIntervalMs: number;
  /** Real time between two scrapes of /metrics and /api/v1/services (what Prometheus and a dashboard do). */
  readonly scrapeIntervalMs: number;
}

/** What the workload counted, for the report. */
export interface BridgeWorkloadCounts {
  readonly churn: Readonly<ChurnCounts>;
  readonly scrapes: number;
  /** `isthmus_policy_pushes_total` by result, as last scraped. */
  readonly pushes: Readonly<Record<string, number>>;
  readonly scrapeFailures: number;
  readonly warnings: number;
  readonly lastWarnings: readonly string[];
  readonly simulatedMinutes: number;
}

/** Services of the brownout scenario the churn scales and edits (all with an SLO), and the one it pins and unpins. */
const STEERED = ['shop/cart', 'payments/fraud-check', 'analytics/reports', 'shop/search'];
const PINNED = 'video/stream';
/** Changes the emulated API server keeps for resuming watches: a couple of minutes' worth here. */
const KUBE_HISTORY = 200;


/**
 * The brownout scenario fast-forwarded, served by the three emulators, and `isthmus run`'s bridge
 * in-process against them (leader election, optimizer and policy push included), with the cluster
 * churning and the bridge's endpoints scraped throughout.
 */
export function bridgeWorkload(options: BridgeWorkloadOptions): SoakWorkload<BridgeWorkloadCounts> {
  return {
    name: `brownout at ${options.speed}× with the bridge in-process, churn every ${options.churnIntervalMs / 1000} s`,
    start: async () => {
      const loaded = await loadScenario(fileURLToPath(new URL('../../simulator/scenarios/brownout.yaml', import.meta.url)));
      if (!loaded.ok) throw new Error('the brownout scenario does not load');
      const simulation = await startSimulation({
        scenario: loaded.scenario,
        speed: options.speed,
        vmanage: { pollIntervalMs: 60_000 },
        // The API server's watch history, compacted as etcd does every few minutes (watches resuming from
        // older revisions get 410 Gone and relist, as against a real cluster).
        kube: { emulator: { historySize: KUBE_HISTORY } },
      });
      const directory = await mkdtemp(join(tmpdir(), 'isthmus-soak-'));
      const stop = new AbortController();
      const warnings = { count: 0, last: [] as string[] };
      const logger: LogPort = {
        debug: () => undefined,
        info: () => undefined,
        warn: (fields, message) => {
          warnings.count++;
          warnings.last.push(`${message ?? ''} ${JSON.stringify(fields)}`.slice(0, 300));
          if (warnings.last.length > 5) warnings.last.shift();
        },
      };
      let running: Promise<void> | undefined;
      const timers: NodeJS.Timeout[] = [];
      const scrapes = { ok: 0, failed: 0, pushes: {} as Record<string, number> };
      try {
        const file = await writeSimulationBridgeConfig(directory, simulation, {
          cluster: { name: 'soak' },
          kubernetes: { leaderElection: { leaseNamespace: 'kube-system' } },
          vmanage: { policy: { minPushInterval: '10s' } },
          optimizer: { evaluationWindow: '5m', holdTime: '2m' },
          telemetry: { listen: `127.0.0.1:${await freePort()}` },
        });
        const env = { ...simulationBridgeEnv(simulation), POD_NAME: 'soak' };
        const config = await loadConfig({ configPath: file, env, readFile: (path) => readFile(path, 'utf8') });
        if (!config.ok) throw new Error(JSON.stringify(config.problems));
        let url: string | undefined;
        running = runBridge(config.config, { env, logger, signal: stop.signal, onServing: (served) => (url = served) });
        // A failure to start surfaces here rather than at stop.
        running.catch(() => undefined);

        const churn = clusterChurn(simulation.kube.emulator.store, { steered: STEERED, pinned: PINNED, pinColor: 'biz-internet' });
        timers.push(setInterval(() => {
          churn.step();
        }, options.churnIntervalMs));
        timers.push(setInterval(() => {
          if (url === undefined) return;
          const base = url;
          void Promise.all([fetch(`${base}/metrics`).then((response) => response.text()), fetch(`${base}/api/v1/services`).then((response) => response.json())]).then(
            ([metrics]) => {
              scrapes.ok++;
              scrapes.pushes = pushesIn(metrics);
            },
            () => scrapes.failed++,
          );
        }, options.scrapeIntervalMs));
        const startedAt = simulation.clock.now();
        return {
          counts: () => ({
            churn: { ...churn.counts },
            scrapes: scrapes.ok,
            pushes: { ...scrapes.pushes },
            scrapeFailures: scrapes.failed,
            warnings: warnings.count,
            lastWarnings: [...warnings.last],
            simulatedMinutes: (simulation.clock.now() - startedAt) / 60_000,
          }),
          stop: async () => {
            for (const timer of timers) clearInterval(timer);
            stop.abort();
            await running;
            await simulation.close();
            await rm(directory, { recursive: true, force: true });
          },
        };
      } catch (error) {
        for (const timer of timers) clearInterval(timer);
        stop.abort();
        await running?.catch(() => undefined);
        await simulation.close();
        await rm(directory, { recursive: true, force: true });
        throw error;
      }
    },
  };
}

/** `isthmus_policy_pushes_total{result="…"} N` lines of a Prometheus text exposition. */
function pushesIn(metrics: string): Record<string, number> {
  const pushes: Record<string, number> = {};
  for (const match of metrics.matchAll(/^isthmus_policy_pushes_total\{result="([^"]+)"\} (\d+)/gm)) {
    if (match[1] !== undefined) pushes[match[1]] = Number(match[2]);
  }
  return pushes;
}
