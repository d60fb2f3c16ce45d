import { describe, expect, it } from 'vitest';
import { meetsTarget } from './bench-result.ts';
import { RESULTS_BEGIN, RESULTS_END, formatValue, renderResultsSection, replaceResultsSection } from './bench-report.ts';
import type { BenchRow } from './bench-report.ts';

const context = { machine: '2 × Test CPU, 24 GiB, Node v24.0.0, linux/x64', date: new Date('2026-11-26T10:00:00Z'), quick: false, failures: [] };

describe('meetsTarget', () => {
  it('has no verdict without a target', () => {
    expect(meetsTarget({ name: 'x', value: 1, unit: 'ms' })).toBeUndefined();
  });

  it('checks both bounds, inclusive', () => {
    expect(meetsTarget({ name: 'x', value: 100, unit: 'ms', target: { atMost: 100 } })).toBe(true);
    expect(meetsTarget({ name: 'x', value: 100.1, unit: 'ms', target: { atMost: 100 } })).toBe(false);
    expect(meetsTarget({ name: 'x', value: 0.5, unit: '', target: { atLeast: 0.5, atMost: 1 } })).toBe(true);
    expect(meetsTarget({ name: 'x', value: 0.49, unit: '', target: { atLeast: 0.5 } })).toBe(false);
  });
});

describe('renderResultsSection', () => {
  const rows: BenchRow[] = [
    { module: 'ingest', name: 'end to end', value: 312_345.6, unit: 'flows/s', target: { atLeast: 250_000 }, met: true, detail: 'one core | loopback' },
    { module: 'optimizer', name: 'round', value: 140, unit: 'ms', target: { atMost: 100 }, met: false },
  ];

  it('tabulates every row with its target verdict, the machine and the date', () => {
    const section = renderResultsSection(rows, context);
    expect(section.startsWith(RESULTS_BEGIN)).toBe(true);
    expect(section.endsWith(RESULTS_END)).toBe(true);
    expect(section).toContain('2026-11-26 10:00 UTC on 2 × Test CPU');
    expect(section).toContain('| ingest | end to end | 312,346 | flows/s | ≥ 250,000 | met | one core \\| loopback |');
    expect(section).toContain('| optimizer | round | 140 | ms | ≤ 100 | **missed** |');
  });

  it('names the modules that failed to run', () => {
    expect(renderResultsSection([], { ...context, failures: ['push-cost'] })).toContain('Failed to run: push-cost.');
  });
});

describe('replaceResultsSection', () => {
  it('keeps the hand-written text around the marked section', () => {
    const before = `# Benchmarks\n\nAnalysis.\n\n${RESULTS_BEGIN}\nold\n${RESULTS_END}\n\n## Notes\nmore\n`;
    const after = replaceResultsSection(before, `${RESULTS_BEGIN}\nnew\n${RESULTS_END}`);
    expect(after).toBe(`# Benchmarks\n\nAnalysis.\n\n${RESULTS_BEGIN}\nnew\n${RESULTS_END}\n\n## Notes\nmore\n`);
  });

  it('appends a section to a document without one, and starts a document when there is none', () => {
    expect(replaceResultsSection('# Benchmarks\n', 'S')).toBe('# Benchmarks\n\nS\n');
    expect(replaceResultsSection(undefined, 'S')).toBe('# Benchmarks\n\nS\n');
  });
});

describe('formatValue', () => {
  it('groups thousands and keeps three significant digits below', () => {
    expect(formatValue(1_234_000)).toBe('1,234,000');
    expect(formatValue(12.345)).toBe('12.3');
    expect(formatValue(0.012345)).toBe('0.0123');
    expect(formatValue(Number.NaN)).toBe('NaN');
  });
});
