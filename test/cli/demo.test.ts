import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('isthmus demo', () => {
  it('shows what the bridge reads from the emulated cluster, Hubble and vManage, and the SLO verdicts', async () => {
    // two-sites: public-internet browns out from 5m (+60 ms, +15 ms jitter, +2 % loss); payments needs ≤ 50 ms
    // and prefers biz-internet, so it is assigned there and stays compliant; catalog has no SLO.
    const result = await runCli(['--log-level', 'warn', 'demo', '--scenario', 'two-sites', '--speed', '120', '--duration', '12m', '--refresh', '500ms', '--no-redraw']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^isthmus demo: serving http:\/\/127\.0\.0\.1:\d+ \(\/metrics, /);
    const summaries = result.stdout.split(/\n(?=Isthmus demo · )/).slice(1);
    expect(summaries.length).toBeGreaterThanOrEqual(3);
    const last = summaries.at(-1) ?? '';
    expect(last).toMatch(/^Isthmus demo · scenario two-sites · .* simulated \(120× real time\)/);
    expect(last).toMatch(/metrics http:\/\/127\.0\.0\.1:\d+\/metrics · API http:\/\/127\.0\.0\.1:\d+\/api\/v1\/services/);
    expect(last).toMatch(/vManage emulator http:\/\/127\.0\.0\.1:\d+ · collector ok · \d+ polls/);
    expect(last).toMatch(/Hubble emulator 127\.0\.0\.1:\d+ · connected · [1-9]\d* flows/);
    expect(last).toContain('isp-brownout  brownout on color public-internet');
    // Both directions of every same-color and cross-color tunnel between the two edges.
    expect(last.match(/edge-site(100|200)-1:\S+ → edge-site(100|200)-1:\S+/g)).toHaveLength(8);
    expect(last).toMatch(/shop\/payments +≤ 50 ms, jitter ≤ 10 ms, loss ≤ 1\.00% +biz-internet \(auto\) +✓ +\d+ ms, [\d.]+ ms, [\d.]+% +[\d.]+\n/);
    // Flows per second depend on how fast this machine keeps up at 120×; test/e2e/demo.test.ts checks
    // the traffic numbers at a pace any machine sustains.
    expect(last).toMatch(/shop\/catalog +- +public-internet \(default\) +- +.* +[\d.]+\n/);
    expect(last).toContain('shop/payments: biz-internet (auto, initial)');
    // The first summary comes before the brownout.
    expect(summaries[0]).toContain('Incidents: none under way');
  });

  it('refuses bad flags with a usage error', async () => {
    const result = await runCli(['demo', '--speed', 'fast']);
    expect(result).toMatchObject({ code: 2, stderr: 'isthmus demo: --speed expects a positive number such as 60, not "fast"\n' });
  });

  it('names the shipped scenarios when one is not found', async () => {
    const result = await runCli(['demo', '--scenario', 'no-such-scenario']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('isthmus demo: shipped scenarios: ');
  });
});
