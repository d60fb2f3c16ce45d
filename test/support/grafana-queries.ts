import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, Panel } from '../../scripts/build-dashboards.ts';
import { DASHBOARDS_DIR } from '../../scripts/build-dashboards.ts';

export interface LoadedDashboard {
  readonly file: string;
  readonly dashboard: Dashboard;
}

/** Every dashboards/*.json as parsed (throws on invalid JSON, naming the file). */
export function loadDashboards(): LoadedDashboard[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(DASHBOARDS_DIR, file), 'utf8');
      try {
        return { file, dashboard: JSON.parse(text) as Dashboard };
      } catch (error) {
        throw new Error(`dashboards/${file} is not valid JSON`, { cause: error });
      }
    });
}

/** Panels at any depth (rows may hold their panels when collapsed). */
export function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

export interface PanelQuery {
  readonly file: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  readonly instant: boolean;
}

/** Every panel target's and annotation's PromQL, with where it comes from. */
export function dashboardQueries(loaded: LoadedDashboard): PanelQuery[] {
  const targets = allPanels(loaded.dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ file: loaded.file, panel: panel.title, refId: target.refId, expr: target.expr, instant: target.instant })),
  );
  const annotations = loaded.dashboard.annotations.list.map((annotation) => ({
    file: loaded.file,
    panel: `annotation ${annotation.name}`,
    refId: 'annotation',
    expr: annotation.expr,
    instant: false,
  }));
  return [...targets, ...annotations];
}

/** `label_values(selector, label)` of a query variable, split. */
export function labelValuesQuery(definition: string): { readonly selector: string; readonly label: string } {
  const match = /^label_values\((.*),\s*(\w+)\)$/.exec(definition);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`not a label_values(selector, label) query: ${definition}`);
  return { selector: match[1], label: match[2] };
}

/** Grafana's own variables, and values for them fit for a scrape every second. */
export const BUILTIN_VARIABLES: Readonly<Record<string, string>> = { __rate_interval: '15s', __interval: '5s', __range: '5m' };

/**
 * The query with its variables filled in, as Grafana would send it: `$name` and `${name}`, built-ins
 * included. Unknown variables throw, so a typo cannot hide.
 */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  const all = { ...BUILTIN_VARIABLES, ...values };
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = all[name];
    if (value === undefined) throw new Error(`no value for the variable ${whole} in ${expr}`);
    return value;
  });
}

/** The names of the variables a query uses. */
export function variablesOf(expr: string): Set<string> {
  return new Set([...expr.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((match) => match[1] ?? match[2] ?? ''));
}
