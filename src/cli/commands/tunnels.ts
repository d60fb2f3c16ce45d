/**
 * `isthmus tunnels --vmanage URL`: tunnel health as vManage reports it, once. Logs in, reads the device
 * inventory, the BFD sessions and the statistics over `--since` (or each edge's real-time buckets),
 * prints the tunnels worst first, and logs out. The reading is the collector's own poll, so this
 * command shows exactly what the bridge would see.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { parseConfigDuration } from '../../config/config-duration.ts';
import { defaultPolicyConfig } from '../../config/config-schema.ts';
import type { SecretRef, VmanageConfig } from '../../config/config-schema.ts';
import { isIsthmusError } from '../../domain/isthmus-error.ts';
import { createTunnelCollector } from '../../vmanage/create-tunnel-collector.ts';
import type { VmanageTunnelCollector } from '../../vmanage/create-tunnel-collector.ts';
import type { LogPort } from '../../vmanage/log-port.ts';
import { systemClock } from '../../controller/system-time.ts';
import type { CliIo } from '../cli-io.ts';
import { describeVmanageFailure } from '../describe-vmanage-failure.ts';
import { formatTunnelTable } from '../format-tunnel-table.ts';
import type { CommandContext } from '../main.ts';
import { tunnelJson } from '../../controller/tunnel-json.ts';
import { worstTunnelsFirst } from '../worst-tunnels-first.ts';

export const TUNNELS_OUTPUT_FORMATS = ['table', 'json'] as const;
export type TunnelsOutputFormat = (typeof TUNNELS_OUTPUT_FORMATS)[number];
export const TUNNELS_SOURCES = ['bulk', 'realtime'] as const;

export const USERNAME_ENV = 'VMANAGE_USERNAME';
export const PASSWORD_ENV = 'VMANAGE_PASSWORD';

export interface TunnelsOptions {
  readonly vmanage: string;
  readonly username?: string;
  readonly passwordFile?: string;
  readonly caFile?: string;
  readonly insecure?: boolean;
  readonly since: string;
  readonly source: (typeof TUNNELS_SOURCES)[number];
  readonly timeout: string;
  readonly output: TunnelsOutputFormat;
}

const HELP = `
The password is never taken on the command line (it would show in ps and shell history): set
${PASSWORD_ENV}, or give --password-file (a trailing newline is trimmed). The user name comes from
--username or ${USERNAME_ENV}.

Order: worst first — down tunnels, then up ones; within each, by loss, then latency, then jitter
(highest first); tunnels with a BFD session but no statistics sample in the window come last in their
group, with "-" (table) or null (json) metrics.

Table columns: TUNNEL (local host:color → remote host:color), SITES (local → remote site id), STATE
(BFD state when vManage has a session, else the sample's), LATENCY and JITTER (ms), LOSS (%), AGE of
the sample. JSON: an array of {name, localSystemIp, localSiteId, localHostName, localColor,
remoteSystemIp, remoteSiteId, remoteColor, state, latencySeconds, jitterSeconds, lossRatio,
sampleTime}, seconds and 0–1 ratios, site ids as numbers, sampleTime in ISO 8601 (UTC).

--source bulk (default) reads the bulk statistics API over --since, one row per tunnel per app-route
interval (10 min by default on the routers); --source realtime asks every reachable edge for its live
buckets (mean over the buckets), which loads vManage and the routers: keep it for small fabrics.

Exit status: 0 on success, 1 when vManage cannot be read (bad credentials, unreachable, TLS, timeout,
rate-limited past the retries), 2 on a usage error (missing user name or password, bad duration).

Examples:
  $ export VMANAGE_USERNAME=monitor VMANAGE_PASSWORD=…
  $ isthmus tunnels --vmanage https://vmanage.example.com:8443
  $ isthmus tunnels --vmanage https://vmanage.example.com --since 2h -o json | jq '.[] | select(.state == "down")'
  $ isthmus tunnels --vmanage https://vmanage.example.com --password-file /run/secrets/vmanage --ca-file ca.pem
  $ isthmus tunnels --vmanage https://10.0.0.10 --insecure --source realtime --timeout 60s
`;

export function registerTunnelsCommand(program: Command, context: CommandContext): void {
  program
    .command('tunnels')
    .description('tunnel health (state, latency, jitter, loss) as vManage reports it, worst first')
    .requiredOption('--vmanage <url>', 'SD-WAN Manager base URL, e.g. https://vmanage.example.com:8443')
    .option('--username <name>', `user to log in as (default: $${USERNAME_ENV})`)
    .option('--password-file <file>', `file holding the password (default: $${PASSWORD_ENV})`)
    .option('--ca-file <file>', 'PEM CA bundle that signs the vManage certificate, in addition to the system roots')
    .option('--insecure', 'skip TLS certificate verification (labs only)')
    .option('--since <duration>', 'statistics window, e.g. 30m, 2h (bulk source)', '30m')
    .addOption(new Option('--source <source>', 'where statistics come from').choices(TUNNELS_SOURCES).default('bulk'))
    .option('--timeout <duration>', 'timeout of each HTTP request', '30s')
    .addOption(new Option('-o, --output <format>', 'output format').choices(TUNNELS_OUTPUT_FORMATS).default('table'))
    .addHelpText('after', HELP)
    .action(async (options: TunnelsOptions) => {
      context.exitCode = await runTunnels(options, context);
    });
}

type Prepared = { readonly ok: true; readonly config: VmanageConfig; readonly sinceMs: number } | { readonly ok: false; readonly message: string };

/** The `vmanage` configuration the flags describe, or the usage error that stops the command. */
export function prepareTunnels(options: TunnelsOptions, env: Readonly<Record<string, string | undefined>>): Prepared {
  const sinceMs = parseConfigDuration(options.since);
  if (sinceMs === undefined || sinceMs <= 0) return { ok: false, message: `--since expects a duration such as 30m or 2h, not "${options.since}"` };
  const timeoutMs = parseConfigDuration(options.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) return { ok: false, message: `--timeout expects a duration such as 30s, not "${options.timeout}"` };
  const username = options.username ?? nonEmpty(env[USERNAME_ENV]);
  if (username === undefined) return { ok: false, message: `no user name: give --username or set ${USERNAME_ENV}` };
  let password: SecretRef;
  if (options.passwordFile !== undefined) password = { file: options.passwordFile };
  else if (nonEmpty(env[PASSWORD_ENV]) !== undefined) password = { env: PASSWORD_ENV };
  else return { ok: false, message: `no password: set ${PASSWORD_ENV} or give --password-file FILE` };
  if (options.insecure === true && options.caFile !== undefined) {
    return { ok: false, message: '--insecure skips certificate verification, so --ca-file would be ignored; give one of them' };
  }
  const config: VmanageConfig = {
    enabled: true,
    url: options.vmanage,
    username,
    password,
    auth: 'session',
    caFile: options.caFile,
    insecure: options.insecure === true,
    requestTimeout: timeoutMs,
    pollInterval: 60_000,
    pollSchedule: undefined,
    statsSource: options.source,
    rateLimit: { requestsPerSecond: 20, bulkRequestsPerMinute: 24, bulkConcurrency: 1 },
    policy: defaultPolicyConfig(),
  };
  return { ok: true, config, sinceMs };
}

async function runTunnels(options: TunnelsOptions, context: CommandContext): Promise<number> {
  const io = context.io;
  const prepared = prepareTunnels(options, io.env);
  if (!prepared.ok) return fail(io, prepared.message, 2);
  if (prepared.config.insecure) io.stderr('isthmus tunnels: warning: TLS certificate verification is off (--insecure)\n');
  let built: VmanageTunnelCollector;
  try {
    built = await createTunnelCollector({
      config: prepared.config,
      env: io.env,
      clock: systemClock,
      logger: adapterLog(context),
      // One poll over the whole window: nothing may age out of the history or go stale meanwhile.
      tuning: { initialLookbackMs: prepared.sinceMs, historyMaxAgeMs: prepared.sinceMs + 3_600_000, staleAfterMs: Number.MAX_SAFE_INTEGER },
    });
  } catch (error) {
    // A bad URL, an unreadable CA or password file: the arguments are wrong, not vManage.
    return fail(io, isIsthmusError(error) ? `${error.message} (${error.code})` : String(error), 2);
  }
  try {
    const event = await built.collector.poll();
    if (event.outcome !== 'ok') return fail(io, describeVmanageFailure(event.error, options.vmanage), 1);
    const readings = worstTunnelsFirst(built.collector.readings());
    if (options.output === 'json') io.stdout(`${JSON.stringify(readings.map(tunnelJson), null, 2)}\n`);
    else if (readings.length === 0) io.stdout('No tunnels: vManage reported no BFD sessions and no statistics in the window.\n');
    else io.stdout(formatTunnelTable(readings, systemClock.now()));
    if (event.skippedRows > 0) io.stderr(`isthmus tunnels: warning: ${event.skippedRows} rows from vManage could not be read and were left out\n`);
    return 0;
  } finally {
    await built.close();
  }
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`isthmus tunnels: ${message}\n`);
  return code;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A one-shot command reports its outcome itself, in one line; the adapter's own notices (logged in,
 * poll failed, logged out) go to the debug level, where `--log-level debug` shows them.
 */
function adapterLog(context: CommandContext): LogPort {
  let logger: ReturnType<CommandContext['logger']> | undefined;
  const debug = (obj: object, msg?: string): void => {
    logger ??= context.logger();
    logger.debug(obj, msg);
  };
  return { warn: debug, info: debug, debug };
}
