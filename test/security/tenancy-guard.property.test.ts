/**
 * The tenancy guard, end to end: whatever annotations a Service and its Namespace carry (pins under both
 * prefixes, candidate lists, fallback, duplicates, case and whitespace variants, unknown keys) and
 * whatever the optimizer remembers from earlier rounds, no color outside what the configuration and the
 * Namespace allow reaches a decision, an assignment or the rendered SD-WAN policy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredAssignment } from '../../src/controller/desired-assignment.ts';
import { optimizerRound } from '../../src/controller/optimizer-round.ts';
import type { OptimizerRoundService } from '../../src/controller/optimizer-round.ts';
import { COLORS } from '../../src/domain/color.ts';
import type { Color } from '../../src/domain/color.ts';
import type { Namespace } from '../../src/domain/namespace.ts';
import type { Service } from '../../src/domain/service.ts';
import { parseServiceAnnotations } from '../../src/domain/slo-annotations.ts';
import type { TenancyConfig } from '../../src/domain/tenancy.ts';
import type { ReadStore, StoreListener } from '../../src/kube/read-store.ts';
import { ServiceIntents } from '../../src/kube/service-intents.ts';
import { fakeTunnelSource } from '../../src/optimizer/testdata/fake-tunnel-source.ts';
import { MINUTE, PARAMS, T0 } from '../../src/optimizer/testdata/optimizer-fixture.ts';
import type { ServiceState } from '../../src/optimizer/service-state.ts';
import { renderPolicy } from '../../src/policy/render-policy.ts';
import type { PolicyDocument } from '../../src/policy/policy-document.ts';
import { SEED } from '../hostile/hostile-arbitraries.ts';

const PALETTE: readonly Color[] = ['mpls', 'biz-internet', 'public-internet', 'lte', 'private1'];
const NAMESPACE = 'shop';
const SERVICE_NAMES = ['checkout', 'ledger', 'search'] as const;

class FixedStore<T> implements ReadStore<T> {
  readonly #items: ReadonlyMap<string, T>;
  constructor(items: ReadonlyMap<string, T>) {
    this.#items = items;
  }
  get(key: string): T | undefined {
    return this.#items.get(key);
  }
  list(): readonly T[] {
    return [...this.#items.values()];
  }
  keys(): readonly string[] {
    return [...this.#items.keys()].sort();
  }
  hasSynced(): boolean {
    return true;
  }
  subscribe(_listener: StoreListener): () => void {
    return () => undefined;
  }
}

/** A color written the way a careless or hostile manifest might: case, whitespace, invisible characters. */
const writtenColor = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PALETTE) },
  { weight: 2, arbitrary: fc.constantFrom(...COLORS) },
  { weight: 3, arbitrary: fc.constantFrom('MPLS', 'Biz-Internet', ' lte ', 'lte\n', '\tmpls', 'mpls\u200b', 'ｍｐｌｓ', 'private1 ', 'mpls biz-internet', '*', 'all', '') },
);
const colorList = fc.tuple(fc.array(writtenColor, { maxLength: 6 }), fc.constantFrom(',', ', ', ' ,', ',,')).map(([entries, separator]) => entries.join(separator));

const PIN_KEYS = ['isthmus.io/tunnel', 'policy.sdwan.cisco.com/tunnel', 'Isthmus.io/tunnel', 'ISTHMUS.IO/TUNNEL', 'policy.sdwan.cisco.com/Tunnel', 'isthmus.io/tunnel ', 'isthmus.io/pin'];
const LIST_KEYS = ['isthmus.io/tunnels', 'Isthmus.io/tunnels', 'isthmus.io/allowed-tunnels', 'isthmus.io/tunnel-list'];

const serviceAnnotations = fc
  .record(
    {
      pins: fc.array(fc.tuple(fc.constantFrom(...PIN_KEYS), writtenColor), { maxLength: 3 }),
      lists: fc.array(fc.tuple(fc.constantFrom(...LIST_KEYS), colorList), { maxLength: 2 }),
      latency: fc.constantFrom('50ms', '1000ms', '2s', '50MS', ' 10ms '),
      fallback: fc.constantFrom('best-effort', 'hold', 'Hold', ''),
      extra: fc.array(fc.tuple(fc.constantFrom('isthmus.io/max-loss', 'isthmus.io/objective', 'isthmus.io/unknown', 'app'), fc.constantFrom('1%', '99.9%', 'x')), { maxLength: 2 }),
    },
    { requiredKeys: ['pins', 'lists', 'extra'] },
  )
  .map((parts) => {
    const map: Record<string, string> = {};
    for (const [key, value] of [...parts.pins, ...parts.lists, ...parts.extra]) map[key] = value;
    if (parts.latency !== undefined) map['isthmus.io/max-latency'] = parts.latency;
    if (parts.fallback !== undefined) map['isthmus.io/fallback'] = parts.fallback;
    return map;
  });

const colorSubset = fc.subarray([...PALETTE]).chain((colors) => fc.shuffledSubarray(colors, { minLength: colors.length, maxLength: colors.length }));

const tenancyConfig: fc.Arbitrary<TenancyConfig> = fc.record(
  {
    default: fc.option(colorSubset, { nil: undefined }),
    namespaces: fc.option(fc.dictionary(fc.constantFrom(NAMESPACE, 'other'), colorSubset), { nil: undefined }),
  },
  { requiredKeys: [] },
);

const namespaceAnnotations = fc.option(
  fc.record({ 'isthmus.io/allowed-tunnels': colorList, 'isthmus.io/tunnels': fc.option(colorList, { nil: undefined }) }, { requiredKeys: ['isthmus.io/allowed-tunnels'] }),
  { nil: undefined },
);

/** What the optimizer may remember from earlier rounds: any color, allowed or not. */
const previousState = fc.option(
  fc.record({ color: fc.constantFrom(...PALETTE), mode: fc.constantFrom('auto', 'fallback', 'pinned'), failures: fc.nat(5), ageMinutes: fc.nat(120) }),
  { nil: undefined },
);

const latencies = fc.dictionary(fc.constantFrom(...PALETTE), fc.integer({ min: 1, max: 200 }), { minKeys: 1 });

/** The colors the namespace may use, computed independently of src/domain/tenancy.ts. */
function expectedAllowed(config: TenancyConfig, annotations: Readonly<Record<string, string>> | undefined): readonly Color[] {
  const listed = config.namespaces !== undefined && Object.hasOwn(config.namespaces, NAMESPACE) ? config.namespaces[NAMESPACE] : undefined;
  const ceiling = listed ?? config.default ?? COLORS;
  const text = annotations?.['isthmus.io/allowed-tunnels'];
  if (text === undefined) return ceiling;
  const written = new Set(text.split(',').map((entry) => entry.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')));
  return ceiling.filter((color) => written.has(color));
}

/** Every color the rendered policy steers to: preferred, backup and strictly pinned colors. */
function renderedColors(document: PolicyDocument): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (record.field === 'preferredColor' && typeof record.value === 'string') found.push(...record.value.split(' '));
    if (record.type === 'backupSlaPreferredColor' && typeof record.parameter === 'string') found.push(record.parameter);
    if (typeof record.color === 'string') found.push(record.color);
    for (const child of Object.values(record)) walk(child);
  };
  for (const object of document.objects) walk(object.body);
  return found;
}

function samples(latencyMs: number) {
  return Array.from({ length: 6 }, (_, i) => ({ time: T0 - 50_000 + i * 10_000, latencySeconds: latencyMs / 1000, jitterSeconds: 0.001, lossRatio: 0, state: 'up' as const }));
}

function serviceObject(name: string, annotations: Record<string, string>): Service {
  return { namespace: NAMESPACE, name, clusterIps: ['10.96.0.1'], loadBalancerIps: [], annotations, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] };
}

describe('the tenancy guard', () => {
  it('never lets a namespace obtain a color it is not allowed, through intent, decision, assignment and rendered policy', () => {
    let steered = 0;
    let leaksWithoutGuard = 0;
    fc.assert(
      fc.property(
        tenancyConfig,
        namespaceAnnotations,
        fc.array(fc.tuple(serviceAnnotations, previousState), { minLength: 1, maxLength: SERVICE_NAMES.length }),
        latencies,
        (config, nsAnnotations, services, latencyByColor) => {
          const allowed = expectedAllowed(config, nsAnnotations);
          const objects = new Map<string, Service>(services.map(([annotations], index) => {
            const name = SERVICE_NAMES[index] ?? 'checkout';
            return [`${NAMESPACE}/${name}`, serviceObject(name, annotations)];
          }));
          const namespaces = new Map<string, Namespace>(nsAnnotations === undefined ? [] : [[NAMESPACE, { name: NAMESPACE, labels: {}, annotations: nsAnnotations }]]);
          const intents = new ServiceIntents({ services: new FixedStore(objects), namespaces: new FixedStore(namespaces), tenancy: config });

          const states = new Map<string, ServiceState>();
          const roundServices: OptimizerRoundService[] = [];
          services.forEach(([annotations, state], index) => {
            const key = `${NAMESPACE}/${SERVICE_NAMES[index] ?? 'checkout'}`;
            const resolved = intents.get(key);
            if (resolved === undefined) throw new Error(`no resolution for ${key}`);
            const { intent } = resolved;
            if (intent.mode === 'pinned') expect(allowed).toContain(intent.color);
            if (intent.mode === 'auto') for (const color of intent.candidates ?? []) expect(allowed).toContain(color);
            const desired = desiredAssignment({ intent, allowed: resolved.allowed, fabricColors: PALETTE, defaultColor: 'mpls' });
            if (desired !== undefined) expect(allowed).toContain(desired.color);
            // The same Service without the guard: does this input try to get out? (Shows the test can fail.)
            const raw = parseServiceAnnotations(annotations).intent;
            const rawColors = raw.mode === 'pinned' ? [raw.color] : raw.mode === 'auto' ? (raw.candidates ?? []) : [];
            if (rawColors.some((color) => !allowed.includes(color))) leaksWithoutGuard += 1;
            if (state !== undefined) states.set(key, { color: state.color, mode: state.mode, since: T0 - state.ageMinutes * MINUTE, failures: state.failures, healthySince: {} });
            roundServices.push({
              key,
              service: objects.get(key),
              intent,
              allowed: resolved.allowed,
              endpoints: [{ ip: `10.244.2.${String(index + 5)}`, podName: 'p', nodeName: 'n', siteId: 200, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
            });
          });

          const round = optimizerRound({
            services: roundServices,
            traffic: { sitePairs: () => [] },
            tunnels: fakeTunnelSource(Object.entries(latencyByColor).map(([color, ms]) => ({ from: 100, to: 200, color: color as Color, samples: samples(ms) }))),
            states,
            now: T0,
            params: { ...PARAMS, windowMs: MINUTE, failuresBeforeMove: 1, holdTimeMs: 0 },
            fabricColors: PALETTE,
            clusterSites: [200, 100],
            clusterName: 'test',
          });
          for (const assignment of round.assignments) expect(allowed).toContain(assignment.color);
          for (const state of round.states.values()) expect(allowed).toContain(state.color);
          for (const decision of round.decisions.values()) {
            for (const candidate of decision.record?.candidates ?? []) expect(allowed).toContain(candidate.color);
          }
          const colors = renderedColors(renderPolicy(round.desired));
          for (const color of colors) expect(allowed).toContain(color);
          steered += round.assignments.length;
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
    // The generators do reach both sides of the guard: Services get steered, and inputs try to escape.
    expect(steered).toBeGreaterThan(100);
    expect(leaksWithoutGuard).toBeGreaterThan(50);
  });
});
