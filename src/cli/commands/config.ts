/**
 * `isthmus config print | validate | schema`: the effective configuration, its validation (secret references
 * included, their values never shown), and its JSON Schema.
 */
import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { checkSecrets } from '../../config/check-secrets.ts';
import { configJsonSchema } from '../../config/config-json-schema.ts';
import { formatConfigProblem } from '../../config/config-problem.ts';
import type { ConfigProblem } from '../../config/config-problem.ts';
import { renderConfig } from '../../config/render-config.ts';
import type { ConfigOutputFormat } from '../../config/render-config.ts';
import { addConfigOptions, checkSetSyntax, loadConfigFromOptions } from '../add-config-options.ts';
import type { ConfigOptions } from '../add-config-options.ts';
import type { CliIo } from '../cli-io.ts';
import type { CommandContext } from '../main.ts';

interface PrintOptions extends ConfigOptions {
  readonly output: ConfigOutputFormat;
  readonly showOrigin?: boolean;
}

interface ValidateOptions extends ConfigOptions {
  readonly checkSecrets: boolean;
}

const CONFIG_HELP = `
Sources, later ones winning: defaults < file (--config FILE or $ISTHMUS_CONFIG)
< environment variables < --set flags.

Environment variables are ISTHMUS_ and the path in SCREAMING_SNAKE_CASE:
  vmanage.url                   ISTHMUS_VMANAGE_URL=https://vmanage.example.com
  hubble.tls.enabled            ISTHMUS_HUBBLE_TLS_ENABLED=true
  optimizer.failuresBeforeMove  ISTHMUS_OPTIMIZER_FAILURES_BEFORE_MOVE=3
  vmanage.password (reference)  ISTHMUS_VMANAGE_PASSWORD_ENV=VMANAGE_PASSWORD
Lists take a,b,c or YAML flow text ([a, b]); mappings take YAML flow text ({key: value}).

Secrets are never written in the configuration, only referenced:
  password: {env: VMANAGE_PASSWORD}
  password: {file: /var/run/secrets/isthmus/vmanage-password}

Examples:
  $ isthmus config print --config /etc/isthmus/config.yaml --show-origin
  $ isthmus config validate --config deploy/config.example.yaml
  $ isthmus config schema > isthmus-config.schema.json
`;

const PRINT_HELP = `
Secret references are printed as references; their values are never read.
With -o json --show-origin the output is {"config": …, "origins": {"vmanage.url": "…", …}}.

Examples:
  $ isthmus config print --config config.yaml
  $ isthmus config print --config config.yaml --set vmanage.url=https://vmanage.example.com --show-origin
  $ ISTHMUS_OPTIMIZER_DRY_RUN=true isthmus config print -o json
`;

const VALIDATE_HELP = `
Exits 0 when the configuration is valid, 1 with every problem on stderr (one per line, path: message)
when it is not, 2 on a usage error. Secret references must resolve (the variable set, the file readable)
unless --no-check-secrets is given, e.g. in CI where the secrets do not exist.

Examples:
  $ isthmus config validate --config config.yaml
  $ isthmus config validate --config config.yaml --no-check-secrets
  $ ISTHMUS_CONFIG=config.yaml isthmus config validate --set optimizer.dryRun=true
`;

function writeProblems(io: CliIo, problems: readonly ConfigProblem[]): void {
  for (const problem of problems) io.stderr(`${formatConfigProblem(problem)}\n`);
}

function errorCount(problems: readonly ConfigProblem[]): number {
  return problems.filter((problem) => problem.severity === 'error').length;
}

async function printConfig(options: PrintOptions, context: CommandContext): Promise<void> {
  const loaded = await loadConfigFromOptions(options, context.io);
  writeProblems(context.io, loaded.problems);
  if (!loaded.ok) {
    context.exitCode = 1;
    return;
  }
  const originOf = options.showOrigin === true ? loaded.originOf : undefined;
  context.io.stdout(renderConfig(loaded.config, { format: options.output, ...(originOf ? { originOf } : {}) }));
}

async function validate(options: ValidateOptions, context: CommandContext): Promise<void> {
  const { io } = context;
  const loaded = await loadConfigFromOptions(options, io);
  const secretProblems = loaded.ok && options.checkSecrets ? await checkSecrets(loaded.config, io.env, (path) => readFile(path, 'utf8')) : [];
  const problems = [...loaded.problems, ...secretProblems];
  writeProblems(io, problems);
  const errors = errorCount(problems);
  const source = loaded.file ?? 'defaults and environment (no configuration file)';
  if (errors > 0) {
    io.stderr(`${source}: invalid, ${errors} ${errors === 1 ? 'problem' : 'problems'}\n`);
    context.exitCode = 1;
    return;
  }
  io.stdout(`${source}: valid\n`);
}

export function registerConfigCommand(program: Command, context: CommandContext): void {
  const config = program
    .command('config')
    .description('print, validate and describe the configuration')
    .addHelpText('after', CONFIG_HELP);

  addConfigOptions(config.command('print').description('print the effective configuration: defaults, file, environment and --set, merged'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--show-origin', 'annotate each value with where it came from (file:line, environment variable, --set flag or default)')
    .addHelpText('after', PRINT_HELP)
    .action(async (options: PrintOptions, command: Command) => {
      checkSetSyntax(command, options);
      await printConfig(options, context);
    });

  addConfigOptions(config.command('validate').description('check the configuration and that its secret references resolve'))
    .option('--no-check-secrets', 'do not try to resolve secret references')
    .addHelpText('after', VALIDATE_HELP)
    .action(async (options: ValidateOptions, command: Command) => {
      checkSetSyntax(command, options);
      await validate(options, context);
    });

  config
    .command('schema')
    .description('print the JSON Schema of the configuration file')
    .addHelpText('after', '\nExample:\n  $ isthmus config schema > isthmus-config.schema.json\n')
    .action(() => {
      context.io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
