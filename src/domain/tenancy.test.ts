import { describe, expect, it } from 'vitest';
import type { Color } from './color.ts';
import type { Problem } from './problem.ts';
import type { ServiceIntent } from './slo.ts';
import { DEFAULT_OBJECTIVE, DEFAULT_WINDOW_SECONDS } from './slo.ts';
import { parseServiceAnnotations } from './slo-annotations.ts';
import { allowedTunnelsFor, applyTenancy, TUNNEL_NOT_ALLOWED } from './tenancy.ts';
import type { AllowedTunnels, TenancyConfig } from './tenancy.ts';

const ANNOTATION = 'isthmus.io/allowed-tunnels';
const slo = { bounds: { maxLatencySeconds: 0.05 }, objective: DEFAULT_OBJECTIVE, windowSeconds: DEFAULT_WINDOW_SECONDS };

function auto(candidates: readonly Color[] | undefined): ServiceIntent {
  return { mode: 'auto', slo, candidates, fallback: 'best-effort' };
}

function allowed(colors: readonly Color[] | undefined): AllowedTunnels {
  return allowedTunnelsFor('shop', colors === undefined ? {} : { [ANNOTATION]: colors.join(',') }, {});
}

function summary(problems: readonly Problem[]): string[] {
  return problems.map((problem) => `${problem.severity} ${problem.code} ${problem.key}`);
}

describe('allowedTunnelsFor: configuration is the ceiling, the Namespace annotation narrows it', () => {
  const config: TenancyConfig = { default: ['mpls', 'biz-internet', 'public-internet'], namespaces: { analytics: ['public-internet'], lab: [] } };

  it('allows every color when neither says anything', () => {
    expect(allowedTunnelsFor('shop', {}, {})).toMatchObject({ colors: undefined, problems: [] });
    expect(allowedTunnelsFor('shop', undefined, { namespaces: {} }).colors).toBeUndefined();
  });

  it('takes the namespace entry of the configuration over the default, and the default otherwise', () => {
    expect(allowedTunnelsFor('analytics', {}, config)).toMatchObject({ colors: ['public-internet'], key: 'kubernetes.allowedTunnels.namespaces.analytics' });
    expect(allowedTunnelsFor('shop', {}, config)).toMatchObject({ colors: ['mpls', 'biz-internet', 'public-internet'], key: 'kubernetes.allowedTunnels.default' });
    expect(allowedTunnelsFor('lab', {}, config).colors).toEqual([]);
    // An inherited property name is not a namespace entry.
    expect(allowedTunnelsFor('constructor', {}, config).colors).toEqual(['mpls', 'biz-internet', 'public-internet']);
  });

  it('uses the annotation alone when the configuration sets no limit', () => {
    expect(allowedTunnelsFor('shop', { [ANNOTATION]: 'lte, mpls' }, {})).toMatchObject({ colors: ['lte', 'mpls'], key: ANNOTATION, problems: [] });
  });

  it('intersects the annotation with the ceiling, in the annotation order, and warns about what it cannot grant', () => {
    const result = allowedTunnelsFor('shop', { [ANNOTATION]: 'public-internet,lte,mpls' }, config);
    expect(result.colors).toEqual(['public-internet', 'mpls']);
    expect(summary(result.problems)).toEqual([`warning ${TUNNEL_NOT_ALLOWED} ${ANNOTATION}`]);
    expect(result.problems[0]?.message).toContain('lists lte, which configuration kubernetes.allowedTunnels.default does not allow');
    expect(result.source).toBe(`the Namespace annotation ${ANNOTATION} within configuration kubernetes.allowedTunnels.default`);
    // Against an empty ceiling nothing can be granted.
    expect(allowedTunnelsFor('lab', { [ANNOTATION]: 'mpls' }, config).colors).toEqual([]);
  });

  it('only narrows on a broken annotation: invalid entries are dropped, an empty list allows nothing', () => {
    const typo = allowedTunnelsFor('shop', { [ANNOTATION]: 'mpsl,biz-internet' }, {});
    expect(typo.colors).toEqual(['biz-internet']);
    expect(summary(typo.problems)).toEqual([`error InvalidColor ${ANNOTATION}`]);
    expect(allowedTunnelsFor('shop', { [ANNOTATION]: '' }, {}).colors).toEqual([]);
    expect(allowedTunnelsFor('shop', { [ANNOTATION]: 'purple' }, config).colors).toEqual([]);
  });

  it('reports other Isthmus keys on the Namespace with its problems', () => {
    expect(summary(allowedTunnelsFor('shop', { 'isthmus.io/max-latency': '50ms' }, {}).problems)).toEqual(['warning MisplacedKey isthmus.io/max-latency']);
  });
});

describe('applyTenancy', () => {
  it('leaves every intent alone when every color is allowed, and unmanaged Services always', () => {
    const intent = auto(['lte']);
    expect(applyTenancy(intent, allowed(undefined))).toEqual({ intent, problems: [] });
    expect(applyTenancy({ mode: 'unmanaged' }, allowed([]))).toEqual({ intent: { mode: 'unmanaged' }, problems: [] });
  });

  it('keeps allowed candidates as they are', () => {
    const intent = auto(['biz-internet', 'mpls']);
    expect(applyTenancy(intent, allowed(['mpls', 'biz-internet', 'lte'])).intent).toBe(intent);
  });

  it('clips candidates to the allowed colors, keeping their order, with a warning naming what was removed', () => {
    const result = applyTenancy(auto(['lte', 'biz-internet', 'public-internet', 'mpls']), allowed(['mpls', 'biz-internet']));
    expect(result.intent).toMatchObject({ mode: 'auto', candidates: ['biz-internet', 'mpls'] });
    expect(summary(result.problems)).toEqual([`warning ${TUNNEL_NOT_ALLOWED} isthmus.io/tunnels`]);
    expect(result.problems[0]?.message).toBe(
      `isthmus.io/tunnels asks for lte, public-internet, which it may not use: namespace shop may use mpls, biz-internet (the Namespace annotation ${ANNOTATION}); they are dropped and the Service is steered among biz-internet, mpls; expected only allowed colors`,
    );
  });

  it('refuses to steer when no requested color is allowed', () => {
    const result = applyTenancy(auto(['lte']), allowed(['mpls']));
    expect(result.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(result.problems)).toEqual([`error ${TUNNEL_NOT_ALLOWED} isthmus.io/tunnels`]);
    expect(result.problems[0]?.message).toContain('expected at least one of mpls');
  });

  it('gives Services without candidates the allowed colors, or refuses to steer when there are none', () => {
    expect(applyTenancy(auto(undefined), allowed(['biz-internet', 'mpls'])).intent).toMatchObject({ mode: 'auto', candidates: ['biz-internet', 'mpls'] });
    const none = applyTenancy(auto(undefined), allowedTunnelsFor('lab', {}, { namespaces: { lab: [] } }));
    expect(none.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(none.problems)).toEqual([`error ${TUNNEL_NOT_ALLOWED} kubernetes.allowedTunnels.namespaces.lab`]);
    expect(none.problems[0]?.message).toContain('namespace lab may use no color (configuration kubernetes.allowedTunnels.namespaces.lab)');
  });

  it('does not steer a Service pinned to a disallowed color, and never moves the pin', () => {
    const pinned: ServiceIntent = { mode: 'pinned', color: 'mpls', source: 'policy.sdwan.cisco.com/tunnel', slo: undefined };
    expect(applyTenancy(pinned, allowed(['mpls'])).intent).toBe(pinned);
    const refused = applyTenancy(pinned, allowed(['biz-internet', 'lte']));
    expect(refused.intent).toEqual({ mode: 'unmanaged' });
    expect(summary(refused.problems)).toEqual([`error ${TUNNEL_NOT_ALLOWED} policy.sdwan.cisco.com/tunnel`]);
    expect(refused.problems[0]?.message).toContain('expected one of biz-internet, lte');
  });

  it('never widens: every color of the result was both requested and allowed', () => {
    const colors: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte'];
    for (let mask = 0; mask < 16; mask++) {
      const allowedColors = colors.filter((_, i) => (mask & (1 << i)) !== 0);
      for (let ask = 1; ask < 16; ask++) {
        const requested = colors.filter((_, i) => (ask & (1 << i)) !== 0);
        const result = applyTenancy(auto(requested), allowed(allowedColors));
        if (result.intent.mode !== 'auto') {
          expect(requested.some((color) => allowedColors.includes(color))).toBe(false);
          continue;
        }
        for (const color of result.intent.candidates ?? []) {
          expect(requested).toContain(color);
          expect(allowedColors).toContain(color);
        }
      }
    }
  });

  it('composes with the annotation parser', () => {
    const parsed = parseServiceAnnotations({ 'isthmus.io/max-latency': '50ms', 'isthmus.io/tunnels': 'mpls,lte' });
    const result = applyTenancy(parsed.intent, allowedTunnelsFor('analytics', {}, { namespaces: { analytics: ['lte', 'biz-internet'] } }));
    expect(result.intent).toMatchObject({ mode: 'auto', candidates: ['lte'] });
  });
});
