/**
 * The generated references are what their generators produce now: a setting added to the schema or a
 * metric added to the catalog fails here until `npm run build:assets` writes the page again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfigReference, CONFIG_REFERENCE_FILE, REPOSITORY_ROOT } from '../../scripts/build-config-reference.ts';
import { buildMetricsReference, METRICS_REFERENCE_FILE } from '../../scripts/build-metrics-reference.ts';
import { configEnvNames } from '../../src/config/env-overrides.ts';
import { METRIC_CATALOG } from '../../src/telemetry/metric-catalog.ts';

const REBUILD = 'is out of date: run `npm run build:assets`';

function read(file: string): string {
  return readFileSync(join(REPOSITORY_ROOT, file), 'utf8');
}

describe('docs/configuration.md', () => {
  it('is what scripts/build-config-reference.ts builds from the schema', () => {
    expect(read(CONFIG_REFERENCE_FILE), `${CONFIG_REFERENCE_FILE} ${REBUILD}`).toBe(buildConfigReference());
  });

  it('names every environment variable Isthmus reads', () => {
    const page = buildConfigReference();
    // Whole secret references and whole sections are settable too, but the page lists their parts.
    const leaves = [...configEnvNames().keys()].filter((name) => !configEnvNames().has(`${name}_ENV`));
    expect(leaves.filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
    expect(page).toContain('| `shutdownTimeout` | duration | `10s` | `ISTHMUS_SHUTDOWN_TIMEOUT` |');
  });
});

describe('docs/metrics.md', () => {
  it('is what scripts/build-metrics-reference.ts builds from the metric catalog', () => {
    expect(read(METRICS_REFERENCE_FILE), `${METRICS_REFERENCE_FILE} ${REBUILD}`).toBe(buildMetricsReference());
  });

  it('lists every metric of the catalog once', () => {
    const page = buildMetricsReference();
    for (const spec of METRIC_CATALOG) expect(page.split(`| \`${spec.prometheusName}\` |`), spec.prometheusName).toHaveLength(2);
  });
});
