/**
 * The benchmark runner (`npm run bench`, i.e. `node test/bench/run.ts` with Node's type stripping, so this
 * directory uses only erasable TypeScript and `.ts` imports). Every `*.bench.ts` file next to it is a
 * benchmark module exporting `run(options): Promise<BenchResult[]>`; adding a benchmark is adding such a file.
 *
 *   node test/bench/run.ts              all modules, full sizes; rewrites the results in BENCHMARKS.md
 *   node test/bench/run.ts --quick      reduced sizes (well under a minute); writes nothing unless --out
 *   node test/bench/run.ts optimizer    modules whose file name contains "optimizer"
 *   node test/bench/run.ts --out FILE   the results section goes to FILE instead
 *   node test/bench/run.ts --no-write   print only
 *
 * Every result is printed as it arrives, one JSON line on stdout (machine-readable: module, name, value,
 * unit, detail, target, met); progress and the final table go to stderr. A missed target is reported, not
 * fatal: the exit status is 1 only when a benchmark module fails to run.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './bench-result.ts';
import { meetsTarget } from './bench-result.ts';
import { describeMachine, renderResultsSection, replaceResultsSection } from './bench-report.ts';
import type { BenchRow } from './bench-report.ts';

const directory = fileURLToPath(new URL('.', import.meta.url));
const defaultReport = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

interface RunnerArgs {
  readonly quick: boolean;
  readonly filters: readonly string[];
  readonly out: string | undefined;
  readonly write: boolean;
}

function parseArgs(argv: readonly string[]): RunnerArgs {
  const filters: string[] = [];
  let quick = false;
  let out: string | undefined;
  let write = true;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--quick') quick = true;
    else if (arg === '--no-write') write = false;
    else if (arg === '--out') {
      out = argv[++index];
      if (out === undefined) throw new Error('--out needs a file name');
    } else if (arg === '--json') {
      // Kept for compatibility: JSON lines are always printed on stdout.
    } else if (arg?.startsWith('--') === true) throw new Error(`unknown option ${arg} (have: --quick, --out FILE, --no-write)`);
    else if (arg !== undefined) filters.push(arg);
  }
  // A quick or filtered run must not overwrite the full run's figures unless asked to.
  if (out === undefined && (quick || filters.length > 0)) write = false;
  return { quick, filters, out, write };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const files = (await readdir(directory)).filter((file) => file.endsWith('.bench.ts')).sort();
  const selected = files.filter((file) => args.filters.length === 0 || args.filters.some((filter) => file.includes(filter)));
  if (selected.length === 0) {
    process.stderr.write(`no benchmark matches ${args.filters.join(', ')} (have: ${files.join(', ')})\n`);
    return 2;
  }
  const started = new Date();
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  for (const file of selected) {
    const module = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`running ${module}${args.quick ? ' (quick)' : ''}…\n`);
    const moduleStarted = performance.now();
    try {
      const loaded = (await import(pathToFileURL(`${directory}${file}`).href)) as Partial<BenchModule>;
      if (typeof loaded.run !== 'function') throw new Error(`${file} does not export run()`);
      for (const result of await loaded.run({ quick: args.quick })) {
        const row: BenchRow = { module, ...result, met: meetsTarget(result) };
        rows.push(row);
        process.stdout.write(`${JSON.stringify(toJsonLine(row))}\n`);
      }
      process.stderr.write(`  ${module} done in ${((performance.now() - moduleStarted) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      failures.push(module);
      process.stderr.write(`${module} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  const section = renderResultsSection(rows, { machine: describeMachine(), date: started, quick: args.quick, failures });
  process.stderr.write(`\n${section}\n`);
  if (args.write) {
    const target = args.out ?? defaultReport;
    const previous = await readFile(target, 'utf8').catch(() => undefined);
    await writeFile(target, replaceResultsSection(previous, section));
    process.stderr.write(`results written to ${target}\n`);
  }
  const missed = rows.filter((row) => row.met === false);
  if (missed.length > 0) process.stderr.write(`${missed.length} target(s) missed: ${missed.map((row) => `${row.module}/${row.name}`).join(', ')}\n`);
  return failures.length > 0 ? 1 : 0;
}

function toJsonLine(row: BenchRow): Record<string, unknown> {
  return { module: row.module, name: row.name, value: row.value, unit: row.unit, ...(row.detail === undefined ? {} : { detail: row.detail }), ...(row.target === undefined ? {} : { target: row.target, met: row.met }) };
}

export type { BenchResult };

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
