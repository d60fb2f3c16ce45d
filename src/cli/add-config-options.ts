import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import type { LoadConfigResult } from '../config/load-config.ts';
import type { CliIo } from './cli-io.ts';

/** The options every command that reads the configuration shares. */
export interface ConfigOptions {
  readonly config?: string;
  /** Undefined when no `--set` was given (no default, so that help does not show `default: []`). */
  readonly set?: readonly string[];
}

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `--config FILE` and the repeatable `--set path=value` to a command. */
export function addConfigOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'configuration file (YAML); default: $ISTHMUS_CONFIG, else defaults and environment only')
    .option('--set <path=value>', 'override one value, e.g. --set vmanage.url=https://vmanage.example.com (repeatable; wins over file and environment)', collect);
}

/**
 * Rejects a malformed `--set` as a usage error (exit 2). The message does not repeat the argument: a
 * mistyped `--set vmanage.password:…` must not echo a password into a CI log.
 */
export function checkSetSyntax(command: Command, options: ConfigOptions): void {
  for (const assignment of options.set ?? []) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) {
      command.error('error: --set expects path=value, e.g. --set vmanage.url=https://vmanage.example.com', { exitCode: 2, code: 'isthmus.invalidSet' });
    }
  }
}

/** Loads the configuration named by the options, from the real file system and the process environment. */
export function loadConfigFromOptions(options: ConfigOptions, io: CliIo): Promise<LoadConfigResult> {
  return loadConfig({ configPath: options.config, sets: options.set ?? [], env: io.env, readFile: (path) => readFile(path, 'utf8') });
}
