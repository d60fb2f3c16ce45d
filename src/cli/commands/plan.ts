/**
 * `isthmus plan --config FILE`: what the optimizer would decide and the SD-WAN policy diff, without
 * pushing. Runs the bridge exactly as `isthmus run` does (same adapters, same optimizer) but with the
 * push path replaced by a capture, no leader election, no Kubernetes Events and telemetry on a
 * loopback port; after the first optimizer round with decisions it reads back what Isthmus owns on
 * vManage, diffs it against the rendered desired policy, prints both and stops. Nothing is written.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { parseConfigDuration } from '../../config/config-duration.ts';
import { formatConfigProblem } from '../../config/config-problem.ts';
import type { Config } from '../../config/config-schema.ts';
import type { AssignmentPush, Bridge } from '../../controller/bridge.ts';
import type { DecisionRecord } from '../../domain/decision.ts';
import { isIsthmusError } from '../../domain/isthmus-error.ts';
import { readRealized } from '../../policy/apply-policy.ts';
import { diffPolicy } from '../../policy/diff-policy.ts';
import type { PolicyChange, PolicyConflict } from '../../policy/diff-policy.ts';
import type { DesiredPolicyState } from '../../policy/policy-document.ts';
import { renderPolicy } from '../../policy/render-policy.ts';
import { VmanagePolicyClient } from '../../policy/vmanage-policy-client.ts';
import { createTunnelCollector } from '../../vmanage/create-tunnel-collector.ts';
import type { LogPort } from '../../vmanage/log-port.ts';
import { addConfigOptions, checkSetSyntax, loadConfigFromOptions } from '../add-config-options.ts';
import type { ConfigOptions } from '../add-config-options.ts';
import type { CliIo } from '../cli-io.ts';
import type { CommandContext } from '../main.ts';
import { runBridge } from './run.ts';

export const PLAN_OUTPUT_FORMATS = ['text', 'json'] as const;

export interface PlanOptions extends ConfigOptions {
  readonly wait: string;
  readonly output: (typeof PLAN_OUTPUT_FORMATS)[number];
}

const HELP = `
Connects to the Kubernetes API, Hubble and vManage as \`isthmus run\` does and runs the optimizer, but
never pushes: the policy push is replaced by a capture (optimizer.dryRun is forced), leader election is
off (a plan neither takes nor waits for the Lease), no Kubernetes Events are recorded and the telemetry
server listens on a free loopback port only. Once Kubernetes is synced, Hubble connected and vManage
data fresh, one optimizer round decides every steered Service; plan then logs in to vManage, reads back
the policy objects this cluster (cluster.name) owns, and diffs them against the desired policy.

Prints one line per decision (\`ns/name: from → to (mode, reason)\` or \`ns/name: stays on color (mode,
reason)\`), the policy changes a push would make (\`create|update|delete KIND NAME\`), name conflicts
with objects Isthmus does not own, and a summary. -o json prints {decisions, changes, conflicts}.

Exit status: 0 when planned, 1 when an adapter cannot connect or no decision came within --wait, 2 on a
usage or configuration error (including vmanage.enabled: false or optimizer.enabled: false).

Examples:
  $ isthmus plan --config /etc/isthmus/config.yaml
  $ isthmus plan -c config.yaml --wait 1m -o json | jq '.changes[] | select(.op != "create")'
`;

export function registerPlanCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('plan')
    .description('what the optimizer would decide and the SD-WAN policy diff, without pushing')
    .option('--wait <duration>', 'how long to wait for the first optimizer round with decisions', '30s')
    .addOption(new Option('-o, --output <format>', 'output format').choices(PLAN_OUTPUT_FORMATS).default('text'))
    .addHelpText('after', HELP);
  addConfigOptions(command).action(async (options: PlanOptions) => {
    checkSetSyntax(command, options);
    context.exitCode = await runPlan(options, context);
  });
}

/** One decision as plan prints it. */
export interface PlanDecision {
  readonly service: string;
  readonly from: string | null;
  readonly to: string;
  readonly mode: string;
  readonly reason: string;
  readonly message: string;
}

/** What a plan found: the decisions of one optimizer round and the policy diff against vManage. */
export interface Plan {
  readonly decisions: readonly PlanDecision[];
  readonly changes: readonly { readonly op: PolicyChange['op']; readonly kind: string; readonly name: string }[];
  readonly conflicts: readonly PolicyConflict[];
}

async function runPlan(options: PlanOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const waitMs = parseConfigDuration(options.wait);
  if (waitMs === undefined || waitMs <= 0) return fail(io, `--wait expects a duration such as 30s, not "${options.wait}"`, 2);
  const loaded = await loadConfigFromOptions(options, io);
  for (const problem of loaded.problems) io.stderr(`${formatConfigProblem(problem)}\n`);
  if (!loaded.ok) return 2;
  if (!loaded.config.vmanage.enabled) return fail(io, 'vmanage.enabled is false: there is no policy to plan against', 2);
  if (!loaded.config.optimizer.enabled) return fail(io, 'optimizer.enabled is false: there is nothing to decide', 2);
  try {
    const plan = await planBridge(loaded.config, { env: io.env, logger: context.logger(), waitMs });
    io.stdout(options.output === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    return 0;
  } catch (error) {
    return fail(io, isIsthmusError(error) ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error), 1);
  }
}

export interface PlanBridgeOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: LogPort;
  /** Give up when no optimizer round has decided within this long. */
  readonly waitMs: number;
}

/** The configuration `run` would use, made harmless: dry run, no election, no exporters, loopback telemetry. */
export function planConfig(config: Config): Config {
  return {
    ...config,
    optimizer: { ...config.optimizer, dryRun: true },
    kubernetes: { ...config.kubernetes, leaderElection: { ...config.kubernetes.leaderElection, enabled: false } },
    telemetry: { listen: '127.0.0.1:0' },
  };
}

/** Runs the bridge with a capturing push until its first decided round, then diffs against vManage. */
export async function planBridge(config: Config, options: PlanBridgeOptions): Promise<Plan> {
  const stop = new AbortController();
  let bridge: Bridge | undefined;
  // Pushes seen, and the desired state of the latest: the capture records and nothing else (never vManage).
  const pushes: DesiredPolicyState[] = [];
  const capture: AssignmentPush = (_assignments, _term, desired) => {
    if (desired !== undefined) pushes.push(desired);
  };
  const running = runBridge(planConfig(config), {
    env: options.env,
    logger: options.logger,
    signal: stop.signal,
    push: capture,
    recordEvents: false,
    onServing: (_url, served) => {
      bridge = served;
    },
  });
  const ended: { error?: Error } = {};
  const settled = running.then(
    () => {
      ended.error ??= new Error('the bridge stopped before deciding');
    },
    (error: unknown) => {
      ended.error = error instanceof Error ? error : new Error(String(error));
    },
  );
  let round: { readonly desired: DesiredPolicyState; readonly decisions: DecisionRecord[] } | undefined;
  try {
    const deadline = Date.now() + options.waitMs;
    while (round === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (ended.error !== undefined) throw ended.error;
      const current: Bridge | undefined = bridge;
      if (Date.now() >= deadline) throw new Error(`no optimizer round decided within ${formatWait(options.waitMs)}${current === undefined ? ' (the bridge did not start)' : `: ${notReady(current) || 'no decision for every steered Service yet'}`}`);
      if (current === undefined || notReady(current) !== '') continue;
      // One round now, on data that is ready, rather than at the next scheduled evaluation.
      const before = pushes.length;
      current.evaluate();
      const desired = pushes.length > before ? pushes.at(-1) : undefined;
      const steered = current.services().filter((service) => service.mode !== 'unmanaged');
      const decisions = steered.flatMap((service) => (service.decision === undefined ? [] : [service.decision]));
      if (desired !== undefined && decisions.length === steered.length) round = { desired, decisions };
    }
  } finally {
    stop.abort();
    await settled;
  }
  const realized = await readOwned(config, options);
  const adopt = config.vmanage.policy.adopt;
  const diff = diffPolicy(renderPolicy(round.desired), realized, adopt === undefined ? {} : { adopt });
  return {
    decisions: round.decisions.map(planDecision).sort((a, b) => a.service.localeCompare(b.service)),
    changes: diff.changes.map((change) => ({ op: change.op, kind: change.kind, name: change.name })),
    conflicts: diff.conflicts,
  };
}

/** Logs in with the configured credentials and reads back what this cluster owns; logs out. */
async function readOwned(config: Config, options: PlanBridgeOptions): ReturnType<typeof readRealized> {
  const vmanage = await createTunnelCollector({ config: config.vmanage, env: options.env, logger: options.logger });
  try {
    return await readRealized(new VmanagePolicyClient(vmanage.session), config.cluster.name, config.vmanage.policy.adopt);
  } finally {
    await vmanage.close();
  }
}

/** Empty when every readiness condition holds; else which do not. */
function notReady(bridge: Bridge): string {
  return Object.entries(bridge.readiness())
    .map(([name, check]) => [name, check()] as const)
    .filter(([, state]) => !state.ready)
    .map(([name, state]) => `${name} not ready (${state.detail})`)
    .join(', ');
}

function planDecision(record: DecisionRecord): PlanDecision {
  return {
    service: `${record.service.namespace}/${record.service.name}`,
    from: record.from ?? null,
    to: record.to,
    mode: record.mode,
    reason: record.reason,
    message: record.message,
  };
}

export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  lines.push('Decisions:');
  if (plan.decisions.length === 0) lines.push('  (no steered Services)');
  for (const decision of plan.decisions) {
    const where = decision.from === null || decision.from !== decision.to ? `${decision.from ?? '(none)'} → ${decision.to}` : `stays on ${decision.to}`;
    lines.push(`  ${decision.service}: ${where} (${decision.mode}, ${decision.reason})`);
  }
  lines.push('Policy diff:');
  if (plan.changes.length === 0 && plan.conflicts.length === 0) lines.push('  (no changes)');
  for (const change of plan.changes) lines.push(`  ${change.op} ${change.kind} ${change.name}`);
  for (const conflict of plan.conflicts) lines.push(`  conflict ${conflict.kind} ${conflict.name}: the name is taken by an object Isthmus does not own (${conflict.foreignId}); left alone`);
  const moves = plan.decisions.filter((decision) => decision.from !== null && decision.from !== decision.to).length;
  lines.push(
    `${String(plan.decisions.length)} decision${plan.decisions.length === 1 ? '' : 's'} (${String(moves)} move${moves === 1 ? '' : 's'}), ${String(plan.changes.length)} policy change${plan.changes.length === 1 ? '' : 's'}, ${String(plan.conflicts.length)} conflict${plan.conflicts.length === 1 ? '' : 's'}; nothing was pushed`,
  );
  return `${lines.join('\n')}\n`;
}

function formatWait(ms: number): string {
  return ms % 1000 === 0 ? `${String(ms / 1000)}s` : `${String(ms)}ms`;
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`isthmus plan: ${message}\n`);
  return code;
}
