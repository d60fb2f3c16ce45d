/**
 * Hostile annotation maps: whatever a Service or Namespace carries, the parsers return an intent and
 * problems (never throw), every problem is one printable line naming its key, steering keys are either
 * understood exactly or leave the Service unsteered, and keys that are not Isthmus' change nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLORS, isColor } from '../../src/domain/color.ts';
import { isInvisible } from '../../src/domain/quote.ts';
import {
  ALLOWED_TUNNELS_ANNOTATION,
  FALLBACK_ANNOTATION,
  isIsthmusRelated,
  LEGACY_TUNNEL_ANNOTATION,
  MAX_JITTER_ANNOTATION,
  MAX_LATENCY_ANNOTATION,
  MAX_LOSS_ANNOTATION,
  parseAllowedTunnels,
  parseNamespaceAnnotations,
  parseServiceAnnotations,
  PROBLEM_CODES,
  SERVICE_ANNOTATION_KEYS,
  TUNNEL_ANNOTATION,
  TUNNELS_ANNOTATION,
} from '../../src/domain/slo-annotations.ts';
import type { Problem } from '../../src/domain/problem.ts';
import { anyText, colorListText, colorish, nearQuantity, SEED } from './hostile-arbitraries.ts';

const RUNS = { seed: SEED, numRuns: 400 } as const;
const KNOWN_CODES = new Set<string>(Object.values(PROBLEM_CODES));
const STEERING_KEYS = [MAX_LATENCY_ANNOTATION, MAX_LOSS_ANNOTATION, MAX_JITTER_ANNOTATION, TUNNELS_ANNOTATION, FALLBACK_ANNOTATION];

/** Keys a hostile or careless manifest may carry: ours, the legacy pin, typos, case variants, other owners'. */
const annotationKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SERVICE_ANNOTATION_KEYS, LEGACY_TUNNEL_ANNOTATION) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ALLOWED_TUNNELS_ANNOTATION,
      'isthmus.io/site-id',
      'isthmus.io/max-latncy',
      'Isthmus.io/tunnel',
      'ISTHMUS.IO/TUNNEL',
      'isthums.io/tunnels',
      'isthmus/max-loss',
      'max-latency',
      'POLICY.SDWAN.CISCO.COM/tunnel',
      'isthmus.io/',
      'isthmus.io/tunnel ',
      ' isthmus.io/tunnel',
      `${'a'.repeat(300)}/isthmus`,
    ),
  },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom('app.kubernetes.io/name', 'kubectl.kubernetes.io/last-applied-configuration', '__proto__', 'constructor', 'toString') },
);

/** Values near what each key expects, or anything. */
const annotationValue = fc.oneof(nearQuantity, colorListText, colorish, fc.constantFrom('best-effort', 'hold', 'Hold', '99.9%', '100%', '0%', '30d', '1m', '4w', '367d'), anyText, fc.constant('x'.repeat(50_000)));

/** A map built with defineProperty, so `__proto__` is an own key like any other (as JSON.parse makes it). */
function annotationMap(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [key, value] of entries) Object.defineProperty(map, key, { value, enumerable: true, configurable: true, writable: true });
  return map;
}

const annotations = fc.array(fc.tuple(annotationKey, annotationValue), { maxLength: 10 }).map(annotationMap);

function expectWellFormed(problems: readonly Problem[]): void {
  for (const problem of problems) {
    expect(['error', 'warning']).toContain(problem.severity);
    expect(KNOWN_CODES.has(problem.code), problem.code).toBe(true);
    expect(problem.message.length).toBeGreaterThan(0);
    // Problems become Kubernetes Events and `file:line:` lint output: one line, nothing invisible, bounded.
    expect(Array.from(problem.message, (char) => char.codePointAt(0) ?? 0).some(isInvisible), problem.message).toBe(false);
    expect(problem.message.length).toBeLessThan(2000);
  }
}

function trimAscii(text: string): string {
  return text.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, '');
}

describe('Service annotations under hostile input', () => {
  it('never throw, and every problem is a well-formed single line', () => {
    fc.assert(
      fc.property(annotations, (map) => {
        const result = parseServiceAnnotations(map);
        expect(['unmanaged', 'auto', 'pinned']).toContain(result.intent.mode);
        expectWellFormed(result.problems);
      }),
      RUNS,
    );
  });

  it('steer only on what was understood exactly', () => {
    fc.assert(
      fc.property(annotations, (map) => {
        const { intent } = parseServiceAnnotations(map);
        const value = (key: string): string | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);
        if (intent.mode === 'pinned') {
          // The pin that wins is Isthmus' own when present; its trimmed text is exactly the color.
          const winner = value(TUNNEL_ANNOTATION) ?? value(LEGACY_TUNNEL_ANNOTATION);
          expect(winner).toBeDefined();
          expect(trimAscii(winner ?? '')).toBe(intent.color);
          expect(intent.source).toBe(value(TUNNEL_ANNOTATION) === undefined ? LEGACY_TUNNEL_ANNOTATION : TUNNEL_ANNOTATION);
        }
        if (intent.mode === 'auto') {
          const bounds = intent.slo.bounds;
          for (const seconds of [bounds.maxLatencySeconds, bounds.maxJitterSeconds]) {
            if (seconds !== undefined) expect(seconds >= 0.001 && seconds <= 1).toBe(true);
          }
          if (bounds.maxLossRatio !== undefined) expect(bounds.maxLossRatio >= 0 && bounds.maxLossRatio <= 1).toBe(true);
          expect(intent.slo.objective > 0 && intent.slo.objective < 1).toBe(true);
          if (intent.candidates !== undefined) {
            expect(intent.candidates.length).toBeGreaterThan(0);
            expect(intent.candidates.every(isColor)).toBe(true);
            expect(new Set(intent.candidates).size).toBe(intent.candidates.length);
            // Every candidate was written in the list (after trimming), in the order first written.
            const written = (value(TUNNELS_ANNOTATION) ?? '').split(',').map(trimAscii);
            expect(intent.candidates).toEqual(written.filter((entry, index) => isColor(entry) && written.indexOf(entry) === index));
          }
          expect(['best-effort', 'hold']).toContain(intent.fallback);
        }
      }),
      RUNS,
    );
  });

  it('leave a Service unsteered when a steering key is invalid and nothing pins it', () => {
    fc.assert(
      fc.property(annotations, (map) => {
        const result = parseServiceAnnotations(map);
        const pinned = Object.hasOwn(map, TUNNEL_ANNOTATION) || Object.hasOwn(map, LEGACY_TUNNEL_ANNOTATION);
        const steeringError = result.problems.some((problem) => problem.severity === 'error' && STEERING_KEYS.includes(problem.key));
        if (!pinned && steeringError) expect(result.intent).toEqual({ mode: 'unmanaged' });
      }),
      RUNS,
    );
  });

  it('are unaffected by keys that are not Isthmus keys, and deterministic', () => {
    const foreignKey = anyText.filter((key) => !isIsthmusRelated(key));
    fc.assert(
      fc.property(annotations, fc.array(fc.tuple(foreignKey, anyText), { maxLength: 4 }), (map, extra) => {
        const withExtra = annotationMap([...Object.entries(map), ...extra.filter(([key]) => !Object.hasOwn(map, key))]);
        expect(parseServiceAnnotations(withExtra)).toEqual(parseServiceAnnotations(map));
        expect(parseServiceAnnotations(map)).toEqual(parseServiceAnnotations(map));
      }),
      RUNS,
    );
  });

  it('cost little on a megabyte value or a thousand keys', () => {
    const huge = 'mpls,'.repeat(200_000);
    const many = annotationMap(Array.from({ length: 1000 }, (_, index) => [`isthmus.io/key-${index}`, huge.slice(0, 100)] as const));
    const started = performance.now();
    const one = parseServiceAnnotations({ [TUNNELS_ANNOTATION]: huge, [MAX_LATENCY_ANNOTATION]: '5'.repeat(1_000_000) + 'ms' });
    const thousand = parseServiceAnnotations(many);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(one.intent).toEqual({ mode: 'unmanaged' });
    expect(thousand.problems).toHaveLength(1000);
    expectWellFormed([...one.problems, ...thousand.problems]);
  });
});

describe('Namespace annotations under hostile input', () => {
  it('never throw, and allowed-tunnels only ever yields colors written in it', () => {
    fc.assert(
      fc.property(annotations, colorListText, (map, list) => {
        const withList = annotationMap([...Object.entries(map), [ALLOWED_TUNNELS_ANNOTATION, list]]);
        const result = parseNamespaceAnnotations(withList);
        expectWellFormed(result.problems);
        const written = list.split(',').map(trimAscii);
        expect(result.allowedTunnels).toBeDefined();
        for (const color of result.allowedTunnels ?? []) {
          expect(COLORS).toContain(color);
          expect(written).toContain(color);
        }
        expect(parseAllowedTunnels(list).allowed).toEqual(result.allowedTunnels);
      }),
      RUNS,
    );
  });
});
