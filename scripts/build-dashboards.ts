/*
 * Builds Isthmus' Grafana dashboards (dashboards/*.json) from code, so that every panel gets the same
 * datasource variable, the same templating and a unique id, and every query is written once against the
 * metric catalog (src/telemetry/metric-catalog.ts) and the recording rules (rules/*.rules.yaml).
 *
 *   npm run build:assets           writes dashboards/*.json (then the deploy assets)
 *
 * test/dashboards/dashboards.test.ts fails when the files are not what this produces; after changing a
 * dashboard here, run it, then scripts/build-deploy-assets.ts (the ConfigMaps embed the JSON).
 *
 * Cluster: Isthmus does not export a `cluster` label. Every query matches `cluster=~"$cluster"`, whose
 * "All" value is `.*`, which also matches series without the label, so the dashboards work unchanged
 * on a single Prometheus; where the scrape adds a `cluster` target label, or a global query layer
 * (Thanos, Mimir) adds one from external labels, the variable lists the clusters and filters them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Classic dashboard JSON of Grafana 12.0/12.1; newer Grafana migrates it on load. */
export const SCHEMA_VERSION = 41;

interface DatasourceRef {
  readonly type: 'prometheus';
  readonly uid: string;
}

/** The one datasource reference every panel, target, variable and annotation uses. */
export const DATASOURCE: DatasourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface Target {
  readonly refId: string;
  readonly datasource: DatasourceRef;
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
  readonly format: 'time_series' | 'table';
  readonly editorMode: 'code';
}

export interface GridPos {
  readonly h: number;
  readonly w: number;
  readonly x: number;
  readonly y: number;
}

type JsonObject = Readonly<Record<string, unknown>>;

export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly gridPos: GridPos;
  readonly datasource?: DatasourceRef;
  readonly targets?: readonly Target[];
  readonly fieldConfig?: JsonObject;
  readonly options?: JsonObject;
  readonly transformations?: readonly JsonObject[];
  readonly collapsed?: boolean;
  readonly panels?: readonly Panel[];
}

export interface Variable {
  readonly type: 'datasource' | 'query';
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly datasource?: DatasourceRef;
  readonly definition?: string;
  readonly query: string | JsonObject;
  readonly refresh: number;
  readonly includeAll: boolean;
  readonly multi: boolean;
  readonly allValue?: string;
  readonly current: JsonObject;
  readonly options: readonly unknown[];
  readonly regex: string;
  readonly sort?: number;
  readonly hide: number;
}

export interface Annotation {
  readonly name: string;
  readonly datasource: DatasourceRef;
  readonly enable: boolean;
  readonly hide: boolean;
  readonly iconColor: string;
  readonly expr: string;
  readonly step: string;
  readonly titleFormat: string;
  readonly textFormat: string;
  readonly tagKeys: string;
  readonly useValueForTime: boolean;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly timezone: string;
  readonly editable: boolean;
  readonly graphTooltip: number;
  readonly fiscalYearStartMonth: number;
  readonly liveNow: boolean;
  readonly weekStart: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly timepicker: JsonObject;
  readonly refresh: string;
  readonly schemaVersion: number;
  readonly version: number;
  readonly links: readonly JsonObject[];
  readonly annotations: { readonly list: readonly Annotation[] };
  readonly templating: { readonly list: readonly Variable[] };
  readonly panels: readonly Panel[];
}

// Variables ---------------------------------------------------------------------------------------------

const datasourceVariable: Variable = {
  type: 'datasource',
  name: 'datasource',
  label: 'Data source',
  description: 'The Prometheus that scrapes the Isthmus bridge (or a global view such as Thanos or Mimir).',
  query: 'prometheus',
  refresh: 1,
  includeAll: false,
  multi: false,
  current: {},
  options: [],
  regex: '',
  hide: 0,
};

interface QueryVariableSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly query: string;
  /** Several values and an "All" of `.*` (queries use `=~`); otherwise one value (queries use `=`). */
  readonly multi: boolean;
}

function queryVariable(spec: QueryVariableSpec): Variable {
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    description: spec.description,
    datasource: DATASOURCE,
    definition: spec.query,
    query: { qryType: 1, query: spec.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    // On time-range change: Services and tunnels come and go.
    refresh: 2,
    includeAll: spec.multi,
    multi: spec.multi,
    // `.*` rather than Grafana's own list of every value: it also matches series without the label
    // (no cluster label, flows that crossed no tunnel) and keeps queries short.
    ...(spec.multi ? { allValue: '.*', current: { selected: true, text: ['All'], value: ['$__all'] } } : { current: {} }),
    options: [],
    regex: '',
    sort: 1,
    hide: 0,
  };
}

const clusterVariable = queryVariable({
  name: 'cluster',
  label: 'Cluster',
  description: 'The `cluster` label added by the scrape or a global query layer; "All" also matches series without one.',
  query: 'label_values(isthmus_hubble_connected, cluster)',
  multi: true,
});

function namespaceVariable(multi: boolean): Variable {
  return queryVariable({
    name: 'namespace',
    label: 'Namespace',
    description: 'Namespaces of the Services Isthmus steers (pinned or with an SLO).',
    query: 'label_values(isthmus_service_assignment_info{cluster=~"$cluster"}, namespace)',
    multi,
  });
}

function serviceVariable(multi: boolean): Variable {
  return queryVariable({
    name: 'service',
    label: 'Service',
    description: 'Services Isthmus steers (pinned or with an SLO).',
    query: multi
      ? 'label_values(isthmus_service_assignment_info{cluster=~"$cluster", namespace=~"$namespace"}, service)'
      : 'label_values(isthmus_service_assignment_info{cluster=~"$cluster", namespace="$namespace"}, service)',
    multi,
  });
}

function siteVariable(name: string, label: string, siteLabel: string, description: string): Variable {
  return queryVariable({ name, label, description, query: `label_values(isthmus_tunnel_up{cluster=~"$cluster"}, ${siteLabel})`, multi: true });
}

const colorVariable = queryVariable({
  name: 'color',
  label: 'Color',
  description: 'SD-WAN transport color (TLOC color) of the tunnels.',
  query: 'label_values(isthmus_tunnel_up{cluster=~"$cluster"}, local_color)',
  multi: true,
});

const instanceVariable = queryVariable({
  name: 'instance',
  label: 'Bridge',
  description: 'Bridge replicas (the scrape target’s instance).',
  query: 'label_values(isthmus_hubble_connected{cluster=~"$cluster"}, instance)',
  multi: true,
});

// Panels ------------------------------------------------------------------------------------------------

interface Query {
  readonly expr: string;
  readonly legend?: string;
  /** One value per series at the end of the range (stats, tables, bar gauges). */
  readonly instant?: boolean;
}

type Thresholds = readonly (readonly [value: number | null, color: string])[];

interface PanelSpec {
  readonly type: 'timeseries' | 'stat' | 'table' | 'state-timeline' | 'status-history' | 'bargauge';
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly h: number;
  readonly queries: readonly Query[];
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  readonly thresholds?: Thresholds;
  readonly mappings?: readonly JsonObject[];
  readonly custom?: JsonObject;
  readonly options?: JsonObject;
  readonly overrides?: readonly JsonObject[];
  readonly transformations?: readonly JsonObject[];
  readonly links?: readonly JsonObject[];
  /** Color by thresholds (stats, gauges) rather than the palette (time series). */
  readonly colorMode?: 'thresholds' | 'palette-classic';
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(spec: PanelSpec): Target[] {
  const table = spec.type === 'table';
  return spec.queries.map((query, index) => ({
    refId: LETTERS[index] ?? `Q${index}`,
    datasource: DATASOURCE,
    expr: query.expr,
    legendFormat: query.legend ?? '__auto',
    range: query.instant !== true,
    instant: query.instant === true,
    format: table ? 'table' : 'time_series',
    editorMode: 'code',
  }));
}

function thresholdSteps(thresholds: Thresholds): JsonObject {
  return { mode: 'absolute', steps: thresholds.map(([value, color]) => ({ color, value })) };
}

const DEFAULT_OPTIONS: Readonly<Record<PanelSpec['type'], JsonObject>> = {
  timeseries: {
    legend: { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] },
    tooltip: { mode: 'multi', sort: 'desc' },
  },
  stat: {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    colorMode: 'value',
    graphMode: 'none',
    justifyMode: 'auto',
    orientation: 'auto',
    textMode: 'auto',
    wideLayout: true,
    showPercentChange: false,
  },
  table: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
  'state-timeline': {
    showValue: 'never',
    mergeValues: true,
    alignValue: 'left',
    rowHeight: 0.9,
    legend: { showLegend: false, displayMode: 'list', placement: 'bottom' },
    tooltip: { mode: 'single', sort: 'none' },
  },
  'status-history': {
    showValue: 'never',
    rowHeight: 0.9,
    colWidth: 0.9,
    legend: { showLegend: false, displayMode: 'list', placement: 'bottom' },
    tooltip: { mode: 'single', sort: 'none' },
  },
  bargauge: {
    orientation: 'horizontal',
    displayMode: 'gradient',
    valueMode: 'color',
    namePlacement: 'auto',
    showUnfilled: true,
    sizing: 'auto',
    minVizWidth: 8,
    minVizHeight: 16,
    maxVizHeight: 300,
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
  },
};

const DEFAULT_CUSTOM: Readonly<Partial<Record<PanelSpec['type'], JsonObject>>> = {
  timeseries: {
    drawStyle: 'line',
    lineInterpolation: 'linear',
    lineWidth: 1,
    fillOpacity: 10,
    gradientMode: 'none',
    showPoints: 'never',
    spanNulls: false,
    axisPlacement: 'auto',
    axisBorderShow: false,
    stacking: { mode: 'none', group: 'A' },
    thresholdsStyle: { mode: 'off' },
  },
  table: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false },
  'state-timeline': { fillOpacity: 80, lineWidth: 0 },
  'status-history': { fillOpacity: 80, lineWidth: 1 },
};

function panelBody(spec: PanelSpec): Omit<Panel, 'id' | 'gridPos'> {
  const custom = { ...DEFAULT_CUSTOM[spec.type], ...spec.custom };
  const defaults: Record<string, unknown> = {
    color: { mode: spec.colorMode ?? (spec.type === 'timeseries' ? 'palette-classic' : 'thresholds') },
    thresholds: thresholdSteps(spec.thresholds ?? [[null, 'green']]),
    mappings: spec.mappings ?? [],
    ...(Object.keys(custom).length > 0 ? { custom } : {}),
    ...(spec.unit === undefined ? {} : { unit: spec.unit }),
    ...(spec.min === undefined ? {} : { min: spec.min }),
    ...(spec.max === undefined ? {} : { max: spec.max }),
    ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
    ...(spec.links === undefined ? {} : { links: spec.links }),
  };
  return {
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    targets: targets(spec),
    fieldConfig: { defaults, overrides: spec.overrides ?? [] },
    options: { ...DEFAULT_OPTIONS[spec.type], ...spec.options },
    ...(spec.transformations === undefined ? {} : { transformations: spec.transformations }),
  };
}

/** Places panels left to right on Grafana's 24-column grid, a row header starting a new line. */
class Layout {
  readonly panels: Panel[] = [];
  #nextId = 1;
  #x = 0;
  #y = 0;
  #lineHeight = 0;

  row(title: string): this {
    this.#newLine();
    this.panels.push({ id: this.#nextId++, type: 'row', title, collapsed: false, panels: [], gridPos: { h: 1, w: 24, x: 0, y: this.#y } });
    this.#y += 1;
    return this;
  }

  add(spec: PanelSpec): this {
    if (this.#x + spec.w > 24) this.#newLine();
    this.panels.push({ id: this.#nextId++, gridPos: { h: spec.h, w: spec.w, x: this.#x, y: this.#y }, ...panelBody(spec) });
    this.#x += spec.w;
    this.#lineHeight = Math.max(this.#lineHeight, spec.h);
    return this;
  }

  #newLine(): void {
    this.#y += this.#lineHeight;
    this.#x = 0;
    this.#lineHeight = 0;
  }
}

// Shared pieces of panels -------------------------------------------------------------------------------

const UP_DOWN_MAPPINGS: readonly JsonObject[] = [
  { type: 'value', options: { '0': { text: 'down', color: 'red', index: 0 }, '1': { text: 'up', color: 'green', index: 1 } } },
];

const YES_NO_MAPPINGS: readonly JsonObject[] = [
  { type: 'value', options: { '0': { text: 'no', color: 'red', index: 0 }, '1': { text: 'yes', color: 'green', index: 1 } } },
];

/** Shares close to 1 matter: 99 % is worse than it looks on a 0–100 % axis. */
const SLI_THRESHOLDS: Thresholds = [
  [null, 'red'],
  [0.99, 'orange'],
  [0.999, 'green'],
];

const BUDGET_THRESHOLDS: Thresholds = [
  [null, 'red'],
  [0.25, 'orange'],
  [0.5, 'green'],
];

/** The paging factors: red at 14.4× (1 h window), orange at 6× (6 h window). */
const BURN_THRESHOLDS: Thresholds = [
  [null, 'green'],
  [1, 'yellow'],
  [6, 'orange'],
  [14.4, 'red'],
];

const LOSS_THRESHOLDS: Thresholds = [
  [null, 'green'],
  [0.01, 'orange'],
  [0.05, 'red'],
];

const LATENCY_THRESHOLDS: Thresholds = [
  [null, 'green'],
  [0.1, 'orange'],
  [0.25, 'red'],
];

const BURN_UNIT = 'suffix:×';
const FLOW_RATE_UNIT = 'suffix: flows/s';

/** A dashed red series: the SLO bound a path value is compared with. */
function boundOverride(refId: string): JsonObject {
  return {
    matcher: { id: 'byFrameRefID', options: refId },
    properties: [
      { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineWidth', value: 2 },
    ],
  };
}

function unitOverride(field: string, unit: string): JsonObject {
  return { matcher: { id: 'byName', options: field }, properties: [{ id: 'unit', value: unit }] };
}

/** Instant table queries, one value column each, merged into one row per label set. */
function mergedTable(renames: Readonly<Record<string, string>>, exclude: readonly string[]): readonly JsonObject[] {
  return [
    { id: 'merge', options: {} },
    {
      id: 'organize',
      options: {
        excludeByName: Object.fromEntries(['Time', '__name__', 'job', 'instance', 'pod', ...exclude].map((name) => [name, true])),
        renameByName: renames,
        indexByName: {},
      },
    },
  ];
}

/** From a panel of series: the Service is in the series' labels. */
const SERVICE_DETAIL_LINK: JsonObject = {
  title: 'Service detail',
  url: '/d/isthmus-service/isthmus-service-detail?${cluster:queryparam}&var-namespace=${__field.labels.namespace}&var-service=${__field.labels.service}&${__url_time_range}',
};

/** From a table row: the Service is in the row's (renamed) columns. */
const SERVICE_DETAIL_TABLE_LINK: JsonObject = {
  title: 'Service detail',
  url: '/d/isthmus-service/isthmus-service-detail?${cluster:queryparam}&var-namespace=${__data.fields.Namespace}&var-service=${__data.fields.Service}&${__url_time_range}',
};

const TUNNEL_LEGEND = '{{local_site}} {{local_system_ip}} → {{remote_site}} {{remote_system_ip}} {{local_color}}/{{remote_color}}';
const SITE_PAIR_LEGEND = '{{local_site}} → {{remote_site}} {{local_color}}';

function dashboard(fields: {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly Variable[];
  readonly layout: Layout;
  readonly annotations?: readonly Annotation[];
}): Dashboard {
  return {
    uid: fields.uid,
    title: fields.title,
    description: fields.description,
    tags: ['isthmus', 'sd-wan', 'slo'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    refresh: '1m',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    links: [{ type: 'dashboards', title: 'Isthmus', tags: ['isthmus'], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false }],
    annotations: { list: fields.annotations ?? [] },
    templating: { list: [datasourceVariable, ...fields.variables] },
    panels: fields.layout.panels,
  };
}

// Fleet overview ----------------------------------------------------------------------------------------

function fleetOverview(): Dashboard {
  const svc = 'cluster=~"$cluster", namespace=~"$namespace", service=~"$service"';
  const tun = 'cluster=~"$cluster", local_site=~"$site", local_color=~"$color"';
  const byPair = 'local_site, remote_site, local_color';
  const layout = new Layout()
    .row('Service level objectives')
    .add({
      type: 'stat',
      title: 'Services with an SLO',
      description: 'Services that declare an SLO (isthmus.io/max-latency, max-loss, max-jitter).',
      w: 4,
      h: 4,
      queries: [{ expr: `count(namespace_service:isthmus_slo_objective:ratio{${svc}}) or vector(0)`, instant: true }],
      colorMode: 'thresholds',
      thresholds: [[null, 'blue']],
    })
    .add({
      type: 'stat',
      title: 'Meeting their SLO now',
      description: 'Share of the Services with an SLO whose path meets every bound right now (isthmus_slo_compliant).',
      w: 4,
      h: 4,
      queries: [{ expr: `sum(namespace_service:isthmus_slo_compliant:min{${svc}}) / count(namespace_service:isthmus_slo_compliant:min{${svc}})`, instant: true }],
      unit: 'percentunit',
      decimals: 1,
      thresholds: [
        [null, 'red'],
        [0.9, 'orange'],
        [1, 'green'],
      ],
    })
    .add({
      type: 'stat',
      title: 'Burning budget fast enough to page',
      description: 'Services for which IsthmusSLOFastBurn (14.4× over 1 h and 5 m) or IsthmusSLOMediumBurn (6× over 6 h and 30 m) holds now.',
      w: 4,
      h: 4,
      queries: [
        {
          expr:
            `count(` +
            `(namespace_service:isthmus_slo_burn_rate:ratio_rate1h{${svc}} > 14.4 and namespace_service:isthmus_slo_burn_rate:ratio_rate5m{${svc}} > 14.4)` +
            ` or ` +
            `(namespace_service:isthmus_slo_burn_rate:ratio_rate6h{${svc}} > 6 and namespace_service:isthmus_slo_burn_rate:ratio_rate30m{${svc}} > 6)` +
            `) or vector(0)`,
          instant: true,
        },
      ],
      thresholds: [
        [null, 'green'],
        [1, 'red'],
      ],
    })
    .add({
      type: 'stat',
      title: 'In fallback',
      description: 'Services none of whose candidate colors meets their SLO; they are on their fallback (best-effort or hold).',
      w: 4,
      h: 4,
      queries: [{ expr: `count(isthmus_service_assignment_info{${svc}, mode="fallback"}) or vector(0)`, instant: true }],
      thresholds: [
        [null, 'green'],
        [1, 'orange'],
      ],
    })
    .add({
      type: 'stat',
      title: 'Remaps in the time range',
      description: 'Moves of Services from one color to another over the dashboard’s time range.',
      w: 4,
      h: 4,
      queries: [{ expr: `round(sum(increase(isthmus_remaps_total{${svc}}[$__range]))) or vector(0)`, instant: true }],
      thresholds: [[null, 'blue']],
    })
    .add({
      type: 'stat',
      title: 'Tunnels down',
      description: 'Tunnels whose BFD session is down now.',
      w: 4,
      h: 4,
      queries: [{ expr: `count(isthmus_tunnel_up{${tun}} == 0) or vector(0)`, instant: true }],
      thresholds: [
        [null, 'green'],
        [1, 'red'],
      ],
    })
    .add({
      type: 'table',
      title: 'SLOs by Service',
      description:
        'Objective, SLI (share of compliant time slices) over 1 h and 30 days, the 30-day error budget left and the 1-hour burn rate. Click a Service for its detail.',
      w: 14,
      h: 9,
      queries: [
        { expr: `namespace_service:isthmus_slo_objective:ratio{${svc}}`, instant: true },
        { expr: `namespace_service:isthmus_slo_sli:ratio_rate1h{${svc}}`, instant: true },
        { expr: `namespace_service:isthmus_slo_sli:ratio_rate30d{${svc}}`, instant: true },
        { expr: `namespace_service:isthmus_slo_error_budget_remaining:ratio{${svc}}`, instant: true },
        { expr: `namespace_service:isthmus_slo_burn_rate:ratio_rate1h{${svc}}`, instant: true },
      ],
      unit: 'percentunit',
      decimals: 2,
      links: [SERVICE_DETAIL_TABLE_LINK],
      transformations: mergedTable(
        { cluster: 'Cluster', namespace: 'Namespace', service: 'Service', 'Value #A': 'Objective', 'Value #B': 'SLI 1h', 'Value #C': 'SLI 30d', 'Value #D': 'Budget left', 'Value #E': 'Burn rate 1h' },
        [],
      ),
      overrides: [
        unitOverride('Burn rate 1h', BURN_UNIT),
        { matcher: { id: 'byName', options: 'Budget left' }, properties: [{ id: 'custom.cellOptions', value: { type: 'color-background' } }, { id: 'thresholds', value: thresholdSteps(BUDGET_THRESHOLDS) }] },
      ],
    })
    .add({
      type: 'bargauge',
      title: 'Error budget left (30 days)',
      description: 'Share of the 30-day error budget each Service has not spent; below zero it is overspent.',
      w: 10,
      h: 9,
      queries: [{ expr: `sort(namespace_service:isthmus_slo_error_budget_remaining:ratio{${svc}})`, legend: '{{namespace}}/{{service}}', instant: true }],
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: BUDGET_THRESHOLDS,
      links: [SERVICE_DETAIL_LINK],
    })
    .add({
      type: 'timeseries',
      title: 'SLO compliance (SLI over 1 hour)',
      description: 'Share of the last hour’s time slices in which each Service’s path met its SLO.',
      w: 12,
      h: 8,
      queries: [{ expr: `namespace_service:isthmus_slo_sli:ratio_rate1h{${svc}}`, legend: '{{namespace}}/{{service}}' }],
      unit: 'percentunit',
      max: 1,
    })
    .add({
      type: 'timeseries',
      title: 'Burn rate (1 hour window)',
      description: 'How fast each Service spends its error budget; 1 spends it exactly in 30 days. Lines at the paging factors 6 and 14.4.',
      w: 12,
      h: 8,
      queries: [{ expr: `namespace_service:isthmus_slo_burn_rate:ratio_rate1h{${svc}}`, legend: '{{namespace}}/{{service}}' }],
      unit: BURN_UNIT,
      min: 0,
      thresholds: [
        [null, 'transparent'],
        [6, 'orange'],
        [14.4, 'red'],
      ],
      custom: { thresholdsStyle: { mode: 'dashed' } },
    })
    .row('Remaps and assignments')
    .add({
      type: 'timeseries',
      title: 'Remaps',
      description: 'Moves of Services from one color to another, with the reason.',
      w: 14,
      h: 8,
      queries: [
        {
          expr: `sum by (namespace, service, to, reason) (increase(isthmus_remaps_total{${svc}}[$__rate_interval]))`,
          legend: '{{namespace}}/{{service}} → {{to}} ({{reason}})',
        },
      ],
      unit: 'short',
      custom: { drawStyle: 'bars', fillOpacity: 80 },
    })
    .add({
      type: 'table',
      title: 'Assignments now',
      description: 'The color each steered Service is on, and how it got there: auto (optimizer), pinned, fallback.',
      w: 10,
      h: 8,
      queries: [{ expr: `isthmus_service_assignment_info{${svc}}`, instant: true }],
      links: [SERVICE_DETAIL_TABLE_LINK],
      transformations: mergedTable({ cluster: 'Cluster', namespace: 'Namespace', service: 'Service', color: 'Color', mode: 'Mode' }, ['Value']),
    })
    .row('Tunnel health by site pair and color')
    .add({
      type: 'status-history',
      title: 'Tunnels up by site pair and color',
      description: 'Down when any tunnel between the two sites on that color (any edge) is down.',
      w: 24,
      h: 9,
      queries: [{ expr: `min by (${byPair}) (isthmus_tunnel_up{${tun}})`, legend: SITE_PAIR_LEGEND }],
      mappings: UP_DOWN_MAPPINGS,
    })
    .add({
      type: 'timeseries',
      title: 'Worst latency by site pair and color',
      description: 'Highest tunnel latency between the two sites on that color, as vManage reports it.',
      w: 8,
      h: 8,
      queries: [{ expr: `max by (${byPair}) (isthmus_tunnel_latency_seconds{${tun}})`, legend: SITE_PAIR_LEGEND }],
      unit: 's',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Worst jitter by site pair and color',
      description: 'Highest tunnel jitter between the two sites on that color.',
      w: 8,
      h: 8,
      queries: [{ expr: `max by (${byPair}) (isthmus_tunnel_jitter_seconds{${tun}})`, legend: SITE_PAIR_LEGEND }],
      unit: 's',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Worst loss by site pair and color',
      description: 'Highest tunnel packet loss between the two sites on that color.',
      w: 8,
      h: 8,
      queries: [{ expr: `max by (${byPair}) (isthmus_tunnel_loss_ratio{${tun}})`, legend: SITE_PAIR_LEGEND }],
      unit: 'percentunit',
      min: 0,
    });
  return dashboard({
    uid: 'isthmus-fleet',
    title: 'Isthmus / Fleet overview',
    description: 'SLO compliance and error budgets of every steered Service, remaps, and tunnel health by site pair and color.',
    variables: [clusterVariable, namespaceVariable(true), serviceVariable(true), siteVariable('site', 'Site', 'local_site', 'Local site of the tunnels.'), colorVariable],
    layout,
  });
}

// Service detail ----------------------------------------------------------------------------------------

function serviceDetail(): Dashboard {
  const svc = 'cluster=~"$cluster", namespace="$namespace", service="$service"';
  const boundPanel = (title: string, pathMetric: string, boundMetric: string, unit: string, what: string): PanelSpec => ({
    type: 'timeseries',
    title,
    description: `Worst ${what} over the site pairs the Service’s traffic crosses, on its assigned color, against the bound its SLO declares (dashed).`,
    w: 8,
    h: 8,
    queries: [
      { expr: `${pathMetric}{${svc}, color=~"$color"}`, legend: '{{color}}' },
      { expr: `${boundMetric}{${svc}}`, legend: 'SLO bound' },
    ],
    unit,
    min: 0,
    overrides: [boundOverride('B')],
  });
  const layout = new Layout()
    .row('Service level objective')
    .add({
      type: 'stat',
      title: 'Assigned color',
      description: 'The color the Service is on, and how it got there: auto (optimizer), pinned or fallback.',
      w: 5,
      h: 4,
      queries: [{ expr: `isthmus_service_assignment_info{${svc}}`, legend: '{{color}} ({{mode}})', instant: true }],
      options: { textMode: 'name', colorMode: 'none' },
    })
    .add({
      type: 'stat',
      title: 'Meets its SLO now',
      description: 'Whether the Service’s path meets every bound of its SLO right now (the time-slice SLI).',
      w: 4,
      h: 4,
      queries: [{ expr: `namespace_service:isthmus_slo_compliant:min{${svc}}`, instant: true }],
      mappings: YES_NO_MAPPINGS,
    })
    .add({
      type: 'stat',
      title: 'Objective',
      description: 'Share of time the SLO must hold (isthmus.io/objective).',
      w: 3,
      h: 4,
      queries: [{ expr: `namespace_service:isthmus_slo_objective:ratio{${svc}}`, instant: true }],
      unit: 'percentunit',
      decimals: 2,
      thresholds: [[null, 'blue']],
    })
    .add({
      type: 'stat',
      title: 'SLI, 30 days',
      description: 'Share of the last 30 days’ time slices in which the path met the SLO.',
      w: 4,
      h: 4,
      queries: [{ expr: `namespace_service:isthmus_slo_sli:ratio_rate30d{${svc}}`, instant: true }],
      unit: 'percentunit',
      decimals: 3,
      thresholds: SLI_THRESHOLDS,
    })
    .add({
      type: 'stat',
      title: 'Error budget left',
      description: 'Share of the 30-day error budget not spent; below zero it is overspent.',
      w: 4,
      h: 4,
      queries: [{ expr: `namespace_service:isthmus_slo_error_budget_remaining:ratio{${svc}}`, instant: true }],
      unit: 'percentunit',
      decimals: 1,
      thresholds: BUDGET_THRESHOLDS,
    })
    .add({
      type: 'stat',
      title: 'Burn rate, 1 hour',
      description: 'How fast the budget is being spent over the last hour; 1 spends it exactly in 30 days.',
      w: 4,
      h: 4,
      queries: [{ expr: `namespace_service:isthmus_slo_burn_rate:ratio_rate1h{${svc}}`, instant: true }],
      unit: BURN_UNIT,
      decimals: 1,
      thresholds: BURN_THRESHOLDS,
    })
    .row('Path against the SLO bounds')
    .add(boundPanel('Path latency against the SLO', 'isthmus_service_path_latency_seconds', 'isthmus_slo_max_latency_seconds', 's', 'latency'))
    .add(boundPanel('Path jitter against the SLO', 'isthmus_service_path_jitter_seconds', 'isthmus_slo_max_jitter_seconds', 's', 'jitter'))
    .add(boundPanel('Path loss against the SLO', 'isthmus_service_path_loss_ratio', 'isthmus_slo_max_loss_ratio', 'percentunit', 'packet loss'))
    .row('Assignment and compliance')
    .add({
      type: 'state-timeline',
      title: 'Assigned color over time',
      description: 'One row per color (and mode) the Service was on; remaps show as annotations.',
      w: 24,
      h: 6,
      queries: [{ expr: `isthmus_service_assignment_info{${svc}}`, legend: '{{color}} ({{mode}})' }],
      mappings: [{ type: 'value', options: { '1': { text: 'assigned', color: 'blue', index: 0 } } }],
    })
    .add({
      type: 'timeseries',
      title: 'Compliance and SLI',
      description: 'The time-slice SLI (1 while compliant) and its share of good slices over 5 minutes and 1 hour.',
      w: 12,
      h: 8,
      queries: [
        { expr: `namespace_service:isthmus_slo_compliant:min{${svc}}`, legend: 'compliant' },
        { expr: `namespace_service:isthmus_slo_sli:ratio_rate5m{${svc}}`, legend: 'SLI 5m' },
        { expr: `namespace_service:isthmus_slo_sli:ratio_rate1h{${svc}}`, legend: 'SLI 1h' },
      ],
      unit: 'percentunit',
      min: 0,
      max: 1,
    })
    .add({
      type: 'timeseries',
      title: 'Burn rate',
      description: 'Burn rate over the alert windows; the pages fire at 14.4× (1 h and 5 m) and 6× (6 h and 30 m).',
      w: 12,
      h: 8,
      queries: [
        { expr: `namespace_service:isthmus_slo_burn_rate:ratio_rate5m{${svc}}`, legend: '5m' },
        { expr: `namespace_service:isthmus_slo_burn_rate:ratio_rate1h{${svc}}`, legend: '1h' },
        { expr: `namespace_service:isthmus_slo_burn_rate:ratio_rate6h{${svc}}`, legend: '6h' },
      ],
      unit: BURN_UNIT,
      min: 0,
      thresholds: [
        [null, 'transparent'],
        [6, 'orange'],
        [14.4, 'red'],
      ],
      custom: { thresholdsStyle: { mode: 'dashed' } },
    })
    .row('Traffic')
    .add({
      type: 'timeseries',
      title: 'Flows by site pair',
      description: 'Flows of the Service per second by client site, backend site and the color they crossed (none: same site).',
      w: 12,
      h: 8,
      queries: [
        {
          expr: `sum by (src_site, dst_site, color) (rate(isthmus_service_flows_total{${svc}, src_site=~"$site", color=~"$color"}[$__rate_interval]))`,
          legend: '{{src_site}} → {{dst_site}} on {{color}}',
        },
      ],
      unit: FLOW_RATE_UNIT,
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Flows by verdict',
      description: 'Flows of the Service per second by Hubble verdict (FORWARDED, DROPPED, …).',
      w: 12,
      h: 8,
      queries: [
        {
          expr: `sum by (verdict) (rate(isthmus_service_flows_total{${svc}, src_site=~"$site", color=~"$color"}[$__rate_interval]))`,
          legend: '{{verdict}}',
        },
      ],
      unit: FLOW_RATE_UNIT,
      min: 0,
    });
  // A remap shows as a counter that changed, or as a new series (the first move on a from/to/reason).
  const remaps = `isthmus_remaps_total{${svc}}`;
  return dashboard({
    uid: 'isthmus-service',
    title: 'Isthmus / Service detail',
    description: 'One Service: its SLO bounds against the path it takes, its assigned color over time, its flows by site pair, and its remaps.',
    variables: [
      clusterVariable,
      namespaceVariable(false),
      serviceVariable(false),
      siteVariable('site', 'Client site', 'local_site', 'Site of the clients whose flows are shown.'),
      colorVariable,
    ],
    layout,
    annotations: [
      {
        name: 'Remaps',
        datasource: DATASOURCE,
        enable: true,
        hide: false,
        iconColor: 'orange',
        expr: `sum by (from, to, reason) (changes(${remaps}[2m]) > 0 or (${remaps} unless ${remaps} offset 2m))`,
        step: '1m',
        titleFormat: 'Remap {{from}} → {{to}}',
        textFormat: '{{reason}}',
        tagKeys: 'reason',
        useValueForTime: false,
      },
    ],
  });
}

// Tunnels -----------------------------------------------------------------------------------------------

function tunnels(): Dashboard {
  const tun = 'cluster=~"$cluster", local_site=~"$site", remote_site=~"$remote_site", local_color=~"$color"';
  const perTunnel = (title: string, metric: string, unit: string, what: string, thresholds: Thresholds): PanelSpec => ({
    type: 'timeseries',
    title,
    description: `${what} of each tunnel as vManage reports it.`,
    w: 8,
    h: 9,
    queries: [{ expr: `${metric}{${tun}}`, legend: TUNNEL_LEGEND }],
    unit,
    min: 0,
    thresholds,
  });
  const layout = new Layout()
    .row('Summary')
    .add({
      type: 'stat',
      title: 'Tunnels',
      description: 'Tunnels known from BFD.',
      w: 4,
      h: 4,
      queries: [{ expr: `count(isthmus_tunnel_up{${tun}}) or vector(0)`, instant: true }],
      thresholds: [[null, 'blue']],
    })
    .add({
      type: 'stat',
      title: 'Up',
      description: 'Tunnels whose BFD session is up.',
      w: 4,
      h: 4,
      queries: [{ expr: `count(isthmus_tunnel_up{${tun}} == 1) or vector(0)`, instant: true }],
    })
    .add({
      type: 'stat',
      title: 'Down',
      description: 'Tunnels whose BFD session is down.',
      w: 4,
      h: 4,
      queries: [{ expr: `count(isthmus_tunnel_up{${tun}} == 0) or vector(0)`, instant: true }],
      thresholds: [
        [null, 'green'],
        [1, 'red'],
      ],
    })
    .add({
      type: 'stat',
      title: 'Worst latency now',
      description: 'Highest latency of any selected tunnel.',
      w: 4,
      h: 4,
      queries: [{ expr: `max(isthmus_tunnel_latency_seconds{${tun}})`, instant: true }],
      unit: 's',
      thresholds: LATENCY_THRESHOLDS,
    })
    .add({
      type: 'stat',
      title: 'Worst jitter now',
      description: 'Highest jitter of any selected tunnel.',
      w: 4,
      h: 4,
      queries: [{ expr: `max(isthmus_tunnel_jitter_seconds{${tun}})`, instant: true }],
      unit: 's',
      thresholds: [
        [null, 'green'],
        [0.02, 'orange'],
        [0.05, 'red'],
      ],
    })
    .add({
      type: 'stat',
      title: 'Worst loss now',
      description: 'Highest packet loss of any selected tunnel.',
      w: 4,
      h: 4,
      queries: [{ expr: `max(isthmus_tunnel_loss_ratio{${tun}})`, instant: true }],
      unit: 'percentunit',
      decimals: 2,
      thresholds: LOSS_THRESHOLDS,
    })
    .row('Up and down')
    .add({
      type: 'state-timeline',
      title: 'Tunnel state (BFD)',
      description: 'Up or down, per tunnel, over time.',
      w: 24,
      h: 10,
      queries: [{ expr: `isthmus_tunnel_up{${tun}}`, legend: TUNNEL_LEGEND }],
      mappings: UP_DOWN_MAPPINGS,
    })
    .row('Latency, jitter and loss')
    .add(perTunnel('Latency per tunnel', 'isthmus_tunnel_latency_seconds', 's', 'Latency', LATENCY_THRESHOLDS))
    .add(
      perTunnel('Jitter per tunnel', 'isthmus_tunnel_jitter_seconds', 's', 'Jitter', [
        [null, 'green'],
        [0.02, 'orange'],
      ]),
    )
    .add(perTunnel('Loss per tunnel', 'isthmus_tunnel_loss_ratio', 'percentunit', 'Packet loss', LOSS_THRESHOLDS))
    .row('Now')
    .add({
      type: 'table',
      title: 'Tunnels now',
      description: 'Every selected tunnel with its last latency, jitter, loss and state.',
      w: 24,
      h: 10,
      queries: [
        { expr: `isthmus_tunnel_latency_seconds{${tun}}`, instant: true },
        { expr: `isthmus_tunnel_jitter_seconds{${tun}}`, instant: true },
        { expr: `isthmus_tunnel_loss_ratio{${tun}}`, instant: true },
        { expr: `isthmus_tunnel_up{${tun}}`, instant: true },
      ],
      transformations: mergedTable(
        {
          cluster: 'Cluster',
          local_site: 'Local site',
          local_system_ip: 'Local system IP',
          local_color: 'Local color',
          remote_site: 'Remote site',
          remote_system_ip: 'Remote system IP',
          remote_color: 'Remote color',
          'Value #A': 'Latency',
          'Value #B': 'Jitter',
          'Value #C': 'Loss',
          'Value #D': 'State',
        },
        [],
      ),
      overrides: [
        unitOverride('Latency', 's'),
        unitOverride('Jitter', 's'),
        unitOverride('Loss', 'percentunit'),
        { matcher: { id: 'byName', options: 'State' }, properties: [{ id: 'mappings', value: UP_DOWN_MAPPINGS }, { id: 'custom.cellOptions', value: { type: 'color-background' } }] },
      ],
    });
  return dashboard({
    uid: 'isthmus-tunnels',
    title: 'Isthmus / Tunnels',
    description: 'Latency, jitter and loss of every SD-WAN tunnel as vManage reports it, and its BFD state.',
    variables: [
      clusterVariable,
      siteVariable('site', 'Local site', 'local_site', 'Site the tunnels start at.'),
      siteVariable('remote_site', 'Remote site', 'remote_site', 'Site the tunnels end at.'),
      colorVariable,
    ],
    layout,
  });
}

// Bridge health -----------------------------------------------------------------------------------------

function bridgeHealth(): Dashboard {
  const sel = 'cluster=~"$cluster", instance=~"$instance"';
  const rate = (metric: string, extra = ''): string => `rate(${metric}{${sel}${extra}}[$__rate_interval])`;
  // Zero per bridge rather than "No data" where a counter has no series yet (nothing lost, no error):
  // empty panels would look like a broken scrape.
  const lost = `(sum by (instance) (${rate('isthmus_hubble_lost_events_total')}) or sum by (instance) (0 * ${rate('isthmus_hubble_flows_total')}))`;
  const flows = `sum by (instance) (${rate('isthmus_hubble_flows_total')})`;
  const requests = `sum by (instance) (${rate('isthmus_vmanage_requests_total')})`;
  const failed = `(sum by (instance) (${rate('isthmus_vmanage_requests_total', ', code!~"[23].."')}) or 0 * ${requests})`;
  const quantiles = (metric: string): Query[] =>
    [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (instance, le) (${rate(`${metric}_bucket`)}))`, legend: `{{instance}} p${Math.round(q * 100)}` }));
  const layout = new Layout()
    .row('Hubble')
    .add({
      type: 'stat',
      title: 'Bridges reporting',
      description: 'Bridge replicas Prometheus has metrics from.',
      w: 4,
      h: 5,
      queries: [{ expr: `count(isthmus_hubble_connected{${sel}}) or vector(0)`, instant: true }],
      thresholds: [
        [null, 'red'],
        [1, 'green'],
      ],
    })
    .add({
      type: 'state-timeline',
      title: 'Connected to Hubble',
      description: 'Whether each bridge’s flow stream from Hubble (Relay or the node) is connected.',
      w: 10,
      h: 5,
      queries: [{ expr: `isthmus_hubble_connected{${sel}}`, legend: '{{instance}}' }],
      mappings: YES_NO_MAPPINGS,
    })
    .add({
      type: 'state-timeline',
      title: 'Leader',
      description: 'Which replica holds the leader Lease: only the leader decides and pushes policy; the others observe.',
      w: 10,
      h: 5,
      queries: [{ expr: `isthmus_leader{${sel}}`, legend: '{{instance}}' }],
      mappings: [{ type: 'value', options: { '0': { text: 'standby', color: 'text', index: 0 }, '1': { text: 'leader', color: 'green', index: 1 } } }],
    })
    .add({
      type: 'timeseries',
      title: 'Flow ingest rate',
      description: 'Flows received from Hubble per second, before correlation.',
      w: 8,
      h: 8,
      queries: [{ expr: flows, legend: '{{instance}}' }],
      unit: FLOW_RATE_UNIT,
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Lost events by source',
      description: 'Events Hubble reported as lost before the bridge saw them, per second, by where they were lost (0 when nothing was lost).',
      w: 8,
      h: 8,
      queries: [
        {
          expr: `sum by (instance, source) (${rate('isthmus_hubble_lost_events_total')}) or on (instance) sum by (instance) (0 * ${rate('isthmus_hubble_flows_total')})`,
          legend: '{{instance}} {{source}}',
        },
      ],
      unit: 'suffix: events/s',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Lost events, share of all',
      description: 'Lost events over all events (received and lost); IsthmusHubbleLostEventsHigh fires above 1 % for 15 minutes.',
      w: 8,
      h: 8,
      queries: [{ expr: `${lost} / (${flows} + ${lost})`, legend: '{{instance}}' }],
      unit: 'percentunit',
      min: 0,
      thresholds: [
        [null, 'transparent'],
        [0.01, 'red'],
      ],
      custom: { thresholdsStyle: { mode: 'dashed' } },
    })
    .add({
      type: 'timeseries',
      title: 'Stream reconnects and undecodable messages',
      description: 'Times the Hubble flow stream was opened again after it broke, and messages that did not decode (each skipped, the stream goes on), per interval.',
      w: 24,
      h: 6,
      queries: [
        { expr: `sum by (instance) (increase(isthmus_hubble_reconnects_total{${sel}}[$__rate_interval]))`, legend: 'reconnects {{instance}}' },
        { expr: `sum by (instance) (increase(isthmus_hubble_decode_errors_total{${sel}}[$__rate_interval]))`, legend: 'undecodable {{instance}}' },
      ],
      unit: 'short',
      min: 0,
      custom: { drawStyle: 'bars', fillOpacity: 80 },
    })
    .row('vManage')
    .add({
      type: 'timeseries',
      title: 'vManage requests by endpoint and code',
      description: 'HTTP requests to vManage per second, by normalised endpoint and status (or timeout, tls, unreachable).',
      w: 12,
      h: 8,
      queries: [{ expr: `sum by (endpoint, code) (${rate('isthmus_vmanage_requests_total')})`, legend: '{{code}} {{endpoint}}' }],
      unit: 'reqps',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'vManage errors, share of requests',
      description: 'Requests answered with 4xx or 5xx or not answered at all; IsthmusVmanageRequestErrors fires above 20 % for 15 minutes.',
      w: 12,
      h: 8,
      queries: [{ expr: `${failed} / ${requests}`, legend: '{{instance}}' }],
      unit: 'percentunit',
      min: 0,
      thresholds: [
        [null, 'transparent'],
        [0.2, 'red'],
      ],
      custom: { thresholdsStyle: { mode: 'dashed' } },
    })
    .add({
      type: 'timeseries',
      title: 'Poll duration',
      description: 'Time one poll of vManage tunnel statistics took (failed polls included).',
      w: 12,
      h: 8,
      queries: quantiles('isthmus_vmanage_poll_duration_seconds'),
      unit: 's',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Polls per minute',
      description: 'Completed tunnel statistics polls per minute; IsthmusVmanagePollingStalled fires when none completes for 15 minutes.',
      w: 12,
      h: 8,
      queries: [{ expr: `sum by (instance) (${rate('isthmus_vmanage_poll_duration_seconds_count')}) * 60`, legend: '{{instance}}' }],
      unit: 'short',
      min: 0,
    })
    .row('Kubernetes')
    .add({
      type: 'timeseries',
      title: 'Informer lists by reason',
      description: 'Full lists of a resource by the informers: initial, expired (410 Gone: the watch history was gone) or resync, per interval.',
      w: 8,
      h: 8,
      queries: [{ expr: `sum by (resource, reason) (increase(isthmus_kube_lists_total{${sel}}[$__rate_interval])) or on () sum(0 * ${rate('isthmus_hubble_flows_total')})`, legend: '{{resource}} {{reason}}' }],
      unit: 'short',
      min: 0,
      custom: { drawStyle: 'bars', fillOpacity: 80 },
    })
    .add({
      type: 'timeseries',
      title: 'Watches ended by reason',
      description: 'Watches that ended without an error (closed by the server, timeout, expired) and were opened again, per interval (0 when there were none).',
      w: 8,
      h: 8,
      queries: [{ expr: `sum by (resource, reason) (increase(isthmus_kube_watch_ends_total{${sel}}[$__rate_interval])) or on () sum(0 * ${rate('isthmus_hubble_flows_total')})`, legend: '{{resource}} {{reason}}' }],
      unit: 'short',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Kubernetes API request errors',
      description: 'Failed list or watch requests of the informers, by resource and operation; each is retried with backoff (0 when there were none).',
      w: 8,
      h: 8,
      queries: [{ expr: `sum by (resource, operation) (increase(isthmus_kube_request_errors_total{${sel}}[$__rate_interval])) or on () sum(0 * ${rate('isthmus_hubble_flows_total')})`, legend: '{{resource}} {{operation}}' }],
      unit: 'short',
      min: 0,
    })
    .row('Policy and telemetry')
    .add({
      type: 'timeseries',
      title: 'Policy pushes by result',
      description: 'SD-WAN policy pushes to vManage by result, per interval (0 when there were none).',
      w: 8,
      h: 8,
      queries: [
        {
          expr: `sum by (result) (increase(isthmus_policy_pushes_total{${sel}}[$__rate_interval])) or on () sum(0 * ${rate('isthmus_policy_push_duration_seconds_count')})`,
          legend: '{{result}}',
        },
      ],
      unit: 'short',
      min: 0,
      custom: { drawStyle: 'bars', fillOpacity: 80 },
    })
    .add({
      type: 'timeseries',
      title: 'Policy push latency',
      description: 'Time an SD-WAN policy push took, from render to activation.',
      w: 8,
      h: 8,
      queries: quantiles('isthmus_policy_push_duration_seconds'),
      unit: 's',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Series dropped by the series limit',
      description: 'Series folded into a metric’s overflow series (labels "__overflow__") because it reached its series limit.',
      w: 8,
      h: 8,
      queries: [{ expr: `sum by (metric) (increase(isthmus_telemetry_series_dropped_total{${sel}}[$__rate_interval]))`, legend: '{{metric}}' }],
      unit: 'short',
      min: 0,
    })
    .add({
      type: 'timeseries',
      title: 'Export errors by exporter',
      description: 'Failed attempts to export metrics to the OpenTelemetry Collector (otlp) or InfluxDB (influx), per interval; /metrics is not affected (0 when there were none).',
      w: 24,
      h: 6,
      queries: [{ expr: `sum by (exporter) (increase(isthmus_telemetry_export_errors_total{${sel}}[$__rate_interval])) or on () sum(0 * ${rate('isthmus_hubble_flows_total')})`, legend: '{{exporter}}' }],
      unit: 'short',
      min: 0,
      custom: { drawStyle: 'bars', fillOpacity: 80 },
    });
  return dashboard({
    uid: 'isthmus-bridge',
    title: 'Isthmus / Bridge health',
    description: 'The bridge itself: Hubble ingest, lost events and reconnects, leadership, vManage requests, errors and poll duration, Kubernetes informers, policy push latency, export errors.',
    variables: [clusterVariable, instanceVariable],
    layout,
  });
}

/** Every dashboard, by the file it lives in under dashboards/. */
export function buildDashboards(): ReadonlyMap<string, Dashboard> {
  return new Map([
    ['isthmus-fleet-overview.json', fleetOverview()],
    ['isthmus-service-detail.json', serviceDetail()],
    ['isthmus-tunnels.json', tunnels()],
    ['isthmus-bridge-health.json', bridgeHealth()],
  ]);
}

/** The file text of a dashboard: two-space JSON and a final newline, stable for diffs. */
export function dashboardFileText(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

export const DASHBOARDS_DIR: string = fileURLToPath(new URL('../dashboards/', import.meta.url));

if (import.meta.main) {
  for (const [file, built] of buildDashboards()) {
    const path = join(DASHBOARDS_DIR, file);
    writeFileSync(path, dashboardFileText(built));
    process.stdout.write(`wrote ${path}\n`);
  }
}
