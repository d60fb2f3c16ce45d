/**
 * End to end: the shipped rules and dashboards against a real Prometheus 2.42 scraping two real
 * `isthmus demo` processes over loopback, for about 30 s of real time.
 *
 * The two demos play two clusters: the scrape adds a `cluster` target label to each (`healthy`: the
 * two-sites fabric with no incident; `blackout`: the same fabric where site 200's biz-internet circuit
 * goes dark a few seconds in, and payments may use no other color), which is the way rules/README.md
 * tells users to get a `cluster` label.
 *
 * Burn-rate windows are hours long and a demo's simulated time cannot speed Prometheus up, so this
 * asserts what 30 s of real time can show, with the rule files' expressions unchanged and only two
 * things compressed: every group is evaluated each second (the global evaluation interval) and every
 * `for:` is cut to 2 s. Windows longer than the data (1 h … 30 d) simply average over what there is,
 * so the long-window recordings and the dashboard panels over them have data too; `$__range` is 5 m.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { dashboardQueries, labelValuesQuery, loadDashboards, substituteVariables } from '../support/grafana-queries.ts';
import type { LoadedDashboard } from '../support/grafana-queries.ts';
import { PrometheusWithRules } from '../support/prometheus-with-rules.ts';
import type { ApiAlert } from '../support/prometheus-with-rules.ts';
import { loadRuleFiles, ROOT, ruleFilePaths } from '../rules/rule-files.ts';


const CLUSTERS = ['blackout', 'healthy'] as const;
type Cluster = (typeof CLUSTERS)[number];
/** Where the blackout scenario cuts the fabric. */
const BLACKOUT_SITE = '200';
const BLACKOUT_COLOR = 'biz-internet';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value, or fails with what it last saw. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, last: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last() === '' ? '' : `; last seen: ${last()}`}`);
    await sleep(500);
  }
}

/** The two-sites scenario without its brownout, and the same with a blackout two simulated minutes in. */
function scenarios(): Record<Cluster, string> {
  const twoSites = readFileSync(join(ROOT, 'simulator/scenarios/two-sites.yaml'), 'utf8');
  const quiet = twoSites.slice(0, twoSites.indexOf('\nincidents:') + 1);
  if (quiet.length < 100) throw new Error('simulator/scenarios/two-sites.yaml changed shape: no incidents section');
  return {
    healthy: quiet.replace('name: two-sites', 'name: e2e-healthy'),
    blackout: [
      // A blackout Isthmus cannot route around: payments may use only the color that goes dark, so the
      // optimizer has nowhere to move it (fallback) and its SLO burns.
      onlyColor(quiet.replace('name: two-sites', 'name: e2e-blackout'), 'tunnels: [biz-internet, public-internet]', `tunnels: [${BLACKOUT_COLOR}]`),
      'incidents:',
      `  - { name: frankfurt-biz-cut, kind: blackout, target: { site: ${BLACKOUT_SITE}, color: ${BLACKOUT_COLOR} }, at: 2m, duration: 2h }`,
      '',
    ].join('\n'),
  };
}

function onlyColor(scenario: string, candidates: string, only: string): string {
  if (!scenario.includes(candidates)) throw new Error(`simulator/scenarios/two-sites.yaml changed shape: no "${candidates}"`);
  return scenario.replace(candidates, only);
}

/** The shipped rule files, expressions unchanged, every `for:` cut to 2 s. */
function compressedRuleFiles(): Map<string, string> {
  return new Map(
    ruleFilePaths().map((path) => {
      const document = parse(readFileSync(path, 'utf8')) as { groups: { rules: Record<string, unknown>[] }[] };
      for (const rule of document.groups.flatMap((group) => group.rules)) if ('for' in rule) rule.for = '2s';
      return [basename(path), stringify(document)];
    }),
  );
}

interface Demo {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/** `isthmus demo` as a child process, as a user runs it; resolves once it prints where it serves. */
async function startDemo(scenarioFile: string): Promise<Demo> {
  const args = ['bin/isthmus.js', '--log-level', 'warn', 'demo', '--scenario', scenarioFile, '--port', '0', '--speed', '30', '--refresh', '10s', '--no-redraw'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await eventually(
      'the demo to serve',
      20_000,
      () => {
        if (child.exitCode !== null) throw new Error(`the demo exited with ${String(child.exitCode)}:\n${output}`);
        return Promise.resolve(/^isthmus demo: serving (http:\/\/127\.0\.0\.1:\d+)/m.exec(output)?.[1]);
      },
      () => output,
    );
    return { child, url, output: () => output };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

async function stopDemo(demo: Demo): Promise<void> {
  if (demo.child.exitCode !== null || demo.child.signalCode !== null) return;
  const exited = new Promise((resolve) => demo.child.once('exit', resolve));
  demo.child.kill('SIGTERM');
  const timer = setTimeout(() => demo.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function firing(alerts: readonly ApiAlert[], alertname: string, cluster: Cluster): ApiAlert[] {
  return alerts.filter((alert) => alert.labels.alertname === alertname && alert.labels.cluster === cluster && alert.state === 'firing');
}

function serviceKeys(samples: readonly { readonly metric: Readonly<Record<string, string>> }[]): string[] {
  return [...new Set(samples.map(({ metric }) => `${metric.cluster ?? '(none)'} ${metric.namespace ?? ''}/${metric.service ?? ''}`))].sort();
}

describe('the shipped rules and dashboards on a real Prometheus scraping two demos', () => {
  let dir: string | undefined;
  const demos = new Map<Cluster, Demo>();
  let prometheus: PrometheusWithRules | undefined;

  function server(): PrometheusWithRules {
    if (prometheus === undefined) throw new Error('prometheus did not start');
    return prometheus;
  }

  function diagnostics(): string {
    return [...demos].map(([cluster, demo]) => `--- demo ${cluster}\n${demo.output().slice(-3000)}`).join('\n') + `\n--- prometheus\n${prometheus?.log() ?? ''}`;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'isthmus-e2e-rules-'));
    const files = scenarios();
    await Promise.all(
      CLUSTERS.map(async (cluster) => {
        const file = join(dir ?? '', `${cluster}.yaml`);
        await writeFile(file, files[cluster]);
        demos.set(cluster, await startDemo(file));
      }),
    );
    prometheus = await PrometheusWithRules.start({
      job: 'isthmus',
      interval: '1s',
      targets: CLUSTERS.map((cluster) => ({ target: new URL(demos.get(cluster)?.url ?? '').host, labels: { cluster } })),
      ruleFiles: compressedRuleFiles(),
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.cleanup();
    await Promise.all([...demos.values()].map(stopDemo));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('loads every rule group of the shipped files and evaluates every rule without error', async () => {
    const expected = loadRuleFiles().flatMap((file) => file.groups.map((group) => `${group.name}: ${group.rules.map((rule) => ('record' in rule ? rule.record : rule.alert)).join(', ')}`));
    let seen = '';
    const groups = await eventually(
      'every rule to be evaluated',
      20_000,
      async () => {
        const loaded = await server().ruleGroups();
        seen = JSON.stringify(loaded.flatMap((group) => group.rules.filter((rule) => rule.health !== 'ok').map((rule) => [rule.name, rule.health, rule.lastError])));
        return loaded.every((group) => group.rules.every((rule) => rule.health === 'ok')) ? loaded : undefined;
      },
      () => seen,
    );
    expect(groups.map((group) => `${group.name}: ${group.rules.map((rule) => rule.name).join(', ')}`).sort()).toEqual(expected.sort());
  }, 30_000);

  it('records the SLI, error ratio and burn rate over the short windows for every Service with an SLO, per cluster', async () => {
    const withSlo = await eventually('both demos to export SLOs and compliance', 20_000, async () => {
      const objectives = serviceKeys(await server().query('isthmus_slo_objective_ratio'));
      const compliance = serviceKeys(await server().query('isthmus_slo_compliant'));
      return objectives.length >= CLUSTERS.length && objectives.join() === compliance.join() ? objectives : undefined;
    });
    // The same Services in both clusters (one scenario), shop/payments among them: the blackout cuts its color.
    expect(withSlo.filter((key) => key.startsWith('blackout ')).map((key) => key.slice('blackout '.length))).toEqual(withSlo.filter((key) => key.startsWith('healthy ')).map((key) => key.slice('healthy '.length)));
    expect(withSlo).toContain('blackout shop/payments');
    const recordings = ['isthmus_slo_sli', 'isthmus_slo_errors', 'isthmus_slo_burn_rate'].flatMap((family) => ['5m', '30m', '1h', '2h', '6h'].map((window) => `namespace_service:${family}:ratio_rate${window}`));
    for (const recording of [...recordings, 'namespace_service:isthmus_slo_error_budget_remaining:ratio']) {
      const recorded = await eventually(`${recording} for every Service`, 10_000, async () => {
        const keys = serviceKeys(await server().query(recording));
        return keys.join() === withSlo.join() ? keys : undefined;
      });
      expect(recorded, recording).toEqual(withSlo);
    }
    // The SLI is a share of time slices.
    for (const sample of await server().query('namespace_service:isthmus_slo_sli:ratio_rate5m')) {
      expect(Number(sample.value?.[1])).toBeGreaterThanOrEqual(0);
      expect(Number(sample.value?.[1])).toBeLessThanOrEqual(1);
    }
  }, 60_000);

  it('fires IsthmusTunnelDown for the blacked-out tunnels, and not in the healthy cluster', async () => {
    let last: ApiAlert[] = [];
    const down = await eventually(
      'IsthmusTunnelDown to fire in the blackout cluster',
      30_000,
      async () => {
        last = await server().alerts();
        const found = firing(last, 'IsthmusTunnelDown', 'blackout');
        return found.length > 0 ? found : undefined;
      },
      () => `${JSON.stringify(last.map((alert) => alert.labels))}\n${diagnostics()}`,
    );
    for (const alert of down) {
      const { local_site: localSite, local_color: localColor, remote_site: remoteSite, remote_color: remoteColor } = alert.labels;
      const cut = (localSite === BLACKOUT_SITE && localColor === BLACKOUT_COLOR) || (remoteSite === BLACKOUT_SITE && remoteColor === BLACKOUT_COLOR);
      expect(cut, JSON.stringify(alert.labels)).toBe(true);
      expect(alert.labels.severity).toBe('ticket');
      expect(alert.annotations.runbook_url).toMatch(/docs\/runbooks\.md#isthmustunneldown$/);
    }
    // The healthy cluster had every tunnel up throughout, and no tunnel alert even pending.
    const healthyTunnels = await server().query('min_over_time(isthmus_tunnel_up{cluster="healthy"}[1m])');
    expect(healthyTunnels.length).toBeGreaterThan(0);
    expect(healthyTunnels.map((sample) => sample.value?.[1])).toEqual(healthyTunnels.map(() => '1'));
    const alerts = await server().alerts();
    expect(alerts.filter((alert) => alert.labels.alertname === 'IsthmusTunnelDown' && alert.labels.cluster === 'healthy')).toEqual([]);
    expect(await server().query('ALERTS{alertname="IsthmusTunnelDown", cluster="healthy"}')).toEqual([]);
  }, 40_000);

  it('pages on the fast burn of the Service whose color went dark, and not for a Service compliant throughout', async () => {
    let last: ApiAlert[] = [];
    const fast = await eventually(
      'IsthmusSLOFastBurn to fire for blackout shop/payments',
      20_000,
      async () => {
        last = await server().alerts();
        const found = firing(last, 'IsthmusSLOFastBurn', 'blackout');
        return found.some((alert) => alert.labels.service === 'payments') ? found : undefined;
      },
      () => JSON.stringify(last.map((alert) => alert.labels)),
    );
    expect(fast.map((alert) => alert.labels)).toContainEqual({ alertname: 'IsthmusSLOFastBurn', cluster: 'blackout', namespace: 'shop', service: 'payments', severity: 'page', long_window: '1h', short_window: '5m' });
    const alwaysCompliant = serviceKeys(await server().query('min_over_time(namespace_service:isthmus_slo_compliant:min[5m]) == 1'));
    const sloAlerts = (await server().alerts()).filter((alert) => alert.labels.alertname?.startsWith('IsthmusSLO'));
    for (const alert of sloAlerts) expect(alwaysCompliant, JSON.stringify(alert.labels)).not.toContain(serviceKeys([{ metric: alert.labels }])[0]);
  }, 30_000);

  async function variableValues(loaded: LoadedDashboard, cluster: string): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    // In order: a variable's query may use the ones before it, as in Grafana.
    for (const variable of loaded.dashboard.templating.list) {
      if (variable.type === 'datasource') continue;
      const { selector, label } = labelValuesQuery(variable.definition ?? '');
      const options = (await server().labelValues(substituteVariables(selector, values), label)).sort();
      if (variable.name === 'cluster') {
        // The target label the scrape adds is what the cluster variable lists.
        expect(options, loaded.file).toEqual([...CLUSTERS]);
        values.cluster = cluster;
        continue;
      }
      expect(options.length, `${loaded.file}: $${variable.name} lists nothing (${variable.definition ?? ''})`).toBeGreaterThan(0);
      // "All" where the variable has it, otherwise Grafana's default: the first value.
      values[variable.name] = variable.includeAll ? (variable.allValue ?? '.*') : (options[0] ?? '');
    }
    return values;
  }

  it.each(['.*', 'blackout', 'healthy'])('returns data for every dashboard query, cluster %s, the other variables filled in from Prometheus', async (cluster) => {
    // Enough scraped history for the 15 s $__rate_interval windows.
    await sleep(2_000);
    const empty: string[] = [];
    let count = 0;
    for (const loaded of loadDashboards()) {
      const values = await variableValues(loaded, cluster);
      for (const query of dashboardQueries(loaded)) {
        const expression = substituteVariables(query.expr, values);
        const result = query.instant ? await server().query(expression) : await server().queryRange(expression, 30);
        count += 1;
        if (result.length === 0) empty.push(`${query.file}: ${query.panel} (${query.refId}): ${expression}`);
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(empty, `queries without data:\n${empty.join('\n')}`).toEqual([]);
  }, 30_000);
});
