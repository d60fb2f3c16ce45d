import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../support/run-tool.ts';
import type { ToolRun } from '../support/run-tool.ts';
import { ruleFilePaths, ruleTestPaths } from './rule-files.ts';

/*
 * The rule files and their unit tests through the real promtool (2.42, the Debian package scripts/setup
 * installs). A promtool failure fails the test with promtool's own output; without promtool the suite is
 * skipped, and says why in its name.
 */

function output(run: ToolRun): string {
  return `promtool exited with ${String(run.code)}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

describe('promtool check rules and test rules', () => {
  it('checks every rule file: valid, and clean under every lint', async () => {
    const files = ruleFilePaths();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const run = await runTool('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', ...files], '', 30_000);
    expect(run.code, output(run)).toBe(0);
    expect(run.stdout.match(/SUCCESS: \d+ rules found/g), output(run)).toHaveLength(files.length);
  });

  it('passes every unit test in rules/tests', async () => {
    const tests = ruleTestPaths();
    expect(tests.length).toBeGreaterThanOrEqual(2);
    const run = await runTool('promtool', ['test', 'rules', ...tests], '', 60_000);
    expect(run.code, output(run)).toBe(0);
    expect(run.stdout, output(run)).not.toContain('FAILED');
    expect(run.stdout.match(/SUCCESS/g), output(run)).toHaveLength(tests.length);
  });

  it('fails on a wrong expectation, so a broken rule cannot pass unnoticed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'isthmus-promtool-'));
    try {
      const [ruleFile] = ruleFilePaths().filter((path) => path.endsWith('isthmus-operational.rules.yaml'));
      if (ruleFile === undefined) throw new Error('rules/isthmus-operational.rules.yaml is missing');
      // A healthy tunnel, and an expectation that it is reported down.
      const wrong = [
        'rule_files:',
        `  - ${JSON.stringify(ruleFile)}`,
        'evaluation_interval: 1m',
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        `      - series: 'isthmus_tunnel_up{local_site="100",remote_site="200"}'`,
        `        values: '1x20'`,
        '    alert_rule_test:',
        '      - eval_time: 15m',
        '        alertname: IsthmusTunnelDown',
        '        exp_alerts:',
        '          - exp_labels: {severity: ticket, local_site: "100", remote_site: "200"}',
        '',
      ].join('\n');
      const testFile = join(dir, 'wrong.test.yaml');
      await writeFile(testFile, wrong);
      const run = await runTool('promtool', ['test', 'rules', testFile], '', 30_000);
      expect(run.code, output(run)).not.toBe(0);
      expect(run.stdout + run.stderr).toContain('FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
