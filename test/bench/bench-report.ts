/** The results section of BENCHMARKS.md: a table per run, with the machine and the date it ran on. */
import { cpus, totalmem } from 'node:os';
import type { BenchResult, BenchTarget } from './bench-result.ts';

export interface BenchRow extends BenchResult {
  readonly module: string;
  /** Whether the target holds; undefined when the result has no target. */
  readonly met: boolean | undefined;
}

export interface RunContext {
  readonly machine: string;
  readonly date: Date;
  readonly quick: boolean;
  readonly failures: readonly string[];
}

export const RESULTS_BEGIN = '<!-- bench:results:begin (written by npm run bench) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

export function describeMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return `${cores.length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function renderResultsSection(rows: readonly BenchRow[], context: RunContext): string {
  const lines = [
    RESULTS_BEGIN,
    `Run of ${context.date.toISOString().slice(0, 16).replace('T', ' ')} UTC${context.quick ? ' (--quick: reduced sizes)' : ''} on ${context.machine}.`,
    '',
    '| module | benchmark | value | unit | target | | detail |',
    '|---|---|--:|---|---|---|---|',
    ...rows.map((row) => `| ${row.module} | ${row.name} | ${formatValue(row.value)} | ${row.unit} | ${formatTarget(row.target)} | ${row.met === undefined ? '' : row.met ? 'met' : '**missed**'} | ${escapeCell(row.detail ?? '')} |`),
  ];
  if (context.failures.length > 0) lines.push('', `Failed to run: ${context.failures.join(', ')}.`);
  lines.push(RESULTS_END);
  return lines.join('\n');
}

/** Replaces the marked section of `document`, or appends one; the hand-written analysis around it stays. */
export function replaceResultsSection(document: string | undefined, section: string): string {
  if (document === undefined) return `# Benchmarks\n\n${section}\n`;
  const begin = document.indexOf(RESULTS_BEGIN);
  const end = document.indexOf(RESULTS_END);
  if (begin === -1 || end === -1 || end < begin) return `${document.trimEnd()}\n\n${section}\n`;
  return `${document.slice(0, begin)}${section}${document.slice(end + RESULTS_END.length)}`;
}

/** Three significant digits, thousands grouped: 1,234,000 / 12.3 / 0.0123. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

function formatTarget(target: BenchTarget | undefined): string {
  if (target === undefined) return '';
  return [target.atLeast === undefined ? undefined : `≥ ${formatValue(target.atLeast)}`, target.atMost === undefined ? undefined : `≤ ${formatValue(target.atMost)}`].filter((part) => part !== undefined).join(', ');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}
