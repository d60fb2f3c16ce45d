/**
 * `isthmus observe`: flows as Hubble sends them, from Hubble Relay or a node (`--hubble`) or from a flow-log
 * file (`--file`: the exporter's JSON Lines, or saved `hubble observe -o json` output). `-o json` prints
 * every response exactly in Hubble's own JSON form, so the output can go wherever `hubble observe -o json`
 * output goes; `compact` and `table` are Hubble's human formats. The Hubble path is the bridge's own client
 * (TLS, mTLS, reconnects), so what this shows is what the bridge would get.
 */
import { stat } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { parseConfigDuration } from '../../config/config-duration.ts';
import type { Flow } from '../../domain/flow.ts';
import { compileFlowFilters } from '../../hubble/flow-filter-match.ts';
import { formatFlowJson } from '../../hubble/flow-json.ts';
import { FlowLogReader } from '../../hubble/flow-log-reader.ts';
import type { FlowLogEntry, FlowLogProblem } from '../../hubble/flow-log-reader.ts';
import type { FlowFilter, GetFlowsRequest } from '../../hubble/get-flows-request.ts';
import { HubbleClient } from '../../hubble/hubble-client.ts';
import { decodeHubble, encodeHubble } from '../../hubble/hubble-codec.ts';
import type { JsonObject } from '../../hubble/hubble-codec.ts';
import { HUBBLE_ERROR_CODES, isHubbleError } from '../../hubble/hubble-error.ts';
import type { HubbleEvent } from '../../hubble/hubble-event.ts';
import { readHubbleTlsFiles } from '../../hubble/hubble-tls.ts';
import type { HubbleTls, HubbleTlsFiles } from '../../hubble/hubble-tls.ts';
import { parseRfc3339Nanos } from '../../hubble/rfc3339.ts';
import type { LogPort } from '../../vmanage/log-port.ts';
import { processIo } from '../cli-io.ts';
import type { CliIo } from '../cli-io.ts';
import { describeFlow } from '../describe-flow.ts';
import { formatFlowCompact } from '../format-flow-compact.ts';
import { formatFlowTableHeader, formatFlowTableRow } from '../format-flow-table.ts';
import type { CommandContext } from '../main.ts';
import { observeFilters } from '../observe-filters.ts';
import { waitForSignal } from '../wait-for-signal.ts';

export const OBSERVE_OUTPUT_FORMATS = ['compact', 'json', 'table'] as const;
export type ObserveOutputFormat = (typeof OBSERVE_OUTPUT_FORMATS)[number];

/** Without --last, --since or --follow, Hubble's CLI shows the last 20 flows; so does this. */
const DEFAULT_LAST = 20;
const NS_PER_MS = 1_000_000n;

export interface ObserveFlags {
  readonly hubble?: string;
  readonly file?: string;
  readonly follow?: boolean;
  readonly last?: string;
  readonly since?: string;
  readonly until?: string;
  readonly namespace: readonly string[];
  readonly pod: readonly string[];
  readonly verdict: readonly string[];
  readonly node: readonly string[];
  readonly port: readonly string[];
  readonly tls?: boolean;
  readonly tlsCaFile?: string;
  readonly tlsClientCertFile?: string;
  readonly tlsClientKeyFile?: string;
  readonly tlsServerName?: string;
  readonly timeout: string;
  readonly output: ObserveOutputFormat;
  readonly printNodeName?: boolean;
}

/** The flags checked and converted. */
export interface ObserveSettings {
  readonly source: { readonly kind: 'hubble'; readonly address: string; readonly tls: HubbleTlsFiles | undefined } | { readonly kind: 'file'; readonly path: string };
  readonly follow: boolean;
  /** How many of the latest flows; undefined with --since, or --follow alone. */
  readonly last: number | undefined;
  readonly sinceNs: bigint | undefined;
  readonly untilNs: bigint | undefined;
  readonly whitelist: readonly FlowFilter[];
  readonly timeoutMs: number;
  readonly output: ObserveOutputFormat;
  readonly printNodeName: boolean;
}

const HELP = `
Sources. --hubble ADDR reads Hubble's Observer API: Relay (host:4245, or its Service on 80/443) or a
node's server (host:4244, mTLS; or unix:///var/run/cilium/hubble.sock on the node). tls://host:port
turns TLS on, as in Hubble's CLI. --file PATH reads the flow-log exporter's file
(/var/run/cilium/hubble/events.log) or saved "hubble observe -o json" output, and follows it across
rotation with --follow.

What. Without --last, --since or --follow: the last ${DEFAULT_LAST} flows. --follow keeps printing new flows until
interrupted (with --last N or --since, after that history); a dropped stream is resumed where it broke,
without duplicates. --since and --until take a duration back from now (5m, 1h30m) or an RFC 3339 time.

Filters, as Hubble's CLI combines them: --namespace, --pod and --port match either end of a flow, pairing
up on one side (--pod X --port 80: X's own port 80, or a flow to X on port 80); --verdict and --node
apply to both; a repeated flag gives alternatives. --pod takes a name prefix, NAMESPACE/PREFIX, or with
--namespace a prefix within those namespaces. --node takes a name or a pattern (worker-*, cluster/).
With --hubble, Hubble applies them; with --file, isthmus does, the same way.

Output. -o compact (default): one line per flow as Hubble prints it (times in UTC). -o json: each
response in Hubble's JSON form (GetFlowsResponse, protobuf JSON with proto field names), usable
wherever "hubble observe -o json" output is. -o table: TIMESTAMP, SOURCE, DESTINATION, TYPE, VERDICT,
SUMMARY. Lost events go to stdout with -o json (they are responses), else to stderr as
"EVENTS LOST: SOURCE CPU(n) COUNT"; nodes Relay cannot reach are reported on stderr.

TLS. --tls with the system roots; --tls-ca-file for the cluster's CA; --tls-client-cert-file and
--tls-client-key-file for mTLS; --tls-server-name when the certificate names another host (a node's is
*.<cluster>.hubble-grpc.cilium.io). Any of these turns TLS on.

Exit status: 0 when done (or interrupted with --follow), 1 when Hubble cannot be reached or refuses the
request (one line on stderr says why: connection refused, TLS, ...), 2 on a usage error or a file that
cannot be read.

Examples:
  $ isthmus observe --hubble localhost:4245
  $ isthmus observe --hubble localhost:4245 --follow --namespace shop --verdict DROPPED
  $ isthmus observe --hubble relay.example:443 --tls-ca-file ca.pem --last 100 -o json | jq .flow.verdict
  $ isthmus observe --hubble 10.0.0.5:4244 --tls-ca-file ca.crt --tls-client-cert-file tls.crt \\
      --tls-client-key-file tls.key --tls-server-name worker-1.default.hubble-grpc.cilium.io --follow
  $ isthmus observe --hubble unix:///var/run/cilium/hubble.sock --since 5m --pod kube-system/coredns- -o table
  $ isthmus observe --file /var/run/cilium/hubble/events.log --follow --port 443 --print-node-name
`;

export function registerObserveCommand(program: Command, context: CommandContext): void {
  const collect = (value: string, previous: readonly string[]): readonly string[] => [...previous, value];
  program
    .command('observe')
    .description('flows as Hubble sends them, from Hubble Relay, a node, or a flow-log file (-o json is Hubble\'s own JSON)')
    .option('--hubble <address>', 'Hubble Relay or node: host:port, tls://host:port, unix:///path')
    .option('--file <path>', 'a Hubble flow-log file (exporter output, or saved hubble observe -o json)')
    .option('-f, --follow', 'keep printing new flows until interrupted')
    .option('--last <n>', `the last N flows (default ${DEFAULT_LAST} without --since or --follow)`)
    .option('--since <time>', 'flows since a duration ago (5m, 1h) or an RFC 3339 time')
    .option('--until <time>', 'flows until a duration ago or an RFC 3339 time')
    .option('--namespace <namespace>', 'flows with a pod of this namespace at either end (repeatable)', collect, [])
    .option('--pod <[namespace/]pod>', 'flows of pods with this name prefix at either end (repeatable)', collect, [])
    .option('--verdict <verdict>', 'FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, TRACED, TRANSLATED (repeatable)', collect, [])
    .option('--node <name>', 'flows observed on this node; patterns like worker-* (repeatable)', collect, [])
    .option('--port <port>', 'flows with this L4 port at either end (repeatable)', collect, [])
    .option('--tls', 'use TLS with the system roots')
    .option('--tls-ca-file <file>', 'PEM CA bundle that signs the Hubble certificate (turns TLS on)')
    .option('--tls-client-cert-file <file>', 'PEM client certificate, for mTLS (with --tls-client-key-file)')
    .option('--tls-client-key-file <file>', 'PEM key of the client certificate')
    .option('--tls-server-name <name>', 'name to check in the server certificate instead of the host dialled')
    .option('--timeout <duration>', 'how long to wait for Hubble to answer a new stream', '5s')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OBSERVE_OUTPUT_FORMATS).default('compact'))
    .option('--print-node-name', 'add the observing node to compact and table output')
    .addHelpText('after', HELP)
    .action(async (flags: ObserveFlags) => {
      context.exitCode = await runObserve(flags, context);
    });
}

type Prepared = { readonly ok: true; readonly settings: ObserveSettings } | { readonly ok: false; readonly message: string };

/** Validates the flags against each other; a wrong one is a usage error naming it and what it expects. */
export function prepareObserve(flags: ObserveFlags, nowMs: number): Prepared {
  if ((flags.hubble === undefined) === (flags.file === undefined)) return bad('give one source: --hubble ADDRESS or --file PATH');
  const tlsFlags = flags.tls === true || flags.tlsCaFile !== undefined || flags.tlsClientCertFile !== undefined || flags.tlsClientKeyFile !== undefined || flags.tlsServerName !== undefined;
  if (flags.file !== undefined && tlsFlags) return bad('the --tls flags apply to --hubble, not to --file');
  if ((flags.tlsClientCertFile === undefined) !== (flags.tlsClientKeyFile === undefined)) return bad('mTLS needs both --tls-client-cert-file and --tls-client-key-file');
  let last: number | undefined;
  if (flags.last !== undefined) {
    if (!/^\d+$/.test(flags.last) || Number(flags.last) < 1) return bad(`--last expects a positive whole number, not "${flags.last}"`);
    last = Number(flags.last);
  }
  const sinceNs = flags.since === undefined ? undefined : pointInTime(flags.since, nowMs);
  if (sinceNs === null) return bad(`--since expects a duration such as 5m or an RFC 3339 time, not "${flags.since ?? ''}"`);
  const untilNs = flags.until === undefined ? undefined : pointInTime(flags.until, nowMs);
  if (untilNs === null) return bad(`--until expects a duration such as 1m or an RFC 3339 time, not "${flags.until ?? ''}"`);
  if (last !== undefined && sinceNs !== undefined) return bad('--last and --since do not combine: give one of them');
  if (sinceNs !== undefined && untilNs !== undefined && untilNs < sinceNs) return bad('--until is before --since');
  const timeoutMs = parseConfigDuration(flags.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) return bad(`--timeout expects a duration such as 5s, not "${flags.timeout}"`);
  const filters = observeFilters(flags);
  if (!filters.ok) return bad(filters.message);
  const follow = flags.follow === true;
  const tls: HubbleTlsFiles | undefined = tlsFlags
    ? {
        ...(flags.tlsCaFile === undefined ? {} : { caFile: flags.tlsCaFile }),
        ...(flags.tlsClientCertFile === undefined ? {} : { certFile: flags.tlsClientCertFile }),
        ...(flags.tlsClientKeyFile === undefined ? {} : { keyFile: flags.tlsClientKeyFile }),
        ...(flags.tlsServerName === undefined ? {} : { serverName: flags.tlsServerName }),
      }
    : undefined;
  return {
    ok: true,
    settings: {
      source: flags.hubble !== undefined ? { kind: 'hubble', address: flags.hubble, tls } : { kind: 'file', path: flags.file ?? '' },
      follow,
      last: last ?? (!follow && sinceNs === undefined ? DEFAULT_LAST : undefined),
      sinceNs,
      untilNs,
      whitelist: filters.whitelist,
      timeoutMs,
      output: flags.output,
      printNodeName: flags.printNodeName === true,
    },
  };
}

/** A duration back from now, or an RFC 3339 time → epoch ns; null when it is neither. */
function pointInTime(text: string, nowMs: number): bigint | null {
  const ago = parseConfigDuration(text);
  if (ago !== undefined) return BigInt(Math.floor(nowMs - ago)) * NS_PER_MS;
  return parseRfc3339Nanos(text) ?? null;
}

function bad(message: string): Prepared {
  return { ok: false, message };
}

async function runObserve(flags: ObserveFlags, context: CommandContext): Promise<number> {
  const io = context.io;
  const prepared = prepareObserve(flags, Date.now());
  if (!prepared.ok) return fail(io, prepared.message, 2);
  const settings = prepared.settings;
  const abort = new AbortController();
  const stop = waitForSignal();
  void stop.promise.then(() => {
    abort.abort();
  });
  // `observe --follow | head`: once the reader is gone, stop quietly instead of dying of EPIPE.
  const closedPipe = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') abort.abort();
  };
  if (io === processIo) process.stdout.on('error', closedPipe);
  try {
    return settings.source.kind === 'hubble' ? await observeHubble(settings, settings.source, context, abort.signal) : await observeFile(settings, settings.source.path, io, abort.signal);
  } finally {
    stop.dispose();
    if (io === processIo) process.stdout.off('error', closedPipe);
  }
}

async function observeHubble(settings: ObserveSettings, source: { readonly address: string; readonly tls: HubbleTlsFiles | undefined }, context: CommandContext, signal: AbortSignal): Promise<number> {
  const io = context.io;
  let tls: HubbleTls | undefined;
  let client: HubbleClient;
  try {
    tls = source.tls === undefined ? undefined : await readHubbleTlsFiles(source.tls);
    client = new HubbleClient({
      address: source.address,
      ...(tls === undefined ? {} : { tls }),
      request: hubbleRequest(settings),
      retryInitialConnect: false,
      statusIntervalMs: 0,
      connectTimeoutMs: settings.timeoutMs,
      logger: clientLog(context),
    });
  } catch (error) {
    // A bad address or an unreadable certificate file: the arguments are wrong, not Hubble.
    return fail(io, error instanceof Error ? error.message : String(error), 2);
  }
  const print = printer(io, settings, false);
  try {
    for await (const response of client.responses(signal)) print(response.bytes, response.event);
    return 0;
  } catch (error) {
    if (isHubbleError(error) && error.code === HUBBLE_ERROR_CODES.config) return fail(io, error.message, 2);
    return fail(io, isHubbleError(error) ? error.message : String(error), 1);
  } finally {
    client.close();
  }
}

function hubbleRequest(settings: ObserveSettings): GetFlowsRequest {
  return {
    ...(settings.follow ? { follow: true } : {}),
    ...(settings.last === undefined ? {} : { number: BigInt(settings.last) }),
    ...(settings.sinceNs === undefined ? {} : { sinceNs: settings.sinceNs }),
    ...(settings.untilNs === undefined ? {} : { untilNs: settings.untilNs }),
    ...(settings.whitelist.length === 0 ? {} : { whitelist: settings.whitelist }),
  };
}

/**
 * A file is filtered here with the matcher the emulator uses, so `--file` and `--hubble` agree. History
 * (everything, or the last N) is read first; with --follow, new lines from where that read ended.
 */
async function observeFile(settings: ObserveSettings, path: string, io: CliIo, signal: AbortSignal): Promise<number> {
  try {
    if (!(await stat(path)).isFile()) return fail(io, `--file ${path} is not a file`, 2);
  } catch {
    return fail(io, `--file ${path}: no such file`, 2);
  }
  const accept = compileFlowFilters(settings.whitelist);
  const wanted = (event: HubbleEvent): boolean => event.kind !== 'flow' || (accept(event.flow) && inWindow(event.flow, settings));
  const onProblem = (problem: FlowLogProblem): void => {
    io.stderr(`isthmus observe: ${problem.file}:${problem.line}: skipped: ${problem.reason}\n`);
  };
  const print = printer(io, settings, true);
  const show = (entry: FlowLogEntry): void => {
    print(exportEventBytes(entry.text), entry.event);
  };
  try {
    let resumeAt: number | 'end' = 'end';
    if (!settings.follow || settings.last !== undefined || settings.sinceNs !== undefined) {
      const history = new FlowLogReader({ path, signal, onProblem });
      const kept: FlowLogEntry[] = [];
      let keptFlows = 0;
      for await (const entry of history.entries()) {
        if (!wanted(entry.event)) continue;
        if (settings.last === undefined) {
          show(entry);
          continue;
        }
        kept.push(entry);
        if (entry.event.kind === 'flow') keptFlows++;
        // Keep the last N flows, and what came between them.
        while (keptFlows > settings.last) if (kept.shift()?.event.kind === 'flow') keptFlows--;
      }
      for (const entry of kept) show(entry);
      resumeAt = history.counters.bytes;
    }
    if (!settings.follow) return 0;
    for await (const entry of new FlowLogReader({ path, follow: true, from: resumeAt, signal, onProblem }).entries()) {
      if (wanted(entry.event)) show(entry);
    }
    return 0;
  } catch (error) {
    return fail(io, isHubbleError(error) ? error.message : String(error), 2);
  }
}

function inWindow(flow: Flow, settings: ObserveSettings): boolean {
  return (settings.sinceNs === undefined || flow.timeNs >= settings.sinceNs) && (settings.untilNs === undefined || flow.timeNs <= settings.untilNs);
}

/** A flow-log line → response bytes; a legacy bare flow (old `hubble observe` JSON) gets its envelope. */
function exportEventBytes(text: string): Uint8Array {
  const value = JSON.parse(text) as Record<string, unknown>;
  const enveloped = value.flow != null || value.lost_events != null || value.node_status != null;
  return encodeHubble('observer.ExportEvent', enveloped ? value : { flow: value, node_name: value.node_name, time: value.time });
}

type Print = (bytes: Uint8Array, event: HubbleEvent) => void;

/**
 * Writes each response in the chosen format. Node status from a stream is already reported by the client's
 * log (stderr); a file's node status lines are printed here.
 */
function printer(io: CliIo, settings: ObserveSettings, printNodeStatus: boolean): Print {
  let header = false;
  return (bytes, event) => {
    switch (event.kind) {
      case 'flow': {
        if (settings.output === 'json') {
          io.stdout(`${formatFlowJson(bytes)}\n`);
          return;
        }
        const flow = describeFlow(flowJson(bytes));
        if (settings.output === 'compact') {
          io.stdout(`${formatFlowCompact(flow, settings.printNodeName)}\n`);
          return;
        }
        if (!header) {
          header = true;
          io.stdout(`${formatFlowTableHeader(settings.printNodeName)}\n`);
        }
        io.stdout(`${formatFlowTableRow(flow, settings.printNodeName)}\n`);
        return;
      }
      case 'lost_events':
        if (settings.output === 'json') io.stdout(`${formatFlowJson(bytes)}\n`);
        else io.stderr(`EVENTS LOST: ${event.source} CPU(${event.cpu ?? 0}) ${event.numEventsLost}\n`);
        return;
      case 'node_status':
        if (printNodeStatus && event.state !== 'NODE_CONNECTED') io.stderr(`isthmus observe: nodes ${event.state}: ${event.nodeNames.join(', ')}${event.message === '' ? '' : ` (${event.message})`}\n`);
        return;
      default:
        return;
    }
  };
}

function flowJson(bytes: Uint8Array): JsonObject {
  const flow = decodeHubble('observer.GetFlowsResponse', bytes).flow;
  return typeof flow === 'object' && flow !== null && !Array.isArray(flow) ? (flow as JsonObject) : {};
}

/**
 * The client's warnings (a stream lost and being resumed, nodes Relay cannot reach) are what a person
 * watching wants to know: one line each on stderr. Its other notices go to the debug log.
 */
function clientLog(context: CommandContext): LogPort {
  const debug = (obj: object, msg?: string): void => {
    context.logger().debug(obj, msg);
  };
  return {
    warn: (obj, msg) => {
      const error = 'error' in obj && typeof obj.error === 'string' ? ` (${obj.error})` : '';
      context.io.stderr(`isthmus observe: ${msg ?? 'warning'}${error}\n`);
    },
    info: debug,
    debug,
  };
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`isthmus observe: ${message}\n`);
  return code;
}
