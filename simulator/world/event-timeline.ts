import type { Cluster } from './cluster.ts';
import type { Fabric, SimTunnel } from './fabric.ts';
import type { IncidentSchedule } from './incident-schedule.ts';
import type { TunnelModel } from './tunnel-model.ts';
import { EVENT_ORDER } from './world-event.ts';
import type { WorldEvent } from './world-event.ts';

/**
 * The world's changes as a pure function of a time interval: `eventsBetween(a, b)` lists everything that
 * happens in (a, b], `nextEventAfter(t)` says when the next thing happens. Subscriptions are built on
 * these, so a listener sees exactly what a query would.
 *
 * Tunnel state changes are reported at the sample boundary that first shows them (an incident starting
 * mid-sample shows in the next sample), so events agree with `tunnelSample`.
 */
export class EventTimeline {
  readonly #fabric: Fabric;
  readonly #cluster: Cluster;
  readonly #schedule: IncidentSchedule;
  readonly #model: TunnelModel;
  readonly #hitCache = new Map<number, Int32Array>();

  constructor(fabric: Fabric, cluster: Cluster, schedule: IncidentSchedule, model: TunnelModel) {
    this.#fabric = fabric;
    this.#cluster = cluster;
    this.#schedule = schedule;
    this.#model = model;
  }

  eventsBetween(fromMs: number, toMs: number): WorldEvent[] {
    if (!(toMs > fromMs)) return [];
    const events: WorldEvent[] = [];
    const schedule = this.#schedule;
    const period = this.#model.periodMs;
    // Aligned instant → incidents that may change tunnel states then.
    const stateEdges = new Map<number, Set<number>>();
    for (let j = 0; j < schedule.count; j++) {
      const incident = schedule.incidents[j];
      if (incident === undefined) continue;
      const takesDown = !schedule.isBrownout(j);
      // A change just before fromMs may only show at a boundary after it: look one period back.
      for (const edge of schedule.edges(j, takesDown ? fromMs - period : fromMs, toMs)) {
        if (edge.timeMs > fromMs && edge.kind !== 'phase') {
          events.push({ type: edge.kind === 'start' ? 'incident-started' : 'incident-ended', timeMs: edge.timeMs, incident, occurrence: edge.occurrence });
        }
        if (!takesDown) continue;
        const aligned = this.#align(edge.timeMs);
        if (aligned > fromMs && aligned <= toMs) {
          const set = stateEdges.get(aligned) ?? new Set<number>();
          set.add(j);
          stateEdges.set(aligned, set);
        }
      }
    }
    for (const [timeMs, incidents] of stateEdges) {
      const down: SimTunnel[] = [];
      const up: SimTunnel[] = [];
      const seen = new Set<number>();
      for (const j of incidents) {
        for (const i of this.#hits(j)) {
          if (seen.has(i)) continue;
          seen.add(i);
          const before = this.#model.isDown(i, timeMs - period);
          const after = this.#model.isDown(i, timeMs);
          const tunnel = this.#fabric.tunnels[i];
          if (before === after || tunnel === undefined) continue;
          (after ? down : up).push(tunnel);
        }
      }
      if (down.length > 0) events.push({ type: 'tunnel-state', timeMs, state: 'down', tunnels: down.sort(byIndex) });
      if (up.length > 0) events.push({ type: 'tunnel-state', timeMs, state: 'up', tunnels: up.sort(byIndex) });
    }
    for (const change of this.#cluster.changes) {
      if (change.timeMs <= fromMs || change.timeMs > toMs) continue;
      if (change.kind === 'annotate') {
        events.push({ type: 'service-changed', timeMs: change.timeMs, service: change.service });
        continue;
      }
      events.push({ type: 'workload-scaled', timeMs: change.timeMs, workload: change.workload, replicas: change.replicas, added: change.added, removed: change.removed });
      for (const service of change.services) {
        events.push({ type: 'endpoints-changed', timeMs: change.timeMs, service, endpoints: this.#cluster.endpointsAt(service.index, change.timeMs) });
      }
    }
    // Stable: same-type events at one instant keep the order they were produced in.
    return events.sort((a, b) => a.timeMs - b.timeMs || EVENT_ORDER[a.type] - EVENT_ORDER[b.type]);
  }

  /** The first instant after `timeMs` at which something happens (Infinity when nothing ever will). */
  nextEventAfter(timeMs: number): number {
    const schedule = this.#schedule;
    const period = this.#model.periodMs;
    let next = Number.POSITIVE_INFINITY;
    for (let j = 0; j < schedule.count; j++) {
      const edge = schedule.nextEdge(j, timeMs);
      if (schedule.isBrownout(j)) {
        next = Math.min(next, edge);
        continue;
      }
      // Its tunnel events come at aligned instants, possibly after an edge already passed.
      next = Math.min(next, edge, this.#align(edge));
      for (const recent of schedule.edges(j, timeMs - period, timeMs)) {
        const aligned = this.#align(recent.timeMs);
        if (aligned > timeMs) next = Math.min(next, aligned);
      }
    }
    for (const change of this.#cluster.changes) {
      if (change.timeMs > timeMs) {
        next = Math.min(next, change.timeMs);
        break;
      }
    }
    return next;
  }

  /** The first sample boundary at or after `timeMs`. */
  #align(timeMs: number): number {
    if (!Number.isFinite(timeMs)) return timeMs;
    const model = this.#model;
    return model.startMs + Math.ceil((timeMs - model.startMs) / model.periodMs) * model.periodMs;
  }

  /** Tunnels an incident hits, computed once per incident. */
  #hits(j: number): Int32Array {
    let hits = this.#hitCache.get(j);
    if (hits === undefined) {
      const out: number[] = [];
      for (let i = 0; i < this.#fabric.tunnels.length; i++) if (this.#schedule.hits(j, i)) out.push(i);
      hits = Int32Array.from(out);
      this.#hitCache.set(j, hits);
    }
    return hits;
  }

  /** Tunnels hit by incident j (used by `tunnelStates`). */
  hits(j: number): Int32Array {
    return this.#hits(j);
  }
}

function byIndex(a: SimTunnel, b: SimTunnel): number {
  return a.index - b.index;
}
