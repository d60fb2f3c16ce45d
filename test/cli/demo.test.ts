import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('isthmus demo', () => {
  it('shows what the collector read from the emulated vManage, and the SLO verdicts during a brownout', async () => {
    // two-sites: public-internet browns out from 5m (+60 ms, +15 ms jitter, +2 % loss); payments needs ≤ 50 ms.
    const result = await runCli(['--log-level', 'warn', 'demo', '--scenario', 'two-sites', '--speed', '120', '--duration', '12m', '--refresh', '500ms', '--no-redraw']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summaries = result.stdout.split(/\n(?=Isthmus demo · )/);
    expect(summaries.length).toBeGreaterThanOrEqual(3);
    const last = summaries.at(-1) ?? '';
    expect(last).toMatch(/^Isthmus demo · scenario two-sites · .* simulated \(120× real time\)/);
    expect(last).toMatch(/vManage emulator http:\/\/127\.0\.0\.1:\d+ · collector ok · \d+ polls/);
    expect(last).toContain('isp-brownout  brownout on color public-internet');
    // Both directions of every same-color and cross-color tunnel between the two edges.
    expect(last.match(/edge-site(100|200)-1:\S+ → edge-site(100|200)-1:\S+/g)).toHaveLength(8);
    expect(last).toMatch(/shop\/payments {2}latency ≤ 50 ms, jitter ≤ 10 ms, loss ≤ 1\.00% {3}✓ biz-internet \(.+\) {3}✗ public-internet/);
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
