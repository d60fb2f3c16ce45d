/**
 * `isthmus simulate --scenario FILE`: only the emulators, for pointing a bridge or a client at them. A thin
 * wrapper around `startSimulation`: it reads the flags and the scenario, prints where the emulators
 * listen and how to log in, optionally writes the same as JSON, and runs until a signal or `--duration`.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatConfigDuration, parseConfigDuration } from '../../config/config-duration.ts';
import { resolveScenarioPath, shippedScenarioNames } from '../../../simulator/resolve-scenario-path.ts';
import { startSimulation } from '../../../simulator/start-simulation.ts';
import type { Simulation, SimulationOptions } from '../../../simulator/start-simulation.ts';
import type { Scenario } from '../../../simulator/world/scenario.ts';
import type { CliIo } from '../cli-io.ts';
import { readScenario } from '../read-scenario.ts';
import { waitForSignal } from '../wait-for-signal.ts';
import type { CommandContext } from '../main.ts';

export interface SimulateFlags {
  readonly scenario: string;
  readonly seed?: string;
  readonly speed: string;
  readonly start: string;
  readonly duration?: string;
  readonly infoFile?: string;
  readonly appRoutePollInterval: string;
  readonly vmanagePort: string;
  readonly vmanageUsername: string;
  readonly vmanagePasswordFile?: string;
  readonly vmanageSessionIdle: string;
  readonly vmanageRateLimit: string;
  readonly vmanageBulkRateLimit: string;
  readonly kubePort?: string;
  readonly kubeconfigOut?: string;
  readonly hubblePort?: string;
}

/** The flags checked and converted: everything but the scenario and the password file's content. */
export interface SimulateSettings {
  readonly scenarioPath: string;
  readonly seed: number | string | undefined;
  readonly speed: number;
  /** `--start now` is the current second. */
  readonly startMs: number;
  readonly durationMs: number | undefined;
  readonly infoFile: string | undefined;
  readonly pollIntervalMs: number;
  readonly port: number;
  readonly username: string;
  readonly passwordFile: string | undefined;
  readonly sessionIdleTimeoutMs: number;
  readonly requestsPerSecond: number;
  readonly bulkPerMinute: number;
  readonly kubePort: number;
  /** Undefined: a file in a temporary directory, removed on exit. */
  readonly kubeconfigOut: string | undefined;
  readonly hubblePort: number;
}

const HELP = `
Scenarios: a path to a scenario file, or the name of a shipped one (${shippedScenarioNames().join(', ')}).
Problems in the file are printed as FILE:LINE:COL: severity: message; errors exit 2.

Time. The world runs on a simulated clock starting at --start (default: now) and going --speed times as
fast as real time (60: a simulated hour per real minute). What vManage reports, and when its sessions
idle out (--vmanage-session-idle), follow simulated time; its rate limits (--vmanage-rate-limit,
--vmanage-bulk-rate-limit) and scroll contexts follow real time, since they are about how fast a client
really calls. A client reading on real time (isthmus tunnels) sees simulated time up to its own clock;
statistics exist from a day before --start, so it sees tunnels at once.

The emulators listen on 127.0.0.1 only. The vManage password is generated unless
--vmanage-password-file gives one; it is printed, with a command to try, and written with the addresses
to --info-file (JSON, mode 0600, removed on exit) for scripts, which can wait for that file to appear.
The Kubernetes API emulator serves the scenario's Namespaces, Nodes, Services and EndpointSlices, which
change as its events fire (scale-outs, annotation edits); a kubeconfig for it, with a generated token, is
written to --kubeconfig-out (mode 0600, left in place on exit), else to a temporary file removed on exit.
The Hubble emulator plays Hubble Relay (gRPC, plaintext, --hubble-port): the world's flows appear as
simulated time reaches them, each node with a ring buffer of 4095 flows; read it with isthmus observe.

Runs until SIGINT or SIGTERM (clean shutdown, exit 0) or until --duration of simulated time has passed.
Exit status: 0 after a clean run, 1 when an emulator cannot start (port in use), 2 on a usage error or
a scenario with errors.

Examples:
  $ isthmus simulate --scenario two-sites
  $ isthmus simulate --scenario brownout --speed 60 --app-route-poll-interval 1m --vmanage-port 8443
  $ isthmus simulate --scenario my-fabric.yaml --seed 7 --start 2025-06-01T08:00:00Z --duration 2h --speed 600
  $ isthmus simulate --scenario scale --info-file /tmp/sim.json --log-level debug
  $ isthmus simulate --scenario brownout --kubeconfig-out ./sim.kubeconfig   # then: kubectl --kubeconfig ./sim.kubeconfig get svc -A
  $ isthmus simulate --scenario two-sites --hubble-port 4245   # then: isthmus observe --hubble 127.0.0.1:4245 --follow
`;

export function registerSimulateCommand(program: Command, context: CommandContext): void {
  program
    .command('simulate')
    .description('run only the emulators (vManage, Kubernetes API, Hubble) over a simulated world, for pointing a bridge or a client at them')
    .requiredOption('--scenario <file>', 'scenario file, or the name of a shipped scenario')
    .option('--seed <seed>', "the world's seed for noise and traffic (default: the scenario's)")
    .option('--speed <factor>', 'simulated time per real time, e.g. 60 for demos', '1')
    .option('--start <time>', 'simulated start: ISO 8601 time with a zone, or "now"', 'now')
    .option('--duration <duration>', 'stop after this much simulated time, e.g. 2h (default: run until a signal)')
    .option('--info-file <file>', 'write addresses and credentials as JSON to this file once listening')
    .option('--app-route-poll-interval <duration>', "the routers' app-route poll interval: one statistics row per tunnel per interval", '10m')
    .option('--vmanage-port <port>', 'vManage emulator port (0: any free port)', '0')
    .option('--vmanage-username <name>', 'user the vManage emulator accepts', 'admin')
    .option('--vmanage-password-file <file>', 'file holding the password it accepts (default: generated)')
    .option('--vmanage-session-idle <duration>', 'session inactivity timeout, simulated time', '30m')
    .option('--vmanage-rate-limit <n>', 'general rate limit, requests per real second', '100')
    .option('--vmanage-bulk-rate-limit <n>', 'bulk statistics calls per real minute', '48')
    .option('--kube-port <port>', 'Kubernetes API emulator port (0: any free port)', '0')
    .option('--kubeconfig-out <file>', 'write a kubeconfig for the Kubernetes API emulator here (default: a temporary file)')
    .option('--hubble-port <port>', 'Hubble (Relay) emulator port (0: any free port)', '0')
    .addHelpText('after', HELP)
    .action(async (flags: SimulateFlags) => {
      context.exitCode = await runSimulate(flags, context);
    });
}

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Validates the flags; a wrong one is a usage error naming the flag and what it expects. */
export function checkSimulateFlags(flags: SimulateFlags, nowMs: number): Checked<SimulateSettings> {
  const speed = Number(flags.speed);
  if (!(speed > 0) || !Number.isFinite(speed)) return usage(`--speed expects a positive number such as 1 or 60, not "${flags.speed}"`);
  const startMs = parseStart(flags.start, nowMs);
  if (startMs === undefined) return usage(`--start expects "now" or an ISO 8601 time with a zone such as 2025-06-01T08:00:00Z, not "${flags.start}"`);
  const durationMs = flags.duration === undefined ? undefined : parseConfigDuration(flags.duration);
  if (durationMs !== undefined && !(durationMs > 0)) return usage(`--duration expects a duration such as 30m or 2h, not "${flags.duration ?? ''}"`);
  if (flags.duration !== undefined && durationMs === undefined) return usage(`--duration expects a duration such as 30m or 2h, not "${flags.duration}"`);
  const pollIntervalMs = parseConfigDuration(flags.appRoutePollInterval);
  if (pollIntervalMs === undefined || pollIntervalMs < 1000) {
    return usage(`--app-route-poll-interval expects a duration of at least 1s such as 10m or 1m, not "${flags.appRoutePollInterval}"`);
  }
  const sessionIdleTimeoutMs = parseConfigDuration(flags.vmanageSessionIdle);
  if (sessionIdleTimeoutMs === undefined || sessionIdleTimeoutMs <= 0) return usage(`--vmanage-session-idle expects a duration such as 30m, not "${flags.vmanageSessionIdle}"`);
  const port = integerIn(flags.vmanagePort, 0, 65_535);
  if (port === undefined) return usage(`--vmanage-port expects a port number 0–65535, not "${flags.vmanagePort}"`);
  const requestsPerSecond = integerIn(flags.vmanageRateLimit, 1, 1_000_000);
  if (requestsPerSecond === undefined) return usage(`--vmanage-rate-limit expects a positive whole number of requests per second, not "${flags.vmanageRateLimit}"`);
  const bulkPerMinute = integerIn(flags.vmanageBulkRateLimit, 1, 1_000_000);
  if (bulkPerMinute === undefined) return usage(`--vmanage-bulk-rate-limit expects a positive whole number of calls per minute, not "${flags.vmanageBulkRateLimit}"`);
  if (flags.vmanageUsername === '') return usage('--vmanage-username must not be empty');
  const kubePort = integerIn(flags.kubePort ?? '0', 0, 65_535);
  if (kubePort === undefined) return usage(`--kube-port expects a port number 0–65535, not "${flags.kubePort ?? ''}"`);
  if (flags.kubeconfigOut === '') return usage('--kubeconfig-out expects a file path');
  const hubblePort = integerIn(flags.hubblePort ?? '0', 0, 65_535);
  if (hubblePort === undefined) return usage(`--hubble-port expects a port number 0–65535, not "${flags.hubblePort ?? ''}"`);
  const seed = flags.seed === undefined ? undefined : /^-?\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
  return {
    ok: true,
    value: {
      scenarioPath: resolveScenarioPath(flags.scenario),
      seed,
      speed,
      startMs,
      durationMs,
      infoFile: flags.infoFile,
      pollIntervalMs,
      port,
      username: flags.vmanageUsername,
      passwordFile: flags.vmanagePasswordFile,
      sessionIdleTimeoutMs,
      requestsPerSecond,
      bulkPerMinute,
      kubePort,
      kubeconfigOut: flags.kubeconfigOut,
      hubblePort,
    },
  };
}

async function runSimulate(flags: SimulateFlags, context: CommandContext): Promise<number> {
  const io = context.io;
  const checked = checkSimulateFlags(flags, Date.now());
  if (!checked.ok) return fail(io, checked.message, 2);
  const settings = checked.value;
  const scenario = await readScenario(flags.scenario, settings.scenarioPath, io, 'simulate');
  if (scenario === undefined) return 2;
  let password: string | undefined;
  if (settings.passwordFile !== undefined) {
    const read = await readPassword(settings.passwordFile);
    if (!read.ok) return fail(io, read.message, 2);
    password = read.value;
  }

  let simulation: Simulation;
  try {
    simulation = await startSimulation(simulationOptions(scenario, settings, password, context));
  } catch (error) {
    return fail(io, `cannot start the emulators: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
  const stopSignal = waitForSignal();
  try {
    io.stdout(banner(simulation, settings));
    if (settings.infoFile !== undefined) await writeInfoFile(settings.infoFile, simulation);
    const end = await Promise.race([simulation.done, stopSignal.promise]);
    context.logger().info({ reason: end }, 'simulation stopping');
    return 0;
  } finally {
    stopSignal.dispose();
    await simulation.close();
    if (settings.infoFile !== undefined) await rm(settings.infoFile, { force: true });
  }
}

function simulationOptions(scenario: Scenario, settings: SimulateSettings, password: string | undefined, context: CommandContext): SimulationOptions {
  return {
    scenario,
    speed: settings.speed,
    startMs: settings.startMs,
    logger: context.logger(),
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.durationMs === undefined ? {} : { durationMs: settings.durationMs }),
    vmanage: {
      port: settings.port,
      username: settings.username,
      ...(password === undefined ? {} : { password }),
      pollIntervalMs: settings.pollIntervalMs,
      sessionIdleTimeoutMs: settings.sessionIdleTimeoutMs,
      requestsPerSecond: settings.requestsPerSecond,
      bulkPerMinute: settings.bulkPerMinute,
    },
    kube: { port: settings.kubePort, ...(settings.kubeconfigOut === undefined ? {} : { kubeconfigOut: settings.kubeconfigOut }) },
    hubble: { port: settings.hubblePort },
  };
}

async function readPassword(file: string): Promise<Checked<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return usage(`cannot read --vmanage-password-file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}`);
  }
  const password = text.replace(/\r?\n$/, '');
  return password === '' ? usage(`--vmanage-password-file ${file} is empty`) : { ok: true, value: password };
}

function banner(simulation: Simulation, settings: SimulateSettings): string {
  const info = simulation.info;
  const until = settings.durationMs === undefined ? 'until interrupted' : `for ${formatConfigDuration(settings.durationMs)} of simulated time`;
  const lines = [
    `Simulating scenario ${info.scenario} (seed ${info.seed}) from ${info.start} at ${info.speed}× real time, ${until}.`,
    '',
    ...simulation.emulators.flatMap((emulator) => emulator.summary),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** Written whole or not at all (a temporary file renamed), so a script waiting for it never reads half. */
async function writeInfoFile(file: string, simulation: Simulation): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(simulation.info, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** `now`, or an ISO 8601 time with a zone (a zoneless time would silently mean the machine's zone). */
function parseStart(text: string, nowMs: number): number | undefined {
  if (text === 'now') return Math.floor(nowMs / 1000) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function integerIn(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

function usage<T>(message: string): Checked<T> {
  return { ok: false, message };
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`isthmus simulate: ${message}\n`);
  return code;
}
