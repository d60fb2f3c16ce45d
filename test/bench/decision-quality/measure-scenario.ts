import type { World } from '../../../simulator/world/world.ts';
import { fabricPreference } from '../../../src/controller/desired-assignment.ts';
import type { Color } from '../../../src/domain/color.ts';
import { complianceTables } from './ground-truth.ts';
import { enforcedColorAt, runIsthmus } from './isthmus-run.ts';
import type { BridgeModel } from './isthmus-run.ts';
import { attainableSlices, compliantSlices, lateOraclePlacement, oraclePlacement, placementRemaps, remapsPerIncident, staticPlacement, violatedDuring } from './quality-measures.ts';
import type { ComplianceTable, IncidentRemaps, IncidentSpan, Placement, Remap } from './quality-measures.ts';

/** Where in a slice the enforced color is sampled: the middles of its tenths. */
const SUBSLICE_OFFSETS: readonly number[] = Array.from({ length: 10 }, (_, tenth) => (tenth + 0.5) / 10);

/** Lags, in slices, of the late oracles reported beside the oracle. */
export const LATE_ORACLE_LAGS: readonly number[] = [1, 2, 3];

export interface MeasureOptions {
  /** Start of the scored span, epoch ms: a whole number of slices after the world's start. */
  readonly fromMs: number;
  readonly durationMs: number;
  /** Length of one time slice of the SLI. */
  readonly sliceMs: number;
  /** How long after an incident's end a remap is still attributed to it (the detection delay's order). */
  readonly attributionMs: number;
  readonly model: BridgeModel;
}

/** The decision-quality figures of one scenario. */
export interface ScenarioQuality {
  readonly services: number;
  readonly slices: number;
  readonly incidents: number;
  /** SLO-compliant share of Service-time, 0–1. */
  readonly isthmus: number;
  readonly static: number;
  readonly oracle: number;
  /** The oracle learning the truth 1, 2, 3… slices late (index 0: one slice): what reacting costs by itself. */
  readonly lateOracle: readonly number[];
  readonly isthmusRemaps: IncidentRemaps;
  readonly oracleRemaps: IncidentRemaps;
  readonly pushes: number;
  /** The optimizer's moves and the incidents, for the analysis of a miss. */
  readonly moves: readonly Remap[];
  readonly spans: readonly IncidentSpan[];
  /** Per Service: compliant slices (fractional for Isthmus) under Isthmus, the oracle and static (for the analysis of a miss). */
  readonly perService: readonly { readonly key: string; readonly isthmus: number; readonly oracle: number; readonly static: number }[];
}

/**
 * One scenario scored three ways on the same ground truth: the real decision loop (`runIsthmus`), the
 * static placement (first choices) and the oracle. Compliance is the share of (Service, slice) pairs in
 * which the color the fabric enforced met the Service's SLO.
 */
export async function measureScenario(world: World, options: MeasureOptions): Promise<ScenarioQuality> {
  const { fromMs, sliceMs } = options;
  // The truth of a slice is the statistics row of an interval aligned to the world's start.
  if ((fromMs - world.startMs) % sliceMs !== 0) throw new RangeError('fromMs must be a whole number of slices after the world starts');
  const slices = Math.floor(options.durationMs / sliceMs);
  const toMs = fromMs + slices * sliceMs;
  const fabricColors = fabricPreference(worldSameColorColors(world), options.model.defaultColor);
  const tables = complianceTables(world, { fromMs, sliceMs, slices, fabricColors });
  const run = await runIsthmus(world, fromMs, toMs, options.model);
  const incidents = incidentSpans(world, fromMs, toMs);
  const sliceStart = (slice: number): number => fromMs + slice * sliceMs;

  let isthmus = 0;
  let fixed = 0;
  let oracle = 0;
  let total = 0;
  const late = LATE_ORACLE_LAGS.map(() => 0);
  const oracleRemaps: Remap[] = [];
  const perService = [];
  for (const table of tables) {
    // Moves take effect within a slice: the share of it spent on each color counts, sampled every tenth.
    const enforcedAt = (offset: number): Placement =>
      Array.from({ length: slices }, (_, slice) => enforcedColorAt(run.enforced.get(table.key), sliceStart(slice) + offset * sliceMs) ?? firstChoice(table));
    const isthmusSlices = SUBSLICE_OFFSETS.reduce((sum, offset) => sum + compliantSlices(table, enforcedAt(offset)), 0) / SUBSLICE_OFFSETS.length;
    const oraclePlaced = oraclePlacement(table);
    const counts = { key: table.key, isthmus: isthmusSlices, oracle: compliantSlices(table, oraclePlaced), static: compliantSlices(table, staticPlacement(table)) };
    if (counts.oracle !== attainableSlices(table)) throw new Error(`${table.key}: the oracle missed an attainable slice`);
    perService.push(counts);
    isthmus += counts.isthmus;
    oracle += counts.oracle;
    fixed += counts.static;
    total += slices;
    LATE_ORACLE_LAGS.forEach((lag, index) => {
      late[index] = (late[index] ?? 0) + compliantSlices(table, lateOraclePlacement(table, lag));
    });
    oracleRemaps.push(...placementRemaps(table.key, oraclePlaced, sliceStart));
  }
  const keys = tables.map((table) => table.key);
  const affects = violatedDuring(tables, (timeMs) => Math.floor((timeMs - fromMs) / sliceMs));
  const count = (remaps: readonly Remap[]): IncidentRemaps => remapsPerIncident(remaps, incidents, keys, affects, options.attributionMs);
  return {
    services: tables.length,
    slices,
    incidents: incidents.length,
    isthmus: isthmus / total,
    static: fixed / total,
    oracle: oracle / total,
    lateOracle: late.map((slicesMet) => slicesMet / total),
    isthmusRemaps: count(run.remaps),
    oracleRemaps: count(oracleRemaps),
    pushes: run.pushes,
    moves: run.remaps,
    spans: incidents,
    perService,
  };
}

/** Incident occurrences that overlap [fromMs, toMs), from the world's own timeline. */
export function incidentSpans(world: World, fromMs: number, toMs: number): IncidentSpan[] {
  const spans: IncidentSpan[] = [];
  // Started and ended events are paired by (incident, occurrence); an end may come after toMs.
  const started = new Map<string, { name: string; occurrence: number; startMs: number }>();
  for (const event of world.eventsBetween(fromMs - 1, toMs + 24 * 3_600_000)) {
    if (event.type !== 'incident-started' && event.type !== 'incident-ended') continue;
    const id = `${event.incident.name}#${String(event.occurrence)}`;
    if (event.type === 'incident-started') {
      if (event.timeMs < toMs) started.set(id, { name: event.incident.name, occurrence: event.occurrence, startMs: event.timeMs });
    } else {
      const start = started.get(id);
      if (start !== undefined) spans.push({ ...start, endMs: event.timeMs });
    }
  }
  return spans.sort((a, b) => a.startMs - b.startMs);
}

function firstChoice(table: ComplianceTable): Color {
  return staticPlacement(table)[0] ?? 'default';
}

function worldSameColorColors(world: World): Color[] {
  return [...new Set(world.fabric.tunnels.filter((tunnel) => tunnel.local.color === tunnel.remote.color).map((tunnel) => tunnel.local.color))];
}
