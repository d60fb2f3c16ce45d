import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildDashboards, DASHBOARDS_DIR, dashboardFileText, DATASOURCE, SCHEMA_VERSION } from '../../scripts/build-dashboards.ts';
import type { Variable } from '../../scripts/build-dashboards.ts';
import { allPanels, BUILTIN_VARIABLES, dashboardQueries, labelValuesQuery, loadDashboards, substituteVariables, variablesOf } from '../support/grafana-queries.ts';
import type { PanelQuery } from '../support/grafana-queries.ts';
import { exportedMetricNames, promqlMetricNames } from '../support/promql-metric-names.ts';
import { runTool } from '../support/run-tool.ts';
import { allRules, recordNames } from '../rules/rule-files.ts';

const dashboards = loadDashboards();
const records = recordNames();
const known = new Set([...exportedMetricNames(), ...records]);
const queries: PanelQuery[] = dashboards.flatMap(dashboardQueries);

function where(query: PanelQuery): string {
  return `${query.file}: ${query.panel} (${query.refId}): ${query.expr}`;
}

/** Every object under a `datasource` key, with its path. */
function datasourceReferences(value: unknown, path = ''): { readonly path: string; readonly ref: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item: unknown, index) => datasourceReferences(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Readonly<Record<string, unknown>>).flatMap(([key, child]) => [
    ...(key === 'datasource' ? [{ path: `${path}.${key}`, ref: child }] : []),
    ...datasourceReferences(child, `${path}.${key}`),
  ]);
}

/** Values for a dashboard's variables: "All" (`.*`) where it allows it, else a plausible value. */
function sampleValues(variables: readonly Variable[]): Record<string, string> {
  return Object.fromEntries(variables.map((variable) => [variable.name, variable.type === 'datasource' ? 'prometheus' : variable.includeAll ? '.*' : 'sample']));
}

describe('dashboards', () => {
  it('are what scripts/build-dashboards.ts builds', () => {
    const built = buildDashboards();
    expect(dashboards.map((loaded) => loaded.file)).toEqual([...built.keys()].sort());
    for (const [file, dashboard] of built) {
      expect(readFileSync(join(DASHBOARDS_DIR, file), 'utf8'), `dashboards/${file} is out of date: run \`npx node scripts/build-dashboards.ts\``).toBe(dashboardFileText(dashboard));
    }
  });

  it('are the four the design asks for, with unique uids and titles, at the current schema version', () => {
    expect(dashboards.map((loaded) => loaded.dashboard.title).sort()).toEqual(['Isthmus / Bridge health', 'Isthmus / Fleet overview', 'Isthmus / Service detail', 'Isthmus / Tunnels']);
    expect(new Set(dashboards.map((loaded) => loaded.dashboard.uid)).size).toBe(dashboards.length);
    for (const { dashboard } of dashboards) {
      expect(dashboard.uid).toMatch(/^[a-z0-9-]{8,40}$/);
      expect(dashboard.schemaVersion).toBe(SCHEMA_VERSION);
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    }
  });

  it.each(dashboards.map((loaded) => [loaded.file, loaded] as const))('%s: panel ids are unique, panels fit the 24-column grid', (_file, { dashboard }) => {
    const panels = allPanels(dashboard.panels);
    expect(panels.length).toBeGreaterThan(5);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size, `duplicate ids in ${ids.join(',')}`).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.title.length, `panel ${String(panel.id)} has no title`).toBeGreaterThan(0);
      if (panel.type !== 'row') expect(panel.targets?.length, `${panel.title} has no query`).toBeGreaterThan(0);
    }
  });

  it.each(dashboards.map((loaded) => [loaded.file, loaded] as const))('%s: every datasource reference is the ${datasource} variable', (_file, { dashboard }) => {
    const references = datasourceReferences(dashboard);
    expect(references.length).toBeGreaterThan(10);
    for (const { path, ref } of references) expect(ref, path).toEqual(DATASOURCE);
    const text = JSON.stringify(dashboard);
    expect(text).not.toMatch(/DS_PROMETHEUS|__inputs|"-- Grafana --"/);
    const datasource = dashboard.templating.list.find((variable) => variable.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });

  it('template the cluster everywhere, and namespace, Service, site and color between them', () => {
    const names = new Set(dashboards.flatMap((loaded) => loaded.dashboard.templating.list.map((variable) => variable.name)));
    for (const name of ['datasource', 'cluster', 'namespace', 'service', 'site', 'color']) expect(names).toContain(name);
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.templating.list.map((variable) => variable.name), file).toContain('cluster');
      for (const variable of dashboard.templating.list.filter((entry) => entry.type === 'query')) {
        expect(variable.datasource, `${file} $${variable.name}`).toEqual(DATASOURCE);
        const { selector } = labelValuesQuery(variable.definition ?? '');
        for (const metric of promqlMetricNames(selector)) expect(known, `${file} $${variable.name}`).toContain(metric);
        // "All" must match series without the label too (no cluster label on a single Prometheus).
        if (variable.includeAll) expect(variable.allValue).toBe('.*');
      }
    }
  });

  it.each(queries.map((query) => [`${query.file} ${query.panel} ${query.refId}`, query] as const))('%s uses only catalog metrics and recordings', (_name, query) => {
    const metrics = [...promqlMetricNames(query.expr)];
    expect(metrics.length, where(query)).toBeGreaterThan(0);
    expect(metrics.filter((metric) => !known.has(metric)), where(query)).toEqual([]);
  });

  it('filter every selector on the cluster, and use only variables the dashboard defines', () => {
    for (const loaded of dashboards) {
      const defined = new Set([...loaded.dashboard.templating.list.map((variable) => variable.name), ...Object.keys(BUILTIN_VARIABLES)]);
      for (const query of dashboardQueries(loaded)) {
        for (const metric of promqlMetricNames(query.expr)) {
          const escaped = metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          for (const match of query.expr.matchAll(new RegExp(`(?<![\\w:])${escaped}(?![\\w:])(\\{[^}]*\\})?`, 'g'))) {
            expect(match[1] ?? '', `${metric} without the cluster matcher in ${where(query)}`).toContain('cluster=~"$cluster"');
          }
        }
        for (const variable of variablesOf(query.expr)) expect(defined, where(query)).toContain(variable);
      }
    }
  });

  it('show every metric of the catalog somewhere, directly or through a recording rule', () => {
    const used = new Set(queries.flatMap((query) => [...promqlMetricNames(query.expr)]));
    // A recording rule's inputs count as shown when the recording is (transitively).
    const rules = allRules().flatMap((rule) => ('record' in rule ? [rule] : []));
    let grew = true;
    while (grew) {
      grew = false;
      for (const rule of rules) {
        if (!used.has(rule.record)) continue;
        for (const input of promqlMetricNames(rule.expr)) {
          if (!used.has(input)) {
            used.add(input);
            grew = true;
          }
        }
      }
    }
    const missing = [...exportedMetricNames()].filter((name) => !used.has(name) && !/_(sum|count)$/.test(name));
    expect(missing).toEqual([]);
  });

  it('have queries that parse as PromQL, variables filled in (promtool check rules)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'isthmus-dashboard-queries-'));
    try {
      const rules = dashboards.flatMap((loaded) => {
        const values = sampleValues(loaded.dashboard.templating.list);
        return dashboardQueries(loaded).map((query, index) => ({
          record: `isthmus_dashboard:${loaded.dashboard.uid.replaceAll('-', '_')}:query${index}`,
          expr: substituteVariables(query.expr, values),
        }));
      });
      const file = join(dir, 'queries.rules.yaml');
      await writeFile(file, stringify({ groups: [{ name: 'dashboard-queries', rules }] }));
      const run = await runTool('promtool', ['check', 'rules', file], '', 30_000);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
