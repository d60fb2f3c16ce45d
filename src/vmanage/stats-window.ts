export interface StatsWindowOptions {
  /** How far the first poll looks back. */
  readonly initialLookbackMs: number;
  /** How far each poll reaches back before the previous one's end, for rows vManage stores late. */
  readonly overlapMs: number;
  /** Bound on a window after an outage; what lies before it is a gap. */
  readonly maxLookbackMs: number;
}

export interface StatsWindow {
  readonly fromMs: number;
  readonly toMs: number;
  /** Time since the last covered window that this one can no longer reach (an outage's lost rows). */
  readonly gapMs: number;
}

/**
 * The `entry_time` range a bulk statistics poll asks for. vManage's dates have whole seconds, so the end
 * is cut to the second: the rows of the cut-off part are asked for again by the next window, which
 * starts before this end. Rows rarely reach vManage's database in `entry_time` order (each device
 * uploads on its own cycle), hence the overlap; duplicates it brings are dropped by the store.
 */
export function statsWindow(nowMs: number, lastToMs: number | undefined, options: StatsWindowOptions): StatsWindow {
  const toMs = Math.floor(nowMs / 1000) * 1000;
  if (lastToMs === undefined) return { fromMs: toMs - options.initialLookbackMs, toMs, gapMs: 0 };
  const earliest = toMs - options.maxLookbackMs;
  return { fromMs: Math.max(lastToMs - options.overlapMs, earliest), toMs, gapMs: Math.max(0, earliest - lastToMs) };
}
