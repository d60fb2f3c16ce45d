import { METRIC_CATALOG } from '../../src/telemetry/metric-catalog.ts';

/**
 * Metric names a PromQL expression selects, found roughly: string literals, label matchers, range and
 * subquery brackets and grouping clauses are removed, then every identifier that is not a keyword and is
 * not called like a function is a metric name. Good enough for the expressions Isthmus ships (and it errs
 * on the side of reporting too much, which fails the check loudly rather than silently).
 */
export function promqlMetricNames(expression: string): Set<string> {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b(?:group_left|group_right)\b/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:$])[a-zA-Z_:][\w:]*(?!\w)(\s*\()?/g)) {
    const [, call] = match;
    const name = match[0].replace(/\s*\($/, '');
    if (call !== undefined || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return names;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan', 'atan2', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'start', 'end']);

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/** The Prometheus names the bridge exports: catalog names, and the series of its histograms. */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const spec of METRIC_CATALOG) {
    if (spec.kind === 'histogram') for (const suffix of HISTOGRAM_SUFFIXES) names.add(`${spec.prometheusName}${suffix}`);
    else names.add(spec.prometheusName);
  }
  return names;
}
