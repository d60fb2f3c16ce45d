import { writeSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends a run with one plain line, `tests: N passed, N failed, N skipped`, that CI logs and scripts can
 * read without knowing vitest's own format. It is written when the process exits, so that it stays the
 * last line even after the coverage summary.
 */
export class SummaryReporter implements Reporter {
  #line: string | undefined;

  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure all the same.
      if (module.state() === 'failed' && !module.children.size) failed++;
    }
    if (this.#line === undefined) {
      process.once('exit', () => {
        if (this.#line !== undefined) writeSync(1, this.#line);
      });
    }
    this.#line = `\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`;
  }
}
