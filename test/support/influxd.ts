import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/**
 * influxd 1.6 configuration for a test: HTTP and the backup/restore RPC port on 127.0.0.1 only, every
 * other listener (UDP, Graphite, collectd, OpenTSDB) left at its default of off, no usage reporting, no
 * _internal monitoring database, no continuous-query service, all state in the test's directory.
 */
function influxdConfig(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  pprof-enabled = false
`;
}

const running = new Set<ChildProcess>();
// A test run that dies must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => {
    resolve();
  }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A real InfluxDB 1.x server for one test file: started in a temporary directory on free loopback
 * ports, stoppable and restartable on the same port and data (to play an outage), removed at the end.
 */
export class Influxd {
  readonly dir: string;
  readonly port: number;
  readonly #configPath: string;
  readonly #logPath: string;
  #child: ChildProcess | undefined;

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
    this.#configPath = join(dir, 'influxdb.conf');
    this.#logPath = join(dir, 'influxd.log');
  }


  static async start(): Promise<Influxd> {
    const dir = await mkdtemp(join(tmpdir(), 'isthmus-influxd-'));
    const [httpPort, rpcPort] = [await freePort(), await freePort()];
    const server = new Influxd(dir, httpPort);
    await writeFile(server.#configPath, influxdConfig(dir, httpPort, rpcPort));
    try {
      await server.restart();
    } catch (error) {
      await server.cleanup();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts influxd (again) with the same configuration, ports and data; resolves once /ping answers. */
  async restart(timeoutMs = 15_000): Promise<void> {
    if (this.#child !== undefined) throw new Error('influxd is already running');
    const log = openSync(this.#logPath, 'a');
    const child = spawn('influxd', ['-config', this.#configPath], { stdio: ['ignore', log, log] });
    closeSync(log);
    this.#child = child;
    running.add(child);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await this.#pings()) return;
      await sleep(50);
    }
    await this.stop();
    throw new Error(`influxd did not come up on ${this.url} within ${timeoutMs} ms; its log:\n${this.#logTail()}`);
  }

  /** Stops influxd (SIGTERM, SIGKILL after 10 s); the data directory stays. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    const done = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
    running.delete(child);
  }

  /** Stops influxd and removes its directory. */
  async cleanup(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #pings(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1_000) });
      return response.status === 204;
    } catch {
      return false;
    }
  }

  #logTail(): string {
    try {
      return readFileSync(this.#logPath, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
