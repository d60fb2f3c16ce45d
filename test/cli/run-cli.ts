import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `isthmus` command in-process with captured output. */
export async function runCli(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    env: options.env ?? {},
  };
  const code = await main(['node', 'isthmus', ...args], io);
  return { code, stdout, stderr };
}
