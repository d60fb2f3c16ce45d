/**
 * `isthmus explain NS/SERVICE --api URL`: why a Service is on its tunnel, as the running bridge (the
 * leader) decided it. Reads `GET /api/v1/services/{ns}/{name}` and prints the explanation the bridge
 * rendered from its decision record (`explainDecision`), or the record itself with `-o json`.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { parseConfigDuration } from '../../config/config-duration.ts';
import { parseServiceKey } from '../../domain/service.ts';
import type { ServiceRef } from '../../domain/service.ts';
import type { CliIo } from '../cli-io.ts';
import type { CommandContext } from '../main.ts';

export const EXPLAIN_OUTPUT_FORMATS = ['text', 'json'] as const;

export interface ExplainOptions {
  readonly api: string;
  readonly output: (typeof EXPLAIN_OUTPUT_FORMATS)[number];
  readonly timeout: string;
}

const HELP = `
--api is the base URL of a running bridge's JSON API (its telemetry address, e.g. the one \`isthmus run\`
or \`isthmus demo\` prints); "/api/v1" is added unless the URL already ends with it. Ask the leader:
only the leader decides, so a follower has no decision to explain.

The explanation says which color the Service is on and in which mode (auto, pinned, fallback), the rule
that decided, the SLO and how it was judged (statistic and window, the site pairs), every candidate's
measurement and margin, and what would make it move. -o json prints the decision record instead:
{time, from, to, mode, reason, message, candidates, inputs, wouldMove, deferred}, times in ISO 8601.

Exit status: 0 when the Service is explained (or is known not to be steered), 1 when the bridge cannot
be reached, does not know the Service, or has no decision for it yet, 2 on a usage error.

Examples:
  $ isthmus explain shop/checkout --api http://127.0.0.1:9464
  $ isthmus explain payments/authorize --api http://isthmus.isthmus-system:9464/api/v1 -o json | jq .candidates
`;

export function registerExplainCommand(program: Command, context: CommandContext): void {
  program
    .command('explain')
    .description('why a Service is on its tunnel color, as the running bridge decided it')
    .argument('<service>', 'the Service, as NAMESPACE/NAME')
    .requiredOption('--api <url>', 'base URL of a running bridge (its /api/v1), e.g. http://127.0.0.1:9464')
    .addOption(new Option('-o, --output <format>', 'output format').choices(EXPLAIN_OUTPUT_FORMATS).default('text'))
    .option('--timeout <duration>', 'timeout of the request', '10s')
    .addHelpText('after', HELP)
    .action(async (service: string, options: ExplainOptions) => {
      context.exitCode = await runExplain(service, options, context.io);
    });
}

/** The body of `GET /api/v1/services/{ns}/{name}`, as far as explain reads it. */
interface ServiceBody {
  readonly service?: { readonly intent?: string; readonly color?: string | null };
  readonly decision?: unknown;
  readonly explanation?: string | null;
  readonly error?: string;
}

export async function runExplain(key: string, options: ExplainOptions, io: CliIo): Promise<number> {
  const ref = parseServiceKey(key);
  if (ref === undefined) return fail(io, `expected NAMESPACE/NAME, e.g. shop/checkout, not "${key}"`, 2);
  const timeoutMs = parseConfigDuration(options.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) return fail(io, `--timeout expects a duration such as 10s, not "${options.timeout}"`, 2);
  const url = serviceUrl(options.api, ref);
  if (url === undefined) return fail(io, `--api expects an http(s) URL such as http://127.0.0.1:9464, not "${options.api}"`, 2);

  let status: number;
  let body: ServiceBody;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    status = response.status;
    body = (await response.json()) as ServiceBody;
  } catch (error) {
    return fail(io, `cannot read ${url.href}: ${describeFetchError(error)}`, 1);
  }
  if (status === 404) return fail(io, `the bridge at ${options.api} knows no Service ${key}`, 1);
  if (status !== 200) return fail(io, `${url.href} answered ${String(status)}${body.error === undefined ? '' : `: ${body.error}`}`, 1);

  if (typeof body.explanation === 'string') {
    io.stdout(options.output === 'json' ? `${JSON.stringify(body.decision, null, 2)}\n` : body.explanation);
    return 0;
  }
  if (body.service?.intent === 'unmanaged') {
    io.stdout(`${key} is not steered: it has no Isthmus SLO or pin annotations; its traffic takes ${body.service.color ?? 'the fabric default color'}.\n`);
    return 0;
  }
  return fail(io, `no decision for ${key} yet: the bridge has not evaluated it, or it is a follower (ask the leader), or no color is allowed for it`, 1);
}

/** `…/api/v1/services/{ns}/{name}` under the given base; undefined unless http(s). */
export function serviceUrl(api: string, ref: ServiceRef): URL | undefined {
  let base: URL;
  try {
    base = new URL(api);
  } catch {
    return undefined;
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return undefined;
  const path = base.pathname.replace(/\/+$/, '');
  base.pathname = `${path.endsWith('/api/v1') ? path : `${path}/api/v1`}/services/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;
  return base;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`isthmus explain: ${message}\n`);
  return code;
}
