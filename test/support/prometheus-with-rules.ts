import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port.ts';

/** A scrape target and the target labels Prometheus adds to its series (e.g. `cluster`). */
export interface LabelledTarget {
  readonly target: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PrometheusWithRulesOptions {
  readonly job: string;
  readonly targets: readonly LabelledTarget[];
  /** Rule files: their name in the temporary directory, and their text. */
  readonly ruleFiles: ReadonlyMap<string, string>;
  /** Scrape and rule evaluation interval. */
  readonly interval: string;
}

export interface ScrapeTarget {
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
  readonly scrapeUrl: string;
}

export interface ApiRule {
  readonly name: string;
  readonly type: 'recording' | 'alerting';
  readonly health: string;
  readonly lastError?: string;
  readonly lastEvaluation: string;
  readonly state?: string;
}

export interface ApiRuleGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly ApiRule[];
}

export interface ApiAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
}

export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value?: readonly [number, string];
  readonly values?: readonly (readonly [number, string])[];
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A real Prometheus (the Debian 2.42 package) on a free loopback port, in a temporary directory, scraping
 * labelled targets (every interval) and evaluating rule files (none is fine), with the API calls the
 * exposition, rule and dashboard end-to-end tests need.
 */
export class PrometheusWithRules {
  readonly #dir: string;
  readonly #child: ChildProcess;
  readonly url: string;

  private constructor(dir: string, child: ChildProcess, url: string) {
    this.#dir = dir;
    this.#child = child;
    this.url = url;
  }


  static async start(options: PrometheusWithRulesOptions): Promise<PrometheusWithRules> {
    const dir = await mkdtemp(join(tmpdir(), 'isthmus-prometheus-rules-'));
    const rulesDir = join(dir, 'rules');
    await mkdir(rulesDir);
    for (const [name, text] of options.ruleFiles) await writeFile(join(rulesDir, name), text);
    const config = {
      global: { scrape_interval: options.interval, scrape_timeout: options.interval, evaluation_interval: options.interval },
      rule_files: [...options.ruleFiles.keys()].map((name) => join(rulesDir, name)),
      scrape_configs: [{ job_name: options.job, static_configs: options.targets.map(({ target, labels }) => ({ targets: [target], labels })) }],
    };
    await writeFile(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    const log = openSync(join(dir, 'prometheus.log'), 'a');
    const child = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    running.add(child);
    const server = new PrometheusWithRules(dir, child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await server.#ready()) return server;
      await sleep(100);
    }
    const output = server.log();
    await server.cleanup();
    throw new Error(`prometheus did not become ready; its log:\n${output}`);
  }

  async #get<T>(path: string, params: Readonly<Record<string, string>> = {}): Promise<T> {
    const query = new URLSearchParams(params).toString();
    const response = await fetch(`${this.url}${path}${query === '' ? '' : `?${query}`}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; error?: string; data?: T };
    if (body.status !== 'success' || body.data === undefined) throw new Error(`${path} ${JSON.stringify(params)} failed: ${body.error ?? String(response.status)}`);
    return body.data;
  }

  async query(expression: string): Promise<Sample[]> {
    return (await this.#get<{ result: Sample[] }>('/api/v1/query', { query: expression })).result;
  }

  /** Over the last `seconds`, one point per `stepSeconds`, as Grafana's range queries. */
  async queryRange(expression: string, seconds: number, stepSeconds = 1): Promise<Sample[]> {
    const end = Date.now() / 1000;
    const params = { query: expression, start: String(end - seconds), end: String(end), step: String(stepSeconds) };
    return (await this.#get<{ result: Sample[] }>('/api/v1/query_range', params)).result;
  }

  /** What a Grafana `label_values(selector, label)` variable lists. */
  async labelValues(selector: string, label: string): Promise<string[]> {
    return this.#get<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, { 'match[]': selector });
  }

  async targets(): Promise<ScrapeTarget[]> {
    return (await this.#get<{ activeTargets: ScrapeTarget[] }>('/api/v1/targets')).activeTargets;
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

  async ruleGroups(): Promise<ApiRuleGroup[]> {
    return (await this.#get<{ groups: ApiRuleGroup[] }>('/api/v1/rules')).groups;
  }

  async alerts(): Promise<ApiAlert[]> {
    return (await this.#get<{ alerts: ApiAlert[] }>('/api/v1/alerts')).alerts;
  }

  log(): string {
    try {
      return readFileSync(join(this.#dir, 'prometheus.log'), 'utf8');
    } catch {
      return '(no log)';
    }
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
}
