import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/isthmus.js', import.meta.url));

/** `isthmus run` as a child process of its own: what a crash test kills. */
export interface BridgeProcess {
  readonly child: ChildProcess;
  /** The API base URL it printed once serving. */
  readonly url: string;
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Its log so far (stderr, JSON lines), for diagnosing a failed run. */
  log(): Promise<string>;
  /** SIGKILL: no shutdown hook runs, the Lease is left to expire, a push in flight is cut wherever it is. */
  kill(): Promise<number | NodeJS.Signals>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | NodeJS.Signals>;
}

export interface BridgeProcessOptions {
  readonly configFile: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where its stderr goes. */
  readonly logFile: string;
  /** How long to wait for it to serve. */
  readonly startTimeoutMs?: number;
}

/** Starts `bin/isthmus.js run --config FILE` on this Node and waits until it prints the URL it serves. */
export async function startBridgeProcess(options: BridgeProcessOptions): Promise<BridgeProcess> {
  const child = spawn(process.execPath, [BIN, '--log-level', 'debug', '--log-format', 'json', 'run', '--config', options.configFile], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logStream = createWriteStream(options.logFile);
  child.stderr.pipe(logStream);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal ?? code ?? -1);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`isthmus run did not serve within ${options.startTimeoutMs ?? 20_000} ms; stdout: ${stdout}`));
    }, options.startTimeoutMs ?? 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const served = /serving (http:\/\/\S+)/.exec(stdout)?.[1];
      if (served !== undefined) {
        clearTimeout(timer);
        resolve(served);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`isthmus run exited (${String(how)}) before serving; stdout: ${stdout}`));
    });
  });
  const log = async (): Promise<string> => readFile(options.logFile, 'utf8').catch(() => '');
  const kill = async (): Promise<number | NodeJS.Signals> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  };
  const stop = async (graceMs = 10_000): Promise<number | NodeJS.Signals> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, url, exited, log, kill, stop };
}
