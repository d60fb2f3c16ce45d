import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { buildDeployAssets, DASHBOARD_CONFIGMAPS_FILE, PROMETHEUS_OPERATOR_COMPONENT, PROMETHEUS_RULE_FILE, RULE_FILES } from '../../scripts/build-deploy-assets.ts';
import { runTool } from '../support/run-tool.ts';
import { ROOT } from './rule-files.ts';

/*
 * The PrometheusRule and dashboard ConfigMaps of deploy/components/prometheus-operator/ are generated from
 * rules/ and dashboards/ by scripts/build-deploy-assets.ts. These tests fail when someone edits a source
 * and forgets to re-run it, or edits the output by hand. test/deploy/ checks the overlay that uses them.
 */
const REBUILD = 'out of date: run `npx node scripts/build-deploy-assets.ts`';

function readRepositoryFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: { readonly groups: readonly unknown[] };
  readonly data?: Readonly<Record<string, string>>;
}

describe(PROMETHEUS_OPERATOR_COMPONENT, () => {
  const built = buildDeployAssets();

  it.each([...built.keys()])('%s is up to date with its sources', (path) => {
    expect(readRepositoryFile(path), `${path} is ${REBUILD}`).toBe(built.get(path));
  });

  it('holds every group of the rule files, unchanged, in one PrometheusRule', () => {
    const rule = parse(readRepositoryFile(PROMETHEUS_RULE_FILE)) as Manifest;
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'isthmus' } });
    const groups = RULE_FILES.flatMap((file) => (parse(readRepositoryFile(file)) as { groups: unknown[] }).groups);
    expect(rule.spec?.groups).toEqual(groups);
  });

  it('has rule groups promtool accepts', async () => {
    const rule = parse(readRepositoryFile(PROMETHEUS_RULE_FILE)) as Manifest;
    const dir = await mkdtemp(join(tmpdir(), 'isthmus-prometheus-rule-'));
    try {
      const file = join(dir, 'groups.yaml');
      await writeFile(file, stringify({ groups: rule.spec?.groups }));
      const run = await runTool('promtool', ['check', 'rules', file], '', 30_000);
      expect(run.code, run.stdout + run.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ships every dashboard as its own ConfigMap for Grafana’s sidecar, the JSON unchanged', () => {
    const documents = parseAllDocuments(readRepositoryFile(DASHBOARD_CONFIGMAPS_FILE)).map((document) => document.toJS() as Manifest);
    const dashboards = readdirSync(join(ROOT, 'dashboards'))
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(documents.map((document) => Object.keys(document.data ?? {})).flat()).toEqual(dashboards);
    for (const document of documents) {
      expect(document).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { grafana_dashboard: '1' } } });
      expect(document.metadata.name).toMatch(/^isthmus-dashboard-[a-z0-9-]+$/);
      for (const [file, json] of Object.entries(document.data ?? {})) expect(json).toBe(readRepositoryFile(join('dashboards', file)));
    }
    expect(new Set(documents.map((document) => document.metadata.name)).size).toBe(documents.length);
  });

  it('is a kustomize component of the generated files and the ServiceMonitor', () => {
    const kustomization = parse(readRepositoryFile(`${PROMETHEUS_OPERATOR_COMPONENT}/kustomization.yaml`)) as { kind: string; resources: string[] };
    expect(kustomization.kind).toBe('Component');
    const expected = [...built.keys(), `${PROMETHEUS_OPERATOR_COMPONENT}/service-monitor.yaml`].sort();
    expect(kustomization.resources.map((file) => `${PROMETHEUS_OPERATOR_COMPONENT}/${file}`).sort()).toEqual(expected);
  });
});
