import { COLORS } from '../../src/domain/color.ts';
import type { Fabric } from './fabric.ts';
import type { IncidentKind, ScenarioIncident } from './scenario.ts';

const KIND_BROWNOUT = 0;
const KIND_BLACKOUT = 1;
const KIND_FLAPPING = 2;
const ANY = -1;

/** One occurrence of an incident that is under way. */
export interface ActiveIncident {
  readonly incident: ScenarioIncident;
  /** 0-based occurrence of a recurring incident. */
  readonly occurrence: number;
  /** Epoch milliseconds. */
  readonly startMs: number;
  readonly endMs: number;
  /** 0..1: how far a brownout has ramped (1 for the other kinds). */
  readonly intensity: number;
}

/**
 * The scenario's incidents compiled to numbers: their timing in absolute milliseconds and their targets
 * as site/color/tunnel indices, so that "does incident j hit tunnel i at time t" is a handful of integer
 * comparisons and never touches an object. Everything is a pure function of time.
 */
export class IncidentSchedule {
  readonly incidents: readonly ScenarioIncident[];
  readonly count: number;
  readonly kind: Int32Array;
  /** Absolute start of the first occurrence; recurrence period (Infinity when one-off); count; duration. */
  readonly firstMs: Float64Array;
  readonly everyMs: Float64Array;
  readonly occurrences: Float64Array;
  readonly durationMs: Float64Array;
  readonly rampMs: Float64Array;
  readonly periodMs: Float64Array;
  readonly downForMs: Float64Array;
  readonly addLatency: Float64Array;
  readonly addJitter: Float64Array;
  readonly addLoss: Float64Array;
  /** Target: site index, peer site index, color index, tunnel index and its reverse (ANY = −1). */
  readonly targetSite: Int32Array;
  readonly targetPeer: Int32Array;
  readonly targetColor: Int32Array;
  readonly targetTunnel: Int32Array;
  readonly targetReverse: Int32Array;
  /** Indices of incidents that take tunnels down (blackout, flapping). */
  readonly downIncidents: readonly number[];

  readonly #fabric: Fabric;

  constructor(incidents: readonly ScenarioIncident[], fabric: Fabric, startMs: number) {
    this.#fabric = fabric;
    this.incidents = incidents;
    const n = incidents.length;
    this.count = n;
    const f64 = (pick: (incident: ScenarioIncident) => number) => Float64Array.from(incidents, pick);
    const i32 = (pick: (incident: ScenarioIncident) => number) => Int32Array.from(incidents, pick);
    this.kind = i32((incident) => kindCode(incident.kind));
    this.firstMs = f64((incident) => startMs + incident.atMs);
    this.everyMs = f64((incident) => incident.everyMs ?? Number.POSITIVE_INFINITY);
    this.occurrences = f64((incident) => incident.count);
    this.durationMs = f64((incident) => incident.durationMs);
    this.rampMs = f64((incident) => incident.rampMs);
    this.periodMs = f64((incident) => incident.periodMs);
    this.downForMs = f64((incident) => incident.downForMs);
    this.addLatency = f64((incident) => incident.addLatencySeconds);
    this.addJitter = f64((incident) => incident.addJitterSeconds);
    this.addLoss = f64((incident) => incident.addLossRatio);
    this.targetSite = i32((incident) => (incident.target.siteId === undefined ? ANY : (fabric.site(incident.target.siteId)?.index ?? ANY)));
    this.targetPeer = i32((incident) => (incident.target.peerSiteId === undefined ? ANY : (fabric.site(incident.target.peerSiteId)?.index ?? ANY)));
    this.targetColor = i32((incident) => (incident.target.color === undefined ? ANY : COLORS.indexOf(incident.target.color)));
    this.targetTunnel = i32((incident) => (incident.target.tunnel === undefined ? ANY : (fabric.tunnel(incident.target.tunnel)?.index ?? ANY)));
    this.targetReverse = Int32Array.from(this.targetTunnel, (t) => (t === ANY ? ANY : (fabric.tunnelReverse[t] ?? ANY)));
    this.downIncidents = [...this.kind.keys()].filter((j) => this.kind[j] !== KIND_BROWNOUT);
  }

  /** Milliseconds into the occurrence of incident j under way at `timeMs`, or −1 when none is. */
  elapsed(j: number, timeMs: number): number {
    const rel = timeMs - (this.firstMs[j] ?? 0);
    if (rel < 0) return -1;
    const every = this.everyMs[j] ?? Number.POSITIVE_INFINITY;
    const k = every === Number.POSITIVE_INFINITY ? 0 : Math.floor(rel / every);
    if (k >= (this.occurrences[j] ?? 0)) return -1;
    const into = k === 0 ? rel : rel - k * every;
    return into < (this.durationMs[j] ?? 0) ? into : -1;
  }

  /** Whether incident j targets tunnel i (whatever the time). */
  hits(j: number, i: number): boolean {
    const tunnel = this.targetTunnel[j] ?? ANY;
    if (tunnel !== ANY) return i === tunnel || i === this.targetReverse[j];
    const fabric = this.#fabric;
    const a = fabric.tunnelLocalTloc[i] ?? 0;
    const b = fabric.tunnelRemoteTloc[i] ?? 0;
    const siteA = fabric.tlocSite[a];
    const siteB = fabric.tlocSite[b];
    const color = this.targetColor[j] ?? ANY;
    const site = this.targetSite[j] ?? ANY;
    const peer = this.targetPeer[j] ?? ANY;
    if (site === ANY) return color === ANY || fabric.tlocColor[a] === color || fabric.tlocColor[b] === color;
    if (peer !== ANY) {
      const between = (siteA === site && siteB === peer) || (siteA === peer && siteB === site);
      return between && (color === ANY || fabric.tlocColor[a] === color || fabric.tlocColor[b] === color);
    }
    // A site (and optionally one of its circuits): the end at that site must match.
    if (siteA === site && (color === ANY || fabric.tlocColor[a] === color)) return true;
    return siteB === site && (color === ANY || fabric.tlocColor[b] === color);
  }

  /** Brownout intensity 0..1 at `elapsed` ms into an occurrence: linear ramps at both ends. */
  intensity(j: number, elapsed: number): number {
    const ramp = this.rampMs[j] ?? 0;
    if (ramp <= 0) return 1;
    const remaining = (this.durationMs[j] ?? 0) - elapsed;
    return Math.min(1, elapsed / ramp, remaining / ramp);
  }

  /** Whether incident j holds its tunnels down `elapsed` ms into an occurrence. */
  isDown(j: number, elapsed: number): boolean {
    const kind = this.kind[j];
    if (kind === KIND_BLACKOUT) return true;
    if (kind === KIND_FLAPPING) return elapsed % (this.periodMs[j] ?? 1) < (this.downForMs[j] ?? 0);
    return false;
  }

  isBrownout(j: number): boolean {
    return this.kind[j] === KIND_BROWNOUT;
  }

  /** Occurrences under way at `timeMs`. */
  active(timeMs: number): ActiveIncident[] {
    const out: ActiveIncident[] = [];
    for (let j = 0; j < this.count; j++) {
      const elapsed = this.elapsed(j, timeMs);
      const incident = this.incidents[j];
      if (elapsed < 0 || incident === undefined) continue;
      const startMs = timeMs - elapsed;
      const every = this.everyMs[j] ?? Number.POSITIVE_INFINITY;
      out.push({
        incident,
        occurrence: every === Number.POSITIVE_INFINITY ? 0 : Math.round((startMs - (this.firstMs[j] ?? 0)) / every),
        startMs,
        endMs: startMs + (this.durationMs[j] ?? 0),
        intensity: this.isBrownout(j) ? this.intensity(j, elapsed) : 1,
      });
    }
    return out;
  }

  /**
   * Every instant in (fromMs, toMs] at which incident j changes: occurrence starts and ends and, for
   * flapping, each down/up switch. Ascending.
   */
  edges(j: number, fromMs: number, toMs: number): { timeMs: number; occurrence: number; kind: 'start' | 'end' | 'phase' }[] {
    const out: { timeMs: number; occurrence: number; kind: 'start' | 'end' | 'phase' }[] = [];
    const first = this.firstMs[j] ?? 0;
    const every = this.everyMs[j] ?? Number.POSITIVE_INFINITY;
    const duration = this.durationMs[j] ?? 0;
    const total = this.occurrences[j] ?? 0;
    const firstK = every === Number.POSITIVE_INFINITY ? 0 : Math.max(0, Math.floor((fromMs - first - duration) / every));
    for (let k = firstK; k < total; k++) {
      const start = every === Number.POSITIVE_INFINITY ? first : first + k * every;
      if (start > toMs) break;
      const stop = start + duration;
      if (start > fromMs) out.push({ timeMs: start, occurrence: k, kind: 'start' });
      if (this.kind[j] === KIND_FLAPPING) {
        const period = this.periodMs[j] ?? 1;
        const downFor = this.downForMs[j] ?? 0;
        const cycleFrom = Math.max(0, Math.floor((fromMs - start) / period));
        for (let c = cycleFrom; start + c * period < Math.min(stop, toMs + 1); c++) {
          const down = start + c * period;
          const up = down + downFor;
          if (c > 0 && down > fromMs && down <= toMs && down < stop) out.push({ timeMs: down, occurrence: k, kind: 'phase' });
          if (up > fromMs && up <= toMs && up < stop) out.push({ timeMs: up, occurrence: k, kind: 'phase' });
        }
      }
      if (stop > fromMs && stop <= toMs) out.push({ timeMs: stop, occurrence: k, kind: 'end' });
      if (every === Number.POSITIVE_INFINITY) break;
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** The first instant after `timeMs` at which incident j changes, or Infinity. */
  nextEdge(j: number, timeMs: number): number {
    const first = this.firstMs[j] ?? 0;
    const every = this.everyMs[j] ?? Number.POSITIVE_INFINITY;
    // Looking one occurrence span ahead always finds the next edge if there is one.
    const span = every === Number.POSITIVE_INFINITY ? Math.max(first - timeMs, 0) + (this.durationMs[j] ?? 0) + 1 : every + (this.durationMs[j] ?? 0);
    const edges = this.edges(j, timeMs, timeMs + span);
    return edges[0]?.timeMs ?? Number.POSITIVE_INFINITY;
  }
}

function kindCode(kind: IncidentKind): number {
  return kind === 'brownout' ? KIND_BROWNOUT : kind === 'blackout' ? KIND_BLACKOUT : KIND_FLAPPING;
}
