/**
 * Hostile vManage JSON: the real captured rows with fields of the wrong type, missing, null, absurd or
 * huge, inside envelopes that are themselves wrong. A row that does not parse is skipped and counted,
 * never fatal; it does not change what the other rows parse to; and every number that comes out is finite.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAppRouteStatistics } from '../../src/vmanage/parse-app-route-statistics.ts';
import { parseBfdSessions } from '../../src/vmanage/parse-bfd-sessions.ts';
import { parseDevices } from '../../src/vmanage/parse-devices.ts';
import { parseEnvelope } from '../../src/vmanage/parse-envelope.ts';
import { parseErrorEnvelope } from '../../src/vmanage/parse-error-envelope.ts';
import { parseRealtimeAppRoute } from '../../src/vmanage/parse-realtime-app-route.ts';
import type { ParseResult } from '../../src/vmanage/parse-result.ts';
import { numberField } from '../../src/vmanage/row-fields.ts';
import { readSample, readSampleRows, sampleFiles } from '../vmanage/samples.ts';
import { anyJson, SEED } from './hostile-arbitraries.ts';

const RUNS = { seed: SEED, numRuns: 300 } as const;

type Row = Record<string, unknown>;
type RowParser = (body: unknown) => ParseResult<unknown>;

const PARSERS: readonly { readonly name: string; readonly parse: RowParser; readonly rows: readonly Row[]; readonly conserves: boolean }[] = [
  { name: 'parseAppRouteStatistics', parse: parseAppRouteStatistics, rows: readSampleRows('data_device_statistics_approutestatsstatistics.json'), conserves: true },
  { name: 'parseBfdSessions', parse: (body) => parseBfdSessions(body, { localSystemIp: '1.1.1.9' }), rows: [...readSampleRows('data_device_state_BFDSessions.json'), ...readSampleRows('catalystwan_test_devices_bfd_sessions.json')], conserves: true },
  { name: 'parseDevices', parse: parseDevices, rows: [...readSampleRows('dataservice_device.json'), ...readSampleRows('catalystwan_test_device_list.json')], conserves: true },
  // Real-time rows are per-bucket and grouped per tunnel, so one item stands for several rows.
  { name: 'parseRealtimeAppRoute', parse: (body) => parseRealtimeAppRoute(body, { deviceId: '10.10.1.13' }), rows: realtimeRows(), conserves: false },
];

/** Real-time rows in the field types the captured schema lists (no captured rows exist for them). */
function realtimeRows(): Row[] {
  const schema = readSample('realtime_field_lists.json') as Record<string, { row_fields?: Record<string, string> }>;
  const fields = Object.values(schema).find((entry) => entry.row_fields !== undefined && 'average-latency' in entry.row_fields)?.row_fields ?? {};
  return [30, 40, 50].map((latency, index) => {
    const values: Record<string, string | number> = {
      'vdevice-name': '10.10.1.13', 'vdevice-host-name': 'Site1-cEdge01', lastupdated: 1709050800000 + index, 'src-ip': '10.10.23.10', 'src-port': 12346,
      'dst-ip': '10.10.23.38', 'dst-port': 12346, proto: 'ipsec', 'local-color': 'mpls', 'remote-color': 'public-internet', 'remote-system-ip': '10.10.1.11',
      index, 'total-packets': 640, loss: 0, 'average-latency': latency, 'average-jitter': 5, 'mean-loss': 0, 'mean-latency': 39, 'mean-jitter': 21,
    };
    return Object.fromEntries(Object.entries(fields).map(([key, type]) => [key, type.startsWith('string') ? String(values[key] ?? '') : Number(values[key] ?? 0)]));
  });
}

const HOSTILE_VALUES: readonly unknown[] = [null, undefined, '', ' ', 'null', 'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '-1', -1, 0, 1e308, -0, 2 ** 53 + 1, true, [], {}, [1], { value: 1 }, 'x'.repeat(100_000), '10.10.1.13\u0000', 'MPLS', '255.255.255.256', '１０.１.１.１', '__proto__'];

/** One real row with some fields replaced by hostile values, deleted, or renamed. */
function mutatedRow(rows: readonly Row[]): fc.Arbitrary<unknown> {
  const edit = fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...HOSTILE_VALUES), anyJson, fc.constant('delete')));
  const mutated = fc.tuple(fc.constantFrom(...rows), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([row, edits]) => {
    const keys = Object.keys(row);
    const copy = new Map(Object.entries(row));
    for (const [position, value] of edits) {
      const key = keys[position % keys.length] ?? 'x';
      if (value === 'delete') copy.delete(key);
      else copy.set(key, value);
    }
    return Object.fromEntries(copy);
  });
  return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: anyJson });
}

/** Bodies as vManage (or something pretending to be it) might answer. */
function body(rows: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.constantFrom<unknown>(
    rows,
    { data: rows },
    { header: { generatedOn: 'yesterday' }, data: rows, pageInfo: { startId: {}, count: 'Infinity', moreEntries: 'maybe' } },
    { data: rows, error: null },
  );
}

function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(allNumbersFinite);
  return true;
}

describe.each(PARSERS)('$name under hostile rows', ({ parse, rows, conserves }) => {
  it('parses the unmodified real rows (the baseline the properties compare against)', () => {
    expect(parse(rows).items.length).toBeGreaterThan(0);
  });

  it('never throws; counts every row it drops; yields only finite numbers', () => {
    fc.assert(
      fc.property(fc.array(mutatedRow(rows), { maxLength: 12 }).chain((mixed) => body(mixed).map((wrapped) => [mixed, wrapped] as const)), ([mixed, wrapped]) => {
        const result = parse(wrapped);
        if (conserves) expect(result.items.length + result.skipped + result.duplicates).toBe(mixed.length);
        else expect(result.items.length).toBeLessThanOrEqual(mixed.length);
        expect(allNumbersFinite(result.items), JSON.stringify(result.items).slice(0, 500)).toBe(true);
      }),
      RUNS,
    );
  });

  it('lets a bad row change nothing for the others', () => {
    fc.assert(
      fc.property(fc.nat(rows.length), fc.constantFrom(...HOSTILE_VALUES), (position, bad) => {
        const clean = parse(rows);
        const polluted = parse([...rows.slice(0, position), bad, ...rows.slice(position)]);
        expect(polluted.items).toEqual(clean.items);
        expect(polluted.skipped).toBe(clean.skipped + 1);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('handles a huge array in bounded time', () => {
    const huge = Array.from({ length: 50_000 }, (_, index) => (index % 2 === 0 ? rows[index % rows.length] : null));
    const started = performance.now();
    const result = parse({ data: huge });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.skipped).toBeGreaterThanOrEqual(25_000);
  });
});

describe('vManage envelopes and error bodies under hostile input', () => {
  it('never throw, whatever the body', () => {
    fc.assert(
      fc.property(anyJson, fc.constantFrom(...HOSTILE_VALUES), (value, hostile) => {
        for (const candidate of [value, { data: value, header: value, pageInfo: value }, { error: value }, { error: { message: hostile, details: hostile, code: hostile } }]) {
          const envelope = parseEnvelope(candidate);
          expect(Array.isArray(envelope.rows)).toBe(true);
          expect(allNumbersFinite([envelope.generatedOn, envelope.pageInfo?.count])).toBe(true);
          const error = parseErrorEnvelope(candidate);
          if (error !== undefined) expect(typeof error.message).toBe('string');
        }
      }),
      RUNS,
    );
  });

  it('reads every captured sample with every parser without throwing', () => {
    for (const name of sampleFiles()) {
      const sample = readSample(name);
      for (const { parse } of PARSERS) expect(allNumbersFinite(parse(sample).items)).toBe(true);
    }
  });

  it('reads numbers out of range as missing (regression: "1e400" read as Infinity)', () => {
    for (const text of ['1e400', '-1e400', '9'.repeat(400)]) expect(numberField({ value: text }, 'value')).toBeUndefined();
    expect(numberField({ value: ' 12.5 ' }, 'value')).toBe(12.5);
  });
});
