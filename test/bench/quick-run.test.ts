/**
 * `npm run bench -- --quick` in the test suite: every benchmark module runs at its reduced size and
 * prints every figure as a JSON line. Nothing here looks at how fast anything was (tests never assert on
 * timings); it keeps the benchmarks runnable, so the numbers in BENCHMARKS.md can always be re-measured.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modules = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''));

interface Line {
  readonly module: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

function runQuick(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['test/bench/run.ts', '--quick', '--no-write'], { cwd: root, timeout: 170_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('npm run bench -- --quick', () => {
  it('runs every module and prints each figure as a finite JSON line', { timeout: 180_000 }, async () => {
    const run = await runQuick();
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Line);
    for (const module of modules) expect(lines.some((line) => line.module === module), `${module} printed nothing`).toBe(true);
    for (const line of lines) {
      expect(Number.isFinite(line.value), `${line.module}/${line.name} = ${String(line.value)}`).toBe(true);
      expect(line.unit.length + line.name.length).toBeGreaterThan(0);
    }
  });
});
