import { describe, expect, it } from 'vitest';
import { COLORS } from '../../src/domain/color.ts';
import { runCli } from './run-cli.ts';

// Paths are relative to the repository root, where the tests run (as in frame.test.ts), so that the
// output shows them as a user would type them.
const FIXTURES = 'test/fixtures/lint';
const ALL_COLORS = `(${COLORS.join(', ')})`;
const NOT_STEERED = 'the Service is not steered until this is fixed';

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('isthmus lint', () => {
  it('reports bad Services in a multi-document file, at the line of each annotation key', async () => {
    const file = `${FIXTURES}/services.yaml`;
    const result = await runCli(['lint', file]);
    expect(lines(result.stdout)).toEqual([
      `${file}:37: error: Service shop/payments: isthmus.io/max-latency: "5000ms" is out of range; expected a latency from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 50ms; ${NOT_STEERED}`,
      `${file}:38: error: Service shop/payments: isthmus.io/tunnels: "mpls,biz-internt": "biz-internt" is not a color (did you mean biz-internet?); expected a comma-separated list of colors ${ALL_COLORS}; ${NOT_STEERED}`,
      `${file}:39: warning: Service shop/payments: isthmus.io/max-latncy: "50ms" is not an Isthmus annotation and is ignored; did you mean isthmus.io/max-latency?`,
      `${file}:47: error: Service shop/legacy: policy.sdwan.cisco.com/tunnel: "lte" conflicts with isthmus.io/tunnel: Isthmus' own annotation wins, so isthmus.io/tunnel pins the Service to mpls; expected the same color in both, or only isthmus.io/tunnel`,
    ]);
    expect(result.stderr).toBe('1 file, 4 services, 3 errors, 1 warning\n');
    expect(result.code).toBe(1);
  });

  it('exits 0 with no output on clean manifests', async () => {
    const result = await runCli(['lint', `${FIXTURES}/clean.yaml`]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '1 file, 2 services, 0 errors, 0 warnings\n' });
  });

  it('allows warnings, unless --strict', async () => {
    const file = `${FIXTURES}/warnings.yaml`;
    const expected = [
      `${file}:8: warning: Service media/video: isthmus.io/tunnels: "mpls, lte, mpls" lists mpls more than once; only the first position counts; expected each color once`,
      `${file}:9: warning: Service media/video: isthmus.io/allowed-tunnels: "mpls" is a Namespace annotation and has no effect on a Service; set it on the Namespace (or in configuration) to limit colors, or use isthmus.io/tunnels to choose this Service's candidates`,
    ];
    const lenient = await runCli(['lint', file]);
    expect(lines(lenient.stdout)).toEqual(expected);
    expect(lenient.code).toBe(0);
    const strict = await runCli(['lint', '--strict', file]);
    expect(lines(strict.stdout)).toEqual(expected);
    expect(strict.stderr).toBe('1 file, 1 service, 0 errors, 2 warnings\n');
    expect(strict.code).toBe(1);
  });

  it('reads JSON manifests', async () => {
    const file = `${FIXTURES}/services.json`;
    const result = await runCli(['lint', file]);
    expect(lines(result.stdout)).toEqual([
      `${file}:8: error: Service edge/api: isthmus.io/max-jitter: "10 ms" is not a duration (whitespace inside; write 50ms, with no space between number and unit); expected a jitter from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 10ms; ${NOT_STEERED}`,
      `${file}:9: error: Service edge/api: isthmus.io/fallback: "best_effort" is not a fallback mode (did you mean best-effort?); expected best-effort (use the least-bad color) or hold (keep the current one); ${NOT_STEERED}`,
    ]);
    expect(result.code).toBe(1);
  });

  it('checks the items of a kind: List, Namespaces included', async () => {
    const file = `${FIXTURES}/list.yaml`;
    const result = await runCli(['lint', file]);
    expect(lines(result.stdout)).toEqual([
      `${file}:17: error: Service data/queue: isthmus.io/objective: "100%" leaves no error budget (burn-rate alerts divide by 100% minus the objective); expected a percentage above 0% and below 100%, e.g. 99.9%; the default 99% is used meanwhile`,
      `${file}:18: error: Service data/queue: isthmus.io/max-loss: "2%" conflicts with isthmus.io/tunnel: the pin wins, isthmus.io/tunnel pins the Service and isthmus.io/max-loss does not steer it (it only feeds compliance metrics and alerts); expected either the pin, or isthmus.io/tunnels and SLO bounds`,
      `${file}:19: error: Service data/queue: isthmus.io/tunnel: "MPLS" is not a color (did you mean mpls?); expected one color, e.g. mpls; ${NOT_STEERED}`,
      `${file}:25: error: Namespace data: isthmus.io/allowed-tunnels: "mpls,privat1": "privat1" is not a color (did you mean private1?); expected a comma-separated list of colors ${ALL_COLORS}; those entries are dropped`,
    ]);
    expect(result.stderr).toBe('1 file, 2 services, 4 errors, 0 warnings\n');
    expect(result.code).toBe(1);
  });

  it('exits 2 on a YAML syntax error, naming file and line, and still checks the other documents', async () => {
    const file = `${FIXTURES}/broken.yaml`;
    const result = await runCli(['lint', file]);
    expect(lines(result.stdout)).toEqual([
      `${file}:6: error: Service fine: isthmus.io/max-latency: "2000ms" is out of range; expected a latency from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 50ms; ${NOT_STEERED}`,
      `${file}:13: error: cannot be parsed: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
    expect(result.code).toBe(2);
  });

  it('exits 2 on a missing file, after checking the others', async () => {
    const result = await runCli(['lint', `${FIXTURES}/clean.yaml`, `${FIXTURES}/missing.yaml`, `${FIXTURES}/services.json`]);
    const output = lines(result.stdout);
    expect(output[0]).toBe(`${FIXTURES}/missing.yaml: error: cannot be read: no such file`);
    expect(output.slice(1).map((line) => line.slice(0, line.indexOf(': error: ')))).toEqual([`${FIXTURES}/services.json:8`, `${FIXTURES}/services.json:9`]);
    expect(result.stderr).toBe('3 files, 3 services, 3 errors, 0 warnings\n');
    expect(result.code).toBe(2);
  });

  it('exits 2 on a directory', async () => {
    const result = await runCli(['lint', FIXTURES]);
    expect(result.stdout).toBe(`${FIXTURES}: error: is a directory; name the manifest files (e.g. dir/*.yaml)\n`);
    expect(result.code).toBe(2);
  });

  it('reads standard input for -', async () => {
    const stdin = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  namespace: shop', '  annotations:', '    isthmus.io/max-latency: 50MS', ''].join('\n');
    const result = await runCli(['lint', '-'], { stdin });
    expect(result.stdout).toBe(
      `<stdin>:7: error: Service shop/web: isthmus.io/max-latency: "50MS" is not a duration (unknown unit "MS": units are case-sensitive; did you mean "ms"?); expected a latency from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 50ms; ${NOT_STEERED}\n`,
    );
    expect(result.stderr).toBe('1 file, 1 service, 1 error, 0 warnings\n');
    expect(result.code).toBe(1);
  });

  it('exits 2 on a syntax error on standard input', async () => {
    const result = await runCli(['lint', '-'], { stdin: 'kind: Service\nkind: Service\n' });
    expect(result.stdout).toBe('<stdin>:2: error: cannot be parsed: Map keys must be unique\n');
    expect(result.code).toBe(2);
  });

  it('flags annotation values Kubernetes would refuse (numbers, YAML 1.1 booleans), quoting what was written', async () => {
    const stdin = ['kind: Service', 'metadata:', '  name: web', '  annotations:', '    isthmus.io/max-loss: 1', '    isthmus.io/fallback: no', '    unrelated: 5'].join('\n');
    const result = await runCli(['lint', '-'], { stdin });
    expect(lines(result.stdout)).toEqual([
      '<stdin>:5: error: Service web: isthmus.io/max-loss: the value is a number, but Kubernetes accepts only strings as annotation values; expected a string: quote it, "1"',
      `<stdin>:5: error: Service web: isthmus.io/max-loss: "1" is not a percentage (unit missing; expected % after the number, e.g. 1%); expected a loss from 0% to 100% (the range of an SD-WAN SLA class), e.g. 1%; ${NOT_STEERED}`,
      '<stdin>:6: error: Service web: isthmus.io/fallback: the value is a boolean, but Kubernetes accepts only strings as annotation values; expected a string: quote it, "no"',
      `<stdin>:6: error: Service web: isthmus.io/fallback: "no" is not a fallback mode; expected best-effort (use the least-bad color) or hold (keep the current one); ${NOT_STEERED}`,
    ]);
  });

  it('ignores Services of other API groups (a Knative Service)', async () => {
    const stdin = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: fn\n  annotations:\n    isthmus.io/max-latency: bogus\n';
    const result = await runCli(['lint', '-'], { stdin });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '1 file, 0 services, 0 errors, 0 warnings\n' });
  });

  it('cannot be made to forge output lines by hostile names and values', async () => {
    const stdin = JSON.stringify({
      kind: 'Service',
      metadata: { name: 'web\nx.yaml:1: error: forged', namespace: '\u202eshop', annotations: { 'isthmus.io/tunnel': 'mpls\nx.yaml:2: error: forged' } },
    });
    const result = await runCli(['lint', '-'], { stdin });
    expect(lines(result.stdout)).toEqual([
      `<stdin>:1: error: Service "\\u{202E}shop"/"web\\nx.yaml:1: error: forged": isthmus.io/tunnel: "mpls\\nx.yaml:2: error: forged" is not a color (did you mean mpls?); expected one color, e.g. mpls; ${NOT_STEERED}`,
    ]);
  });

  it('copes with a megabyte-long annotation value', async () => {
    const stdin = `kind: Service\nmetadata:\n  name: big\n  annotations:\n    isthmus.io/tunnels: "${'mpls,'.repeat(200_000)}"\n`;
    const result = await runCli(['lint', '-'], { stdin });
    expect(lines(result.stdout)).toEqual([
      `<stdin>:5: error: Service big: isthmus.io/tunnels: "${'mpls,'.repeat(16)}"… (1000000 characters in all) is too long (1000000 characters; at most 1024); expected a comma-separated list of colors; ${NOT_STEERED}`,
    ]);
    expect(result.code).toBe(1);
  });

  it('suppresses the summary with --quiet', async () => {
    const result = await runCli(['lint', '--quiet', `${FIXTURES}/services.yaml`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });

  it('prints machine-readable findings and intents with -o json', async () => {
    const file = `${FIXTURES}/services.yaml`;
    const result = await runCli(['lint', '-o', 'json', '--quiet', file]);
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout) as {
      summary: unknown;
      findings: { line: number; code: string; key: string; object: unknown }[];
      services: { name: string; line: number; intent: unknown }[];
      namespaces: unknown[];
    };
    expect(output.summary).toEqual({ files: 1, services: 4, namespaces: 1, errors: 3, warnings: 1, unreadable: 0 });
    expect(output.findings.map((finding) => [finding.line, finding.code, finding.key])).toEqual([
      [37, 'InvalidSLO', 'isthmus.io/max-latency'],
      [38, 'InvalidColor', 'isthmus.io/tunnels'],
      [39, 'UnknownKey', 'isthmus.io/max-latncy'],
      [47, 'ConflictingKeys', 'policy.sdwan.cisco.com/tunnel'],
    ]);
    expect(output.findings[0]?.object).toEqual({ kind: 'Service', namespace: 'shop', name: 'payments' });
    expect(output.services.map((service) => [service.name, service.line, service.intent])).toEqual([
      [
        'checkout',
        9,
        {
          mode: 'auto',
          slo: { bounds: { maxLatencySeconds: 0.05, maxLossRatio: 0.01 }, objective: 0.99, windowSeconds: 2_592_000 },
          candidates: ['mpls', 'biz-internet'],
          fallback: 'best-effort',
        },
      ],
      ['payments', 31, { mode: 'unmanaged' }],
      ['legacy', 41, { mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel' }],
      ['plain', 50, { mode: 'unmanaged' }],
    ]);
    expect(output.namespaces).toEqual([{ file, line: 2, name: 'shop', allowedTunnels: ['mpls', 'biz-internet', 'lte'] }]);
  });

  it('explains exit codes and gives examples in its help', async () => {
    const result = await runCli(['lint', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: isthmus lint [options] <files...>');
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('  2  unreadable input');
    expect(result.stdout).toContain('$ kustomize build overlays/prod | isthmus lint --strict -');
  });

  it('is listed in the top-level help', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toMatch(/lint \[options\] <files\.\.\.>/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['lint'])).code).toBe(2);
    const badFormat = await runCli(['lint', '-o', 'xml', '-']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Allowed choices are text, json');
  });
});
