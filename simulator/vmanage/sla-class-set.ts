/**
 * An app-route SLA class as a router holds it (`GET /dataservice/device/app-route/sla-class` rows):
 * limits in vManage's units, milliseconds and percent. A missing limit does not constrain.
 */
export interface SlaClass {
  readonly index: number;
  readonly name: string;
  readonly maxLatencyMs?: number;
  readonly maxJitterMs?: number;
  readonly maxLossPercent?: number;
}

/** What a tunnel met: the `sla_class_list` indices and the `sla_class_names`, in class order. */
export interface SlaMatch {
  readonly indices: readonly number[];
  readonly names: readonly string[];
}

/** Index 0 is the built-in class every live tunnel belongs to (reference §4.3). */
export const DEFAULT_SLA_CLASSES: readonly SlaClass[] = [{ index: 0, name: '__all_tunnels__' }];

/** IOS XE holds up to 16 SLA classes (reference §9.4), which also lets a match be a 16-bit mask. */
const MAX_CLASSES = 16;
const NOTHING: SlaMatch = { indices: [], names: [] };

/**
 * The configured SLA classes and the compliance test. A tunnel meets a class when it is up and its
 * values are within every limit of the class; whether vManage compares with ≤ or < is unconfirmed
 * (reference §9.4), ≤ is used. Matches are shared, frozen objects, one per distinct set of classes,
 * so that hundreds of thousands of statistics rows do not each carry their own two arrays.
 */
export class SlaClassSet {
  readonly classes: readonly SlaClass[];
  readonly #matches = new Map<number, SlaMatch>();

  constructor(classes: readonly SlaClass[] = DEFAULT_SLA_CLASSES) {
    if (classes.length > MAX_CLASSES) throw new RangeError(`at most ${MAX_CLASSES} SLA classes, got ${classes.length}`);
    const seen = new Set<number>();
    for (const slaClass of classes) {
      if (!Number.isInteger(slaClass.index) || slaClass.index < 0) throw new RangeError(`SLA class index must be an integer ≥ 0, got ${slaClass.index}`);
      if (seen.has(slaClass.index)) throw new RangeError(`duplicate SLA class index ${slaClass.index}`);
      seen.add(slaClass.index);
    }
    this.classes = [...classes].sort((a, b) => a.index - b.index);
  }

  /** The classes a tunnel with these values meets; a down tunnel meets none. */
  met(up: boolean, latencyMs: number, jitterMs: number, lossPercent: number): SlaMatch {
    if (!up) return NOTHING;
    let mask = 0;
    for (const [position, slaClass] of this.classes.entries()) {
      if (within(latencyMs, slaClass.maxLatencyMs) && within(jitterMs, slaClass.maxJitterMs) && within(lossPercent, slaClass.maxLossPercent)) {
        mask |= 1 << position;
      }
    }
    return this.#match(mask);
  }

  #match(mask: number): SlaMatch {
    let match = this.#matches.get(mask);
    if (match === undefined) {
      const chosen = this.classes.filter((_, position) => (mask & (1 << position)) !== 0);
      match = Object.freeze({ indices: Object.freeze(chosen.map((c) => c.index)), names: Object.freeze(chosen.map((c) => c.name)) });
      this.#matches.set(mask, match);
    }
    return match;
  }
}

function within(value: number, limit: number | undefined): boolean {
  return limit === undefined || value <= limit;
}
