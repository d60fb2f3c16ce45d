import type { Color } from '../../../src/domain/color.ts';
import type { ServiceKey } from '../../../src/domain/service.ts';

/**
 * One Service's ground truth over the run: per candidate color and time slice, whether its path on that
 * color met its SLO (1) or not (0: violated, or no path to judge).
 */
export interface ComplianceTable {
  readonly key: ServiceKey;
  /** Most preferred first; the first is the static placement. */
  readonly candidates: readonly Color[];
  readonly compliant: ReadonlyMap<Color, Uint8Array>;
  readonly slices: number;
}

/** A placement: the color a Service's traffic is on in each time slice. */
export type Placement = readonly Color[];

/** A change of color, decided or made, at a time. */
export interface Remap {
  readonly key: ServiceKey;
  readonly timeMs: number;
  readonly from: Color;
  readonly to: Color;
}

/** One occurrence of a scenario incident, from its start to its end (ramps included). */
export interface IncidentSpan {
  readonly name: string;
  readonly occurrence: number;
  readonly startMs: number;
  readonly endMs: number;
}

export function compliesAt(table: ComplianceTable, color: Color, slice: number): boolean {
  return table.compliant.get(color)?.[slice] === 1;
}

/** Every slice on the first-choice color: what the fabric does without Isthmus. */
export function staticPlacement(table: ComplianceTable): Color[] {
  const first = table.candidates[0];
  if (first === undefined) throw new Error(`${table.key}: no candidate color`);
  return Array.from({ length: table.slices }, () => first);
}

/**
 * Knows every slice in advance and moves instantly: in each slice the Service is on a compliant
 * candidate whenever one exists. It keeps a compliant color rather than chase a more preferred one, so
 * its moves are the fewest any such placement needs greedily; with no compliant candidate it stays.
 */
export function oraclePlacement(table: ComplianceTable): Color[] {
  return lateOraclePlacement(table, 0);
}

/**
 * The oracle's judgement, but learning each slice's truth `lagSlices` slices late: the best any
 * decision-maker fed by statistics can do when they reach it that late and its moves take effect at
 * once. With one-minute statistics a lag of one slice is the floor (a minute is seen once it has ended).
 */
export function lateOraclePlacement(table: ComplianceTable, lagSlices: number): Color[] {
  const placement: Color[] = [];
  let current = staticPlacement(table)[0];
  for (let slice = 0; slice < table.slices; slice++) {
    const known = slice - lagSlices;
    if (current !== undefined && known >= 0 && !compliesAt(table, current, known)) {
      current = table.candidates.find((color) => compliesAt(table, color, known)) ?? current;
    }
    if (current !== undefined) placement.push(current);
  }
  return placement;
}

/** Slices in which the placed color met the SLO. */
export function compliantSlices(table: ComplianceTable, placement: Placement): number {
  let count = 0;
  for (let slice = 0; slice < table.slices; slice++) {
    const color = placement[slice];
    if (color !== undefined && compliesAt(table, color, slice)) count++;
  }
  return count;
}

/** Slices in which some candidate met the SLO: the most any placement can reach. */
export function attainableSlices(table: ComplianceTable): number {
  let count = 0;
  for (let slice = 0; slice < table.slices; slice++) if (table.candidates.some((color) => compliesAt(table, color, slice))) count++;
  return count;
}

/** The color changes of a placement, each at the start of the slice it first applies to. */
export function placementRemaps(key: ServiceKey, placement: Placement, sliceStartMs: (slice: number) => number): Remap[] {
  const remaps: Remap[] = [];
  for (let slice = 1; slice < placement.length; slice++) {
    const from = placement[slice - 1];
    const to = placement[slice];
    if (from !== undefined && to !== undefined && from !== to) remaps.push({ key, timeMs: sliceStartMs(slice), from, to });
  }
  return remaps;
}

export interface IncidentRemaps {
  /** Remaps per (Service, incident) pair the incident affected. */
  readonly mean: number;
  /** The most remaps one Service made within one incident. */
  readonly worst: number;
  /** (Service, incident) pairs the incidents affected. */
  readonly affected: number;
  /** Remaps in no affected pair's span (returns after the hold time, as a rule). */
  readonly outside: number;
}

/** Whether an incident degraded a Service: some candidate of it violated its SLO during the incident. */
export type Affects = (key: ServiceKey, incident: IncidentSpan) => boolean;

/**
 * Remaps per Service per incident, over the (Service, incident) pairs the incident affected. A remap
 * belongs to each affected pair whose incident span, extended by `tailMs` (a move made on an incident's
 * evidence comes after it, by up to the detection delay), contains it. A well-damped optimizer moves
 * each affected Service at most once per incident — none when its color held — and returns later,
 * after its hold time, outside any span unless another incident is under way.
 */
export function remapsPerIncident(remaps: readonly Remap[], incidents: readonly IncidentSpan[], keys: readonly ServiceKey[], affects: Affects, tailMs: number): IncidentRemaps {
  const counts = new Map<string, number>();
  for (const key of keys) {
    incidents.forEach((incident, index) => {
      if (affects(key, incident)) counts.set(pairId(key, index), 0);
    });
  }
  let outside = 0;
  for (const remap of remaps) {
    let inside = false;
    for (const [index, incident] of incidents.entries()) {
      const id = pairId(remap.key, index);
      const count = counts.get(id);
      if (count === undefined || remap.timeMs < incident.startMs || remap.timeMs >= incident.endMs + tailMs) continue;
      inside = true;
      counts.set(id, count + 1);
    }
    if (!inside) outside++;
  }
  const values = [...counts.values()];
  const total = values.reduce((sum, value) => sum + value, 0);
  return { mean: values.length === 0 ? 0 : total / values.length, worst: Math.max(0, ...values), affected: values.length, outside };
}

/**
 * The default `Affects`: some candidate of the Service failed its SLO in a slice that overlaps the
 * incident's span (an overlap of incidents affects the Service once per incident).
 */
export function violatedDuring(tables: readonly ComplianceTable[], sliceOf: (timeMs: number) => number): Affects {
  const byKey = new Map(tables.map((table) => [table.key, table]));
  return (key, incident) => {
    const table = byKey.get(key);
    if (table === undefined) return false;
    const last = Math.min(table.slices - 1, sliceOf(incident.endMs - 1));
    for (let slice = Math.max(0, sliceOf(incident.startMs)); slice <= last; slice++) {
      if (table.candidates.some((color) => !compliesAt(table, color, slice))) return true;
    }
    return false;
  };
}

function pairId(key: ServiceKey, incident: number): string {
  return `${key}\u0000${String(incident)}`;
}
