import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influxd.ts';

export interface ScrapeTarget {
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
  readonly scrapeUrl: string;
}

export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A real Prometheus server (the Debian 2.42 package) scraping given loopback targets every second, in a
 * temporary directory, its web API on a free loopback port. It checks what promtool cannot: that
 * Prometheus itself parses the OpenMetrics exposition it negotiates.
 */
export class PrometheusServer {
  readonly #dir: string;
  readonly #child: ChildProcess;
  readonly url: string;

  private constructor(dir: string, child: ChildProcess, url: string) {
    this.#dir = dir;
    this.#child = child;
    this.url = url;
  }


  static async start(targets: readonly string[]): Promise<PrometheusServer> {
    const dir = await mkdtemp(join(tmpdir(), 'isthmus-prometheus-'));
    const port = await freePort();
    const config = `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: isthmus\n    static_configs:\n      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]\n`;
    await writeFile(join(dir, 'prometheus.yml'), config);
    const log = openSync(join(dir, 'prometheus.log'), 'a');
    const child = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    running.add(child);
    const server = new PrometheusServer(dir, child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await server.#ready()) return server;
      await sleep(100);
    }
    const output = server.#log();
    await server.cleanup();
    throw new Error(`prometheus did not become ready; its log:\n${output}`);
  }

  async targets(): Promise<ScrapeTarget[]> {
    const body = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as { data: { activeTargets: ScrapeTarget[] } };
    return body.data.activeTargets;
  }

  /** Waits until every target was scraped once (its health is no longer unknown). */
  async waitForScrape(timeoutMs = 20_000): Promise<ScrapeTarget[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const targets = await this.targets();
      if (targets.length > 0 && targets.every((target) => target.health !== 'unknown')) return targets;
      await sleep(200);
    }
    throw new Error(`prometheus scraped no target within ${timeoutMs} ms`);
  }

  async query(expression: string): Promise<VectorSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = (await response.json()) as { status: string; error?: string; data?: { result: VectorSample[] } };
    if (body.status !== 'success') throw new Error(`query ${expression} failed: ${body.error ?? response.status}`);
    return body.data?.result ?? [];
  }

  async cleanup(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(this.#child);
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #ready(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
    } catch {
      return false;
    }
  }

  #log(): string {
    try {
      return readFileSync(join(this.#dir, 'prometheus.log'), 'utf8');
    } catch {
      return '(no log)';
    }
  }
}
