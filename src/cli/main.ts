import { Command, CommanderError, Option } from 'commander';
import { LOG_FORMATS, LOG_LEVELS, createLogger } from '../telemetry/logger.ts';
import type { LogFormat, LogLevel, Logger } from '../telemetry/logger.ts';
import { processIo } from './cli-io.ts';
import type { CliIo } from './cli-io.ts';
import { readVersion } from './version.ts';
import { registerLintCommand } from './commands/lint.ts';
import { registerConfigCommand } from './commands/config.ts';
import { registerTunnelsCommand } from './commands/tunnels.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerObserveCommand } from './commands/observe.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerExplainCommand } from './commands/explain.ts';
import { registerPlanCommand } from './commands/plan.ts';

/** What every command gets: its output streams, a logger built from the global flags, an exit code to set. */
export interface CommandContext {
  readonly io: CliIo;
  logger(): Logger;
  exitCode: number;
}

interface GlobalOptions {
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export function buildProgram(context: CommandContext): Command {
  const program = new Command('isthmus')
    .description('Observability bridge and SLO-aware auto-mapper between Cilium/Hubble and Cisco Catalyst SD-WAN')
    .version(readVersion(), '-V, --version')
    .addOption(new Option('--log-level <level>', 'log verbosity').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(LOG_FORMATS).default('json'))
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: context.io.stdout, writeErr: context.io.stderr })
    .exitOverride();
  registerLintCommand(program, context);
  registerConfigCommand(program, context);
  registerTunnelsCommand(program, context);
  registerSimulateCommand(program, context);
  registerDemoCommand(program, context);
  registerObserveCommand(program, context);
  registerRunCommand(program, context);
  registerExplainCommand(program, context);
  registerPlanCommand(program, context);
  return program;
}

/** Runs the command line; resolves to the process exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let logger: Logger | undefined;
  const context: CommandContext = {
    io,
    exitCode: 0,
    logger() {
      if (!logger) {
        const options = program.opts<GlobalOptions>();
        logger = createLogger({ level: options.logLevel, format: options.logFormat });
      }
      return logger;
    },
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv]);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors exit 2, as the commands document.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(`isthmus: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
