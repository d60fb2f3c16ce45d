import { formatConfigDuration } from '../../src/config/config-duration.ts';
import type { SimulationContext, StartedEmulator } from '../started-emulator.ts';
import { policyColorSelector } from './policy-color-selector.ts';
import type { SlaClass } from './sla-class-set.ts';
import { startVmanageEmulator } from './vmanage-emulator.ts';
import type { VmanageEmulator, VmanageEmulatorOptions } from './vmanage-emulator.ts';
import { WorldDataSource } from './world-data-source.ts';

export interface WorldVmanageOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default `admin`. */
  readonly username?: string;
  /** Default: generated. */
  readonly password?: string;
  /** The routers' app-route poll interval (one statistics row per tunnel per interval). Default 10 min. */
  readonly pollIntervalMs?: number;
  /** Session inactivity timeout, in simulated time. Default 30 min. */
  readonly sessionIdleTimeoutMs?: number;
  /** General limit, requests per real second. Default 100. */
  readonly requestsPerSecond?: number;
  /** Bulk statistics calls per real minute. Default 48. */
  readonly bulkPerMinute?: number;
  readonly slaClasses?: readonly SlaClass[];
  readonly maxRowsPerQuery?: number;
  /**
   * Let the centralized policy activated on this vManage steer the world's traffic (the closed loop:
   * Isthmus pushes, the fabric obeys, the telemetry shows it). The world's color selector is taken
   * over at the first activation that takes effect, so until Isthmus pushes, whatever selector the
   * composition set stays. Default false.
   */
  readonly applyPolicy?: boolean;
  /** Any other emulator setting (faults, JWT, TLS, …). */
  readonly emulator?: Partial<Omit<VmanageEmulatorOptions, 'dataSource' | 'clock' | 'realClock'>>;
}

/** The vManage emulator of a running simulation. */
export interface WorldVmanage extends StartedEmulator {
  readonly name: 'vmanage';
  readonly url: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly emulator: VmanageEmulator;
  readonly dataSource: WorldDataSource;
}

/**
 * Serves the world as vManage on loopback. Two clocks, on purpose: what vManage reports and when its
 * sessions die follow simulated time (a 30-minute idle timeout is 30 simulated minutes, in step with a
 * bridge polling on the same simulated clock); rate limits and scroll contexts follow real time, because
 * they are about how fast clients really call and how long a real client takes between pages.
 */
export async function startWorldVmanage(context: SimulationContext, options: WorldVmanageOptions = {}): Promise<WorldVmanage> {
  const dataSource = new WorldDataSource(context.world, {
    clock: context.clock,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.slaClasses === undefined ? {} : { slaClasses: options.slaClasses }),
    ...(options.maxRowsPerQuery === undefined ? {} : { maxRowsPerQuery: options.maxRowsPerQuery }),
  });
  const emulator = await startVmanageEmulator({
    ...options.emulator,
    dataSource,
    host: context.host,
    port: options.port ?? 0,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    clock: context.clock,
    realClock: context.realClock,
    ...(options.sessionIdleTimeoutMs === undefined ? {} : { sessionIdleTimeoutMs: options.sessionIdleTimeoutMs }),
    ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
    ...(options.bulkPerMinute === undefined ? {} : { bulkPerMinute: options.bulkPerMinute }),
  });
  if (options.applyPolicy === true) {
    const selector = policyColorSelector(context.world, (timeMs) => emulator.policy.effectiveAt(timeMs));
    const unsubscribe = emulator.policy.onChange(() => {
      context.world.setColorSelector(selector);
      unsubscribe();
    });
  }
  const { username, password } = emulator.credentials;
  const idle = options.sessionIdleTimeoutMs ?? options.emulator?.sessionIdleTimeoutMs ?? 30 * 60_000;
  const limits = `${options.requestsPerSecond ?? options.emulator?.requestsPerSecond ?? 100} req/s, bulk ${options.bulkPerMinute ?? options.emulator?.bulkPerMinute ?? 48}/min`;
  return {
    name: 'vmanage',
    url: emulator.url,
    credentials: emulator.credentials,
    emulator,
    dataSource,
    info: {
      url: emulator.url,
      username,
      password,
      pollIntervalMs: dataSource.pollIntervalMs,
      sessionIdleTimeoutMs: idle,
      devices: context.world.fabric.devices.length + 3,
      tunnels: context.world.fabric.tunnels.length,
    },
    summary: [
      `vManage      ${emulator.url}   user ${username}   password ${password}`,
      `             ${context.world.fabric.devices.length} edges, ${context.world.fabric.tunnels.length} tunnels; app-route poll interval ${formatConfigDuration(dataSource.pollIntervalMs)}`,
      `             sessions idle out after ${formatConfigDuration(idle)} of simulated time; rate limits ${limits} of real time`,
      `  try:       export VMANAGE_PASSWORD=${shellQuote(password)}`,
      `             isthmus tunnels --vmanage ${emulator.url} --username ${shellQuote(username)}`,
    ],
    close: () => emulator.close(),
  };
}

/** As typed into a POSIX shell: bare when safe, else single-quoted. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
