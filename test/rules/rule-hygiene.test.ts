import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportedMetricNames, promqlMetricNames } from '../support/promql-metric-names.ts';
import { alertingRules, allRules, loadRuleFiles, recordNames, ROOT, ruleFilePaths, ruleTestPaths } from './rule-files.ts';

/*
 * What promtool does not check: that every alert is unit-tested both firing and not firing, that the test
 * files stay within what promtool 2.42 accepts, and that the rules follow the conventions the dashboards,
 * runbooks and Alertmanager routing depend on.
 */

interface AlertCase {
  readonly alertname: string;
  readonly firing: boolean;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

interface RuleTestFile {
  readonly path: string;
  readonly document: Readonly<Record<string, unknown>>;
  readonly groups: readonly Readonly<Record<string, unknown>>[];
}

function loadRuleTests(): RuleTestFile[] {
  return ruleTestPaths().map((path) => {
    const document: unknown = parse(readFileSync(path, 'utf8'));
    if (!isRecord(document)) throw new Error(`${path}: not a map`);
    return { path, document, groups: list(document.tests).filter(isRecord) };
  });
}

function alertCases(files: readonly RuleTestFile[]): AlertCase[] {
  return files.flatMap((file) =>
    file.groups.flatMap((group) =>
      list(group.alert_rule_test)
        .filter(isRecord)
        .map((entry) => ({ alertname: String(entry.alertname), firing: list(entry.exp_alerts).length > 0 })),
    ),
  );
}

// The keys promtool 2.42's unit-test format knows (unitTestFile, testGroup, alertTestCase, …); newer
// ones are errors there, not ignored.
const FILE_KEYS = new Set(['rule_files', 'evaluation_interval', 'group_eval_order', 'tests']);
const GROUP_KEYS = new Set(['interval', 'name', 'input_series', 'alert_rule_test', 'promql_expr_test', 'external_labels', 'external_url']);

describe('rule unit tests', () => {
  const files = loadRuleTests();
  const cases = alertCases(files);
  const alerts = alertingRules().map((rule) => rule.alert);

  it.each(alerts)('test %s both firing and not firing', (alert) => {
    expect(cases.some((entry) => entry.alertname === alert && entry.firing), `no case where ${alert} fires`).toBe(true);
    expect(cases.some((entry) => entry.alertname === alert && !entry.firing), `no case where ${alert} stays quiet`).toBe(true);
  });

  it('test only alerts that exist', () => {
    const unknown = cases.map((entry) => entry.alertname).filter((name) => !alerts.includes(name));
    expect(unknown).toEqual([]);
  });

  it('load every rule file, and only rule files that exist', () => {
    const loaded = new Set(
      files.flatMap((file) =>
        list(file.document.rule_files).map((ruleFile) => {
          const path = resolve(dirname(file.path), String(ruleFile));
          expect(() => readFileSync(path), `${file.path} loads ${String(ruleFile)}, which does not exist`).not.toThrow();
          return path;
        }),
      ),
    );
    expect([...loaded].sort()).toEqual(ruleFilePaths());
  });

  it('stay within promtool 2.42: an interval on every test group, no newer keys', () => {
    for (const file of files) {
      expect(Object.keys(file.document).filter((key) => !FILE_KEYS.has(key)), file.path).toEqual([]);
      for (const group of file.groups) {
        const name = String(group.name);
        // 2.42 has no default for it: without one, every series loads at step 0 and every check gets nil.
        expect(group.interval, `${file.path}: test group "${name}" has no interval`).toEqual(expect.any(String));
        expect(Object.keys(group).filter((key) => !GROUP_KEYS.has(key)), `${file.path}: "${name}"`).toEqual([]);
      }
    }
  });
});

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];

describe('rule conventions', () => {
  const files = loadRuleFiles();
  const records = recordNames(files);
  const runbooks = readFileSync(join(ROOT, 'docs/runbooks.md'), 'utf8');
  const runbookSections = [...runbooks.matchAll(/^## (\S+)$/gm)].map((match) => match[1] ?? '');

  it('name recordings level:metric:operation, each once', () => {
    const names = allRules(files).flatMap((rule) => ('record' in rule ? [rule.record] : []));
    expect(names.length).toBe(records.size);
    for (const name of names) expect(name).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
  });

  it('record the SLI, error ratio and burn rate over every window, and the objective and budget', () => {
    for (const family of ['isthmus_slo_sli', 'isthmus_slo_errors', 'isthmus_slo_burn_rate']) {
      for (const window of WINDOWS) expect(records, `${family} ${window}`).toContain(`namespace_service:${family}:ratio_rate${window}`);
    }
    for (const name of ['namespace_service:isthmus_slo_compliant:min', 'namespace_service:isthmus_slo_objective:ratio', 'namespace_service:isthmus_slo_error_budget:ratio', 'namespace_service:isthmus_slo_error_budget_remaining:ratio']) {
      expect(records).toContain(name);
    }
  });

  it('alert on the workbook’s four burn-rate tiers, both windows over the same factor', () => {
    const tiers = alertingRules(files)
      .filter((rule) => rule.alert.startsWith('IsthmusSLO'))
      .map((rule) => {
        const windows = [...rule.expr.matchAll(/namespace_service:isthmus_slo_burn_rate:ratio_rate(\w+) > ([\d.]+)/g)].map((match) => [match[1], Number(match[2])] as const);
        return { alert: rule.alert, severity: rule.labels?.severity, long: rule.labels?.long_window, short: rule.labels?.short_window, windows };
      });
    expect(tiers).toEqual([
      { alert: 'IsthmusSLOFastBurn', severity: 'page', long: '1h', short: '5m', windows: [['1h', 14.4], ['5m', 14.4]] },
      { alert: 'IsthmusSLOMediumBurn', severity: 'page', long: '6h', short: '30m', windows: [['6h', 6], ['30m', 6]] },
      { alert: 'IsthmusSLOSlowBurn', severity: 'ticket', long: '1d', short: '2h', windows: [['1d', 3], ['2h', 3]] },
      { alert: 'IsthmusSLOLongTermBurn', severity: 'ticket', long: '3d', short: '6h', windows: [['3d', 1], ['6h', 1]] },
    ]);
  });

  it.each(alertingRules(files).map((rule) => [rule.alert, rule] as const))('give %s a severity, a summary, a description and a runbook section', (alert, rule) => {
    expect(['page', 'ticket']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toEqual(expect.any(String));
    expect(rule.annotations?.description).toEqual(expect.any(String));
    // GitHub's anchor for a "## AlertName" heading is the name in lower case.
    expect(rule.annotations?.runbook_url).toBe(`docs/runbooks.md#${alert.toLowerCase()}`);
    expect(runbookSections).toContain(alert);
  });

  it('keep no runbook section for an alert that does not exist', () => {
    const alerts = alertingRules(files).map((rule) => rule.alert);
    expect(runbookSections.filter((section) => !alerts.includes(section))).toEqual([]);
  });

  it('use only metrics the bridge exports, recordings, and `up` for the absent bridge', () => {
    const known = new Set([...exportedMetricNames(), ...records]);
    for (const rule of allRules(files)) {
      const unknown = [...promqlMetricNames(rule.expr)].filter((name) => !known.has(name) && !(name === 'up' && 'alert' in rule && rule.alert === 'IsthmusBridgeAbsent'));
      expect(unknown, rule.expr).toEqual([]);
    }
  });
});
