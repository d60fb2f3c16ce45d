/**
 * The benchmark runner (`npm run bench`, i.e. `node test/bench/run.ts` with Node's type stripping, so this
 * directory uses only erasable TypeScript and `.ts` imports). Every `*.bench.ts` file next to it is a
 * benchmark module exporting `run(): Promise<BenchResult[]>`; adding a benchmark is adding such a file.
 *
 *   node test/bench/run.ts            all modules
 *   node test/bench/run.ts world      modules whose file name contains "world"
 *   node test/bench/run.ts --json     results as JSON lines, for CI trend tracking
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './bench-result.ts';

interface Row extends BenchResult {
  readonly module: string;
}

const directory = fileURLToPath(new URL('.', import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const filters = argv.filter((arg) => !arg.startsWith('--'));
  const files = (await readdir(directory)).filter((file) => file.endsWith('.bench.ts')).sort();
  const selected = files.filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
  if (selected.length === 0) {
    process.stderr.write(`no benchmark matches ${filters.join(', ')} (have: ${files.join(', ')})\n`);
    return 2;
  }
  const rows: Row[] = [];
  let failed = 0;
  for (const file of selected) {
    const module = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`running ${module}…\n`);
    try {
      const loaded = (await import(pathToFileURL(`${directory}${file}`).href)) as Partial<BenchModule>;
      if (typeof loaded.run !== 'function') throw new Error(`${file} does not export run()`);
      for (const result of await loaded.run()) rows.push({ module, ...result });
    } catch (error) {
      failed++;
      process.stderr.write(`${module} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  if (json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  } else {
    process.stdout.write(table(rows));
  }
  return failed > 0 ? 1 : 0;
}

function table(rows: readonly Row[]): string {
  const cells = [['module', 'benchmark', 'value', 'unit', 'detail'], ...rows.map((row) => [row.module, row.name, format(row.value), row.unit, row.detail ?? ''])];
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...cells.map((line) => (line[column] ?? '').length)));
  const render = (line: readonly string[]) =>
    line
      .map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = cells;
  return `${[render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(render)].join('\n')}\n`;
}

/** Three significant digits, thousands grouped: 1,234,000 / 12.3 / 0.0123. */
function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

process.exitCode = await main(process.argv.slice(2));
