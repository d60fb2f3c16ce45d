import { describe, expect, it } from 'vitest';
import type { Problem } from './problem.ts';
import {
  MAX_COLOR_LIST_LENGTH,
  isIsthmusRelated,
  parseAllowedTunnels,
  parseNamespaceAnnotations,
  parseServiceAnnotations,
} from './slo-annotations.ts';
import { DEFAULT_OBJECTIVE, DEFAULT_WINDOW_SECONDS } from './slo.ts';

const DAY = 86_400;

/** `severity code key` of each problem: the shape most tests care about. */
function summary(problems: readonly Problem[]): string[] {
  return problems.map((problem) => `${problem.severity} ${problem.code} ${problem.key}`);
}

function only(problems: readonly Problem[]): Problem {
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  if (problem === undefined) throw new Error('unreachable');
  return problem;
}

describe('parseServiceAnnotations: Services without Isthmus annotations', () => {
  it('leaves a Service without annotations unmanaged, with no problems', () => {
    expect(parseServiceAnnotations({})).toEqual({ intent: { mode: 'unmanaged' }, problems: [] });
  });

  it('ignores other tools\' annotations', () => {
    const annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'policy.sdwan.cisco.com/other': 'x',
      objective: 'whatever',
    };
    expect(parseServiceAnnotations(annotations)).toEqual({ intent: { mode: 'unmanaged' }, problems: [] });
  });
});

describe('parseServiceAnnotations: auto mode', () => {
  it('reads a full SLO', () => {
    const result = parseServiceAnnotations({
      'isthmus.io/max-latency': '50ms',
      'isthmus.io/max-loss': '1%',
      'isthmus.io/max-jitter': '10ms',
      'isthmus.io/objective': '99.9%',
      'isthmus.io/window': '4w',
      'isthmus.io/tunnels': 'mpls,biz-internet',
      'isthmus.io/fallback': 'hold',
    });
    expect(result).toEqual({
      intent: {
        mode: 'auto',
        slo: {
          bounds: { maxLatencySeconds: 0.05, maxLossRatio: 0.01, maxJitterSeconds: 0.01 },
          objective: 0.999,
          windowSeconds: 28 * DAY,
        },
        candidates: ['mpls', 'biz-internet'],
        fallback: 'hold',
      },
      problems: [],
    });
  });

  it('uses the defaults: objective 99%, window 30d, every color, best-effort', () => {
    expect(parseServiceAnnotations({ 'isthmus.io/max-latency': '0.05s' })).toEqual({
      intent: {
        mode: 'auto',
        slo: { bounds: { maxLatencySeconds: 0.05 }, objective: DEFAULT_OBJECTIVE, windowSeconds: DEFAULT_WINDOW_SECONDS },
        candidates: undefined,
        fallback: 'best-effort',
      },
      problems: [],
    });
  });

  it('steers on a tunnels list alone (preference order, no bounds)', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnels': ' mpls , lte ', 'isthmus.io/fallback': 'best-effort' });
    expect(result.problems).toEqual([]);
    expect(result.intent).toMatchObject({ mode: 'auto', candidates: ['mpls', 'lte'], slo: { bounds: {} } });
  });

  it('ignores surrounding whitespace in every value', () => {
    const result = parseServiceAnnotations({
      'isthmus.io/max-latency': ' 50ms\n',
      'isthmus.io/objective': '\t99%',
      'isthmus.io/fallback': 'hold ',
    });
    expect(result.problems).toEqual([]);
    expect(result.intent).toMatchObject({ mode: 'auto', fallback: 'hold', slo: { objective: 0.99 } });
  });
});

describe('parseServiceAnnotations: SD-WAN SLA limits', () => {
  it.each([
    ['isthmus.io/max-latency', '1ms', { maxLatencySeconds: 0.001 }],
    ['isthmus.io/max-latency', '1000ms', { maxLatencySeconds: 1 }],
    ['isthmus.io/max-latency', '1s', { maxLatencySeconds: 1 }],
    ['isthmus.io/max-latency', '1000us', { maxLatencySeconds: 0.001 }],
    ['isthmus.io/max-jitter', '1ms', { maxJitterSeconds: 0.001 }],
    ['isthmus.io/max-jitter', '1000ms', { maxJitterSeconds: 1 }],
    ['isthmus.io/max-loss', '0%', { maxLossRatio: 0 }],
    ['isthmus.io/max-loss', '100%', { maxLossRatio: 1 }],
    ['isthmus.io/max-loss', '0.1%', { maxLossRatio: 0.001 }],
  ])('accepts %s: %s at the limit', (key, value, bounds) => {
    const result = parseServiceAnnotations({ [key]: value });
    expect(result.problems).toEqual([]);
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { bounds } });
  });

  it.each([
    ['isthmus.io/max-latency', '0.9ms'],
    ['isthmus.io/max-latency', '0ms'],
    ['isthmus.io/max-latency', '1001ms'],
    ['isthmus.io/max-latency', '2s'],
    ['isthmus.io/max-latency', '1m'],
    ['isthmus.io/max-jitter', '999us'],
    ['isthmus.io/max-jitter', '1.001s'],
  ])('refuses %s: %s outside 1–1000 ms, and does not steer', (key, value) => {
    const result = parseServiceAnnotations({ [key]: value });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    const problem = only(result.problems);
    expect(problem).toMatchObject({ severity: 'error', code: 'InvalidSLO', key });
    expect(problem.message).toContain('is out of range');
    expect(problem.message).toContain('from 1ms to 1000ms (the range of an SD-WAN SLA class)');
  });

  it('explains a latency out of range in full', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/max-latency': '5000ms' }).problems);
    expect(problem.message).toBe(
      'isthmus.io/max-latency: "5000ms" is out of range; expected a latency from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 50ms; the Service is not steered until this is fixed',
    );
  });

  it('refuses a loss above 100%', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/max-loss': '101%' }).problems);
    expect(problem.message).toBe(
      'isthmus.io/max-loss: "101%" is not a percentage (too large; a percentage is at most 100%); expected a loss from 0% to 100% (the range of an SD-WAN SLA class), e.g. 1%; the Service is not steered until this is fixed',
    );
  });

  it('refuses a loss written as a bare ratio, saying the unit is missing', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/max-loss': '0.01' }).problems);
    expect(problem.code).toBe('InvalidSLO');
    expect(problem.message).toContain('(unit missing; expected % after the number, e.g. 1%)');
  });

  it('does not steer on a half-understood SLO: one bad bound makes the Service unmanaged', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/max-loss': 'low' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual(['error InvalidSLO isthmus.io/max-loss']);
  });
});

describe('parseServiceAnnotations: objective and window', () => {
  it('refuses 100% as an error (no error budget) and uses the default', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/objective': '100%' });
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { objective: DEFAULT_OBJECTIVE } });
    expect(only(result.problems).message).toBe(
      'isthmus.io/objective: "100%" leaves no error budget (burn-rate alerts divide by 100% minus the objective); expected a percentage above 0% and below 100%, e.g. 99.9%; the default 99% is used meanwhile',
    );
  });

  it.each(['0%', '0.0%'])('refuses %s', (value) => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/objective': value });
    expect(only(result.problems)).toMatchObject({ severity: 'error', code: 'InvalidSLO', key: 'isthmus.io/objective' });
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { objective: DEFAULT_OBJECTIVE } });
  });

  it.each([
    ['99.999%', 0.99999],
    ['50%', 0.5],
    ['0.1%', 0.001],
  ])('accepts %s', (value, ratio) => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/objective': value });
    expect(result.problems).toEqual([]);
    expect(result.intent).toMatchObject({ slo: { objective: ratio } });
  });

  it('keeps steering with the default objective when it is malformed (it only shapes alerting)', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/objective': '0.999' });
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { objective: DEFAULT_OBJECTIVE } });
    expect(only(result.problems).message).toContain('is not a percentage (unit missing');
  });

  it('keeps steering with the default window when it is malformed', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/window': '1 month' });
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { windowSeconds: DEFAULT_WINDOW_SECONDS } });
    expect(only(result.problems)).toMatchObject({ severity: 'error', code: 'InvalidSLO', key: 'isthmus.io/window' });
  });

  it('warns about a window shorter than an hour but uses it', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/window': '30m' });
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { windowSeconds: 1800 } });
    expect(summary(result.problems)).toEqual(['warning InvalidSLO isthmus.io/window']);
    expect(parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/window': '1h' }).problems).toEqual([]);
  });

  it('warns that objective and window do nothing without a bound, and does not steer', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/objective': '99.9%', 'isthmus.io/window': '7d' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual(['warning NoEffect isthmus.io/objective', 'warning NoEffect isthmus.io/window']);
  });

  it('warns that fallback alone does nothing', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/fallback': 'hold' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual(['warning NoEffect isthmus.io/fallback']);
  });
});

describe('parseServiceAnnotations: tunnels', () => {
  it('deduplicates colors with a warning, keeping the first position', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnels': 'mpls,lte,mpls,lte,gold' });
    expect(result.intent).toMatchObject({ mode: 'auto', candidates: ['mpls', 'lte', 'gold'] });
    expect(only(result.problems)).toEqual({
      severity: 'warning',
      code: 'DuplicateColor',
      key: 'isthmus.io/tunnels',
      message: 'isthmus.io/tunnels: "mpls,lte,mpls,lte,gold" lists mpls, lte more than once; only the first position counts; expected each color once',
    });
  });

  it('ignores a stray comma with a warning', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnels': 'mpls,,lte,' });
    expect(result.intent).toMatchObject({ mode: 'auto', candidates: ['mpls', 'lte'] });
    expect(summary(result.problems)).toEqual(['warning InvalidColor isthmus.io/tunnels']);
  });

  it('suggests the color meant, and does not steer', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnels': 'mpls,biz-internt', 'isthmus.io/max-latency': '50ms' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    const problem = only(result.problems);
    expect(problem).toMatchObject({ severity: 'error', code: 'InvalidColor', key: 'isthmus.io/tunnels' });
    expect(problem.message).toMatch(/^isthmus\.io\/tunnels: "mpls,biz-internt": "biz-internt" is not a color \(did you mean biz-internet\?\); expected a comma-separated list of colors \(public-internet, biz-internet, .*, default\); the Service is not steered until this is fixed$/);
  });

  it('treats colors as case-sensitive, suggesting the lowercase name', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/tunnels': 'MPLS' }).problems);
    expect(problem.message).toContain('"MPLS" is not a color (did you mean mpls?)');
  });

  it('explains a list separated by spaces', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/tunnels': 'mpls biz-internet' }).problems);
    expect(problem.message).toContain('"mpls biz-internet" is not a color (separate colors with commas: "mpls,biz-internet")');
  });

  it('spells out at most five bad entries', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/tunnels': 'a,b,c,d,e,f,g' }).problems);
    expect(problem.message).toContain('"e" is not a color and 2 more; expected');
  });

  it.each(['', '  ', ',', ' , ,'])('refuses an empty list %j', (value) => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnels': value });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(result.problems.filter((problem) => problem.severity === 'error')).not.toHaveLength(0);
  });

  it('refuses a list longer than any list of colors', () => {
    const value = 'mpls,'.repeat(MAX_COLOR_LIST_LENGTH);
    const problem = only(parseServiceAnnotations({ 'isthmus.io/tunnels': value }).problems);
    expect(problem.message).toContain(`is too long (${value.length} characters; at most ${MAX_COLOR_LIST_LENGTH})`);
  });
});

describe('parseServiceAnnotations: fallback', () => {
  it.each([
    ['best_effort', 'best-effort'],
    ['Hold', 'hold'],
    ['besteffort', 'best-effort'],
  ])('suggests the mode meant for %j', (value, meant) => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/fallback': value });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    const problem = only(result.problems);
    expect(problem).toMatchObject({ severity: 'error', code: 'InvalidValue', key: 'isthmus.io/fallback' });
    expect(problem.message).toContain(`is not a fallback mode (did you mean ${meant}?); expected best-effort (use the least-bad color) or hold (keep the current one)`);
  });
});

describe('parseServiceAnnotations: pins', () => {
  it('pins with isthmus.io/tunnel', () => {
    expect(parseServiceAnnotations({ 'isthmus.io/tunnel': 'mpls' })).toEqual({
      intent: { mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel', slo: undefined },
      problems: [],
    });
  });

  it('honours the l7mp operator\'s annotation as a pin', () => {
    expect(parseServiceAnnotations({ 'policy.sdwan.cisco.com/tunnel': 'biz-internet' })).toEqual({
      intent: { mode: 'pinned', color: 'biz-internet', source: 'policy.sdwan.cisco.com/tunnel', slo: undefined },
      problems: [],
    });
  });

  it('accepts both pins when they agree (a migration in progress), crediting Isthmus\' own', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'lte', 'policy.sdwan.cisco.com/tunnel': 'lte' });
    expect(result).toEqual({ intent: { mode: 'pinned', color: 'lte', source: 'isthmus.io/tunnel', slo: undefined }, problems: [] });
  });

  it('lets Isthmus\' own pin win over a different legacy pin, and says so', () => {
    const result = parseServiceAnnotations({ 'policy.sdwan.cisco.com/tunnel': 'lte', 'isthmus.io/tunnel': 'mpls' });
    expect(result.intent).toEqual({ mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel', slo: undefined });
    expect(only(result.problems)).toEqual({
      severity: 'error',
      code: 'ConflictingKeys',
      key: 'policy.sdwan.cisco.com/tunnel',
      message:
        'policy.sdwan.cisco.com/tunnel: "lte" conflicts with isthmus.io/tunnel: Isthmus\' own annotation wins, so isthmus.io/tunnel pins the Service to mpls; expected the same color in both, or only isthmus.io/tunnel',
    });
  });

  it('lets the pin win over tunnels, with an error on tunnels', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'mpls', 'isthmus.io/tunnels': 'lte,mpls' });
    expect(result.intent).toEqual({ mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel', slo: undefined });
    expect(only(result.problems)).toEqual({
      severity: 'error',
      code: 'ConflictingKeys',
      key: 'isthmus.io/tunnels',
      message:
        'isthmus.io/tunnels: "lte,mpls" conflicts with isthmus.io/tunnel: the pin wins, isthmus.io/tunnel pins the Service to mpls and isthmus.io/tunnels is ignored; expected either the pin, or isthmus.io/tunnels and SLO bounds',
    });
  });

  it('lets the pin win over SLO bounds, one error per bound, keeping the SLO for metrics', () => {
    const result = parseServiceAnnotations({
      'policy.sdwan.cisco.com/tunnel': 'gold',
      'isthmus.io/max-latency': '50ms',
      'isthmus.io/max-loss': '1%',
      'isthmus.io/objective': '99.5%',
    });
    expect(result.intent).toEqual({
      mode: 'pinned',
      color: 'gold',
      source: 'policy.sdwan.cisco.com/tunnel',
      slo: { bounds: { maxLatencySeconds: 0.05, maxLossRatio: 0.01 }, objective: 0.995, windowSeconds: DEFAULT_WINDOW_SECONDS },
    });
    expect(summary(result.problems)).toEqual(['error ConflictingKeys isthmus.io/max-latency', 'error ConflictingKeys isthmus.io/max-loss']);
    expect(result.problems[0]?.message).toContain('the pin wins, policy.sdwan.cisco.com/tunnel pins the Service to gold and isthmus.io/max-latency does not steer it');
  });

  it('warns that fallback does nothing on a pinned Service', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'mpls', 'isthmus.io/fallback': 'hold' });
    expect(result.intent).toMatchObject({ mode: 'pinned', color: 'mpls' });
    expect(summary(result.problems)).toEqual(['warning NoEffect isthmus.io/fallback']);
  });

  it('does not steer when the pin is not a color, and suggests one', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'biz-internt' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(only(result.problems)).toEqual({
      severity: 'error',
      code: 'InvalidColor',
      key: 'isthmus.io/tunnel',
      message: 'isthmus.io/tunnel: "biz-internt" is not a color (did you mean biz-internet?); expected one color, e.g. mpls; the Service is not steered until this is fixed',
    });
  });

  it('does not fall back to the legacy pin when Isthmus\' own is invalid', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'mlps', 'policy.sdwan.cisco.com/tunnel': 'lte' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual(['error InvalidColor isthmus.io/tunnel']);
  });

  it('keeps Isthmus\' own pin when the legacy one is invalid', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'mpls', 'policy.sdwan.cisco.com/tunnel': 'nope' });
    expect(result.intent).toMatchObject({ mode: 'pinned', color: 'mpls', source: 'isthmus.io/tunnel' });
    expect(only(result.problems).message).toBe(
      'policy.sdwan.cisco.com/tunnel: "nope" is not a color; expected one color, e.g. mpls; isthmus.io/tunnel takes precedence anyway',
    );
  });

  it('explains that a pin takes one color', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/tunnel': 'mpls,lte' }).problems);
    expect(problem.message).toContain('lists several colors, but a pin takes one (for a preference list use isthmus.io/tunnels)');
  });

  it('refuses an empty pin', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/tunnel': '' }).problems);
    expect(problem.message).toBe('isthmus.io/tunnel: "" is empty; expected one color, e.g. mpls; the Service is not steered until this is fixed');
  });

  it('reports conflicts even when the pin itself is invalid', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/tunnel': 'x', 'isthmus.io/tunnels': 'mpls' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual(['error InvalidColor isthmus.io/tunnel', 'error ConflictingKeys isthmus.io/tunnels']);
  });
});

describe('parseServiceAnnotations: unknown and misplaced keys', () => {
  it.each([
    ['isthmus.io/max-latncy', 'did you mean isthmus.io/max-latency?'],
    ['isthmus.io/max_latency', 'did you mean isthmus.io/max-latency?'],
    ['isthmus.io/latency', 'did you mean isthmus.io/max-latency?'],
    ['isthmus.io/tunnl', 'did you mean isthmus.io/tunnel?'],
    ['isthmus.io/tunnls', 'did you mean isthmus.io/tunnels?'],
    ['isthmus.io/fallbak', 'did you mean isthmus.io/fallback?'],
    ['isthums.io/max-loss', 'did you mean isthmus.io/max-loss?'],
    ['Isthmus.io/max-loss', 'did you mean isthmus.io/max-loss?'],
    ['isthmus/tunnels', 'did you mean isthmus.io/tunnels?'],
    ['isthmus.com/window', 'did you mean isthmus.io/window?'],
    ['max-latency', 'did you mean isthmus.io/max-latency?'],
    [
      'isthmus.io/colour',
      'expected one of isthmus.io/max-latency, isthmus.io/max-loss, isthmus.io/max-jitter, isthmus.io/objective, isthmus.io/window, isthmus.io/tunnels, isthmus.io/tunnel, isthmus.io/fallback',
    ],
  ])('warns about %s: %s', (key, hint) => {
    const result = parseServiceAnnotations({ [key]: '50ms' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    const problem = only(result.problems);
    expect(problem).toMatchObject({ severity: 'warning', code: 'UnknownKey', key });
    expect(problem.message).toBe(`${key}: "50ms" is not an Isthmus annotation and is ignored; ${hint}`);
  });

  it('still applies the valid keys next to an unknown one', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/priority': 'high' });
    expect(result.intent).toMatchObject({ mode: 'auto', slo: { bounds: { maxLatencySeconds: 0.05 } } });
    expect(summary(result.problems)).toEqual(['warning UnknownKey isthmus.io/priority']);
  });

  it('says isthmus.io/allowed-tunnels belongs on the Namespace', () => {
    const result = parseServiceAnnotations({ 'isthmus.io/allowed-tunnels': 'mpls' });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(only(result.problems)).toEqual({
      severity: 'warning',
      code: 'MisplacedKey',
      key: 'isthmus.io/allowed-tunnels',
      message:
        'isthmus.io/allowed-tunnels: "mpls" is a Namespace annotation and has no effect on a Service; set it on the Namespace (or in configuration) to limit colors, or use isthmus.io/tunnels to choose this Service\'s candidates',
    });
  });

  it('says isthmus.io/site-id is a Node label', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/site-id': '100' }).problems);
    expect(problem).toMatchObject({ code: 'MisplacedKey', message: 'isthmus.io/site-id: "100" is a Node label and has no effect on a Service' });
  });

  it('does not mistake unrelated prefixes for typos of isthmus.io', () => {
    for (const key of ['istio.io/rev', 'linkerd.io/inject', 'cilium.io/global-service', 'io/x', 'a/max-latency', '/tunnel']) {
      expect(isIsthmusRelated(key), key).toBe(false);
    }
  });
});

describe('parseServiceAnnotations: hostile values', () => {
  const hostile: readonly (readonly [string, string])[] = [
    ['empty', ''],
    ['whitespace', ' \t\n '],
    ['a megabyte', 'x'.repeat(1_048_576)],
    ['a megabyte of commas', ','.repeat(1_048_576)],
    ['a megabyte of spaces then text', `${' '.repeat(1_048_576)}x`],
    ['fullwidth digits', '５０ms'],
    ['an RTL mark', '\u200f50ms'],
    ['an RTL override', '\u202emsd05'],
    ['an emoji', '🚀'],
    ['negative', '-50ms'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['1e309', '1e309'],
    ['hexadecimal', '0x10ms'],
    ['no unit', '50'],
    ['a wrong unit', '50kg'],
    ['upper case', '50MS'],
    ['trailing garbage', '50ms; rm -rf /'],
    ['a newline forging an output line', '50ms\nfile.yaml:1: error: forged'],
    ['an ANSI escape', '\u001b[2J50ms'],
    ['a NUL', '50\u0000ms'],
    ['a lone surrogate', '\ud83d'],
    ['__proto__', '__proto__'],
  ];
  const keys = [
    'isthmus.io/max-latency',
    'isthmus.io/max-loss',
    'isthmus.io/max-jitter',
    'isthmus.io/objective',
    'isthmus.io/window',
    'isthmus.io/tunnels',
    'isthmus.io/tunnel',
    'isthmus.io/fallback',
    'policy.sdwan.cisco.com/tunnel',
    'isthmus.io/allowed-tunnels',
    'isthmus.io/unknown',
  ];

  it.each(hostile)('never throws, steers, or prints a raw line break on %s', (_name, value) => {
    for (const key of keys) {
      const result = parseServiceAnnotations({ [key]: value });
      expect(result.intent.mode, key).not.toBe('auto');
      if (result.intent.mode === 'pinned') throw new Error(`${key} pinned on ${JSON.stringify(value.slice(0, 20))}`);
      expect(result.problems.length, key).toBeGreaterThan(0);
      for (const problem of result.problems) {
        for (const forbidden of ['\n', '\r', '\u0000', '\u001b', '\u200f', '\u202e']) expect(problem.message).not.toContain(forbidden);
        expect(problem.message.length).toBeLessThan(1200);
        expect(problem.key).toBe(key);
      }
    }
  });

  it('names the key, quotes the value, and says what is expected', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/max-latency': '\u202e50ms\n' }).problems);
    expect(problem.message).toBe(
      'isthmus.io/max-latency: "\\u{202E}50ms\\n" is not a duration (contains an invisible formatting character (U+202E); write ASCII digits and units); expected a latency from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 50ms; the Service is not steered until this is fixed',
    );
  });

  it('truncates a huge value in the message', () => {
    const problem = only(parseServiceAnnotations({ 'isthmus.io/max-jitter': '9'.repeat(1_048_576) }).problems);
    expect(problem.message).toContain(`"${'9'.repeat(80)}"… (1048576 characters in all) is not a duration (too long: 1048576 characters, a duration has at most 64)`);
  });

  it('quotes a hostile unknown key', () => {
    const key = 'isthmus.io/x\nforged: line';
    const problem = only(parseServiceAnnotations({ [key]: 'v' }).problems);
    expect(problem.message.startsWith('"isthmus.io/x\\nforged: line": "v" is not an Isthmus annotation')).toBe(true);
  });

  it('handles a huge unknown key quickly', () => {
    const started = performance.now();
    const result = parseServiceAnnotations({ [`isthmus.io/${'k'.repeat(1_048_576)}`]: 'v', [`${'i'.repeat(1_048_576)}/x`]: 'v' });
    expect(summary(result.problems)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('reads a null-prototype record with a __proto__ key', () => {
    const annotations = Object.create(null) as Record<string, string>;
    annotations.__proto__ = 'x';
    annotations['isthmus.io/tunnel'] = 'mpls';
    expect(parseServiceAnnotations(annotations).intent).toMatchObject({ mode: 'pinned', color: 'mpls' });
  });

  it('leaves a Service with only bad annotations unmanaged', () => {
    const result = parseServiceAnnotations({
      'isthmus.io/max-latency': 'fast',
      'isthmus.io/max-loss': 'low',
      'isthmus.io/tunnels': 'best',
      'isthmus.io/fallback': 'maybe',
    });
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual([
      'error InvalidSLO isthmus.io/max-latency',
      'error InvalidSLO isthmus.io/max-loss',
      'error InvalidColor isthmus.io/tunnels',
      'error InvalidValue isthmus.io/fallback',
    ]);
  });
});

describe('parseAllowedTunnels', () => {
  it('reads a list of colors', () => {
    expect(parseAllowedTunnels('mpls, biz-internet,lte')).toEqual({ allowed: ['mpls', 'biz-internet', 'lte'], problems: [] });
  });

  it('deduplicates with a warning', () => {
    const result = parseAllowedTunnels('mpls,mpls');
    expect(result.allowed).toEqual(['mpls']);
    expect(summary(result.problems)).toEqual(['warning DuplicateColor isthmus.io/allowed-tunnels']);
  });

  it('drops invalid colors with an error: the allowed set only narrows', () => {
    const result = parseAllowedTunnels('mpls,privat1');
    expect(result.allowed).toEqual(['mpls']);
    const problem = only(result.problems);
    expect(problem).toMatchObject({ severity: 'error', code: 'InvalidColor', key: 'isthmus.io/allowed-tunnels' });
    expect(problem.message).toContain('"privat1" is not a color (did you mean private1?)');
    expect(problem.message).toMatch(/; those entries are dropped$/);
  });

  it.each(['', ' ', ',', ' ,, '])('allows nothing for an empty list %j, with a warning', (value) => {
    const result = parseAllowedTunnels(value);
    expect(result.allowed).toEqual([]);
    expect(summary(result.problems)).toEqual(['warning InvalidColor isthmus.io/allowed-tunnels']);
  });

  it('allows nothing for a list too long to be one', () => {
    const result = parseAllowedTunnels('mpls,'.repeat(300_000));
    expect(result.allowed).toEqual([]);
    expect(summary(result.problems)).toEqual(['error InvalidColor isthmus.io/allowed-tunnels']);
  });
});

describe('parseNamespaceAnnotations', () => {
  it('has no restriction without the annotation', () => {
    expect(parseNamespaceAnnotations({ 'other.io/x': 'y' })).toEqual({ allowedTunnels: undefined, problems: [] });
  });

  it('reads isthmus.io/allowed-tunnels', () => {
    expect(parseNamespaceAnnotations({ 'isthmus.io/allowed-tunnels': 'mpls,lte' })).toEqual({ allowedTunnels: ['mpls', 'lte'], problems: [] });
  });

  it('warns that Service annotations do nothing on a Namespace', () => {
    const result = parseNamespaceAnnotations({ 'isthmus.io/max-latency': '50ms', 'policy.sdwan.cisco.com/tunnel': 'mpls' });
    expect(summary(result.problems)).toEqual(['warning MisplacedKey isthmus.io/max-latency', 'warning MisplacedKey policy.sdwan.cisco.com/tunnel']);
    expect(result.problems[0]?.message).toBe(
      'isthmus.io/max-latency: "50ms" is a Service annotation and has no effect on a Namespace (there are no namespace-wide defaults); expected it on each Service',
    );
  });

  it('suggests allowed-tunnels for a misspelling', () => {
    const problem = only(parseNamespaceAnnotations({ 'isthmus.io/allowed-tunnel': 'mpls' }).problems);
    expect(problem).toMatchObject({ severity: 'warning', code: 'UnknownKey' });
    expect(problem.message).toContain('did you mean isthmus.io/allowed-tunnels?');
  });
});
