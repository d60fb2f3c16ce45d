/**
 * `isthmus demo` (`npm start`): the simulator and Isthmus in one process, on loopback, with a live
 * summary. A thin wrapper around `runDemo`.
 */
import type { Command } from 'commander';
import { formatConfigDuration, parseConfigDuration } from '../../config/config-duration.ts';
import { resolveScenarioPath, shippedScenarioNames } from '../../../simulator/resolve-scenario-path.ts';
import { runDemo } from '../demo/run-demo.ts';
import type { CommandContext } from '../main.ts';
import { readScenario } from '../read-scenario.ts';
import { waitForSignal } from '../wait-for-signal.ts';

export interface DemoFlags {
  readonly scenario: string;
  readonly seed?: string;
  readonly speed: string;
  readonly duration?: string;
  readonly refresh: string;
  readonly appRoutePollInterval: string;
  readonly tunnels: string;
  readonly port: string;
  readonly redraw?: boolean;
}

const HELP = `
What it shows: a simulated SD-WAN fabric and Kubernetes cluster (scenario ${shippedScenarioNames().join(', ')}
or a file) served on 127.0.0.1 by three emulators — the Kubernetes API, Hubble Relay and SD-WAN Manager —
and the Isthmus bridge connected to them over the real protocols, as it would be to a real cluster and
fabric: informers through a kubeconfig, the Hubble gRPC flow stream, the vManage REST API.

The bridge correlates every flow with its Service, sites and tunnel color, reads tunnel health, keeps
each Service with an SLO on a color (pinned Services on their pin, the others on their most preferred
candidate; the optimizer that moves them is not in the demo yet), and judges each Service's path against
its SLO. The simulated fabric follows those assignments, so flows and tunnels agree.

It serves what it sees on --port (default: a free port; the URLs are printed first):
  /metrics (Prometheus), /healthz, /readyz, /api/v1/services, /api/v1/services/NS/NAME,
  /api/v1/tunnels, /api/v1/events
and every refresh prints the incidents under way, the worst tunnels, each Service's SLO, color, SLI
and flows per second, and the recent events (assignments, SLO violations and recoveries).

Simulated time runs --speed times as fast as real time (default 30: a simulated minute in two seconds),
so brownouts and blackouts scripted in the scenario come and go within a few minutes. The emulators and
the bridge share one process: past about 8,000 flows a real second (brownout at 30×) the emulated Relay's
ring buffers overflow, which the bridge reports as lost events (isthmus_hubble_lost_events_total). Stop it with Ctrl-C,
or give --duration (simulated time).

Examples:
  $ isthmus demo
  $ isthmus demo --scenario two-sites --speed 120 --port 9464
  $ isthmus demo --duration 30m --no-redraw > demo.log
  $ curl -s localhost:9464/api/v1/services | jq '.services[] | {name, color, compliance}'
`;

export function registerDemoCommand(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('the simulator and Isthmus in one process, on loopback, with a live summary')
    .option('--scenario <file>', 'scenario file, or the name of a shipped scenario', 'brownout')
    .option('--seed <seed>', "the world's seed for noise and traffic (default: the scenario's)")
    .option('--speed <factor>', 'simulated time per real time', '30')
    .option('--duration <duration>', 'stop after this much simulated time, e.g. 30m (default: until Ctrl-C)')
    .option('--refresh <duration>', 'real time between two summaries', '2s')
    .option('--app-route-poll-interval <duration>', "the routers' app-route poll interval (simulated)", '1m')
    .option('--tunnels <n>', 'how many tunnels to list, worst first', '12')
    .option('--port <port>', 'port of /metrics and /api/v1 on 127.0.0.1 (0: a free one)', '0')
    .option('--no-redraw', 'print one summary after another instead of redrawing the screen')
    .addHelpText('after', HELP)
    .action(async (flags: DemoFlags) => {
      context.exitCode = await runDemoCommand(flags, context);
    });
}

async function runDemoCommand(flags: DemoFlags, context: CommandContext): Promise<number> {
  const { io } = context;
  const usage = (message: string): number => {
    io.stderr(`isthmus demo: ${message}\n`);
    return 2;
  };
  const speed = Number(flags.speed);
  if (!(speed > 0) || !Number.isFinite(speed)) return usage(`--speed expects a positive number such as 60, not "${flags.speed}"`);
  const durationMs = flags.duration === undefined ? undefined : parseConfigDuration(flags.duration);
  if (flags.duration !== undefined && !(durationMs !== undefined && durationMs > 0)) return usage(`--duration expects a duration such as 30m, not "${flags.duration}"`);
  const refreshMs = parseConfigDuration(flags.refresh);
  if (refreshMs === undefined || refreshMs < 100) return usage(`--refresh expects a duration of at least 100ms such as 2s, not "${flags.refresh}"`);
  const appRouteIntervalMs = parseConfigDuration(flags.appRoutePollInterval);
  if (appRouteIntervalMs === undefined || appRouteIntervalMs < 1000) return usage(`--app-route-poll-interval expects a duration of at least 1s such as 1m, not "${flags.appRoutePollInterval}"`);
  const maxTunnelRows = Number(flags.tunnels);
  if (!Number.isInteger(maxTunnelRows) || maxTunnelRows < 0) return usage(`--tunnels expects a whole number, not "${flags.tunnels}"`);
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65_535) return usage(`--port expects a port number (0 for a free one), not "${flags.port}"`);

  const scenario = await readScenario(flags.scenario, resolveScenarioPath(flags.scenario), io, 'demo');
  if (scenario === undefined) return 2;
  const logger = context.logger();
  logger.info({ scenario: scenario.name, speed, duration: durationMs === undefined ? 'until interrupted' : formatConfigDuration(durationMs) }, 'demo starting');

  const stop = new AbortController();
  const signal = waitForSignal();
  void signal.promise.then(() => {
    stop.abort();
  });
  try {
    const result = await runDemo({
      scenario,
      speed,
      refreshMs,
      appRouteIntervalMs,
      maxTunnelRows,
      port,
      redraw: flags.redraw !== false && process.stdout.isTTY,
      write: io.stdout,
      logger,
      signal: stop.signal,
      ...(flags.seed === undefined ? {} : { seed: /^-?\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
    logger.info({ end: result.end, summaries: result.summaries, url: result.url }, 'demo stopped');
    return 0;
  } catch (error) {
    io.stderr(`isthmus demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    signal.dispose();
  }
}
