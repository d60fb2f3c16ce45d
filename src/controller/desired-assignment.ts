import type { AssignmentMode } from '../domain/assignment.ts';
import type { Color } from '../domain/color.ts';
import { COLORS } from '../domain/color.ts';
import type { DecisionReason } from '../domain/decision.ts';
import type { ServiceIntent } from '../domain/slo.ts';

export interface DesiredAssignment {
  readonly color: Color;
  readonly mode: AssignmentMode;
  readonly reason: DecisionReason;
}

export interface DesiredAssignmentInput {
  readonly intent: ServiceIntent;
  /** The colors the Service's namespace may use, in order; undefined: every color. */
  readonly allowed: readonly Color[] | undefined;
  /** Colors the fabric has same-color tunnels of (what "every color" can mean in practice). */
  readonly fabricColors: readonly Color[];
  /** The fabric's default color, preferred among equals when nothing else orders the candidates. */
  readonly defaultColor: Color | undefined;
}

/**
 * Where a Service goes until the optimizer exists: a pinned Service on its pin; an auto Service on its
 * most preferred candidate (its `isthmus.io/tunnels`, already clipped to what its namespace may use;
 * else its namespace's allowed colors; else the fabric's colors, default first); an unmanaged Service
 * nowhere (its traffic takes the fabric default, which is no decision of Isthmus'). Undefined too when an
 * auto Service has no candidate yet (no colors known before the first tunnel poll). Pure.
 */
export function desiredAssignment(input: DesiredAssignmentInput): DesiredAssignment | undefined {
  const { intent } = input;
  if (intent.mode === 'pinned') return { color: intent.color, mode: 'pinned', reason: 'pinned' };
  if (intent.mode === 'unmanaged') return undefined;
  const candidates = intent.candidates ?? input.allowed ?? fabricPreference(input.fabricColors, input.defaultColor);
  const color = candidates[0];
  return color === undefined ? undefined : { color, mode: 'auto', reason: 'initial' };
}

/** The fabric's colors in a stable order: the default first, then the order of the color list. */
export function fabricPreference(colors: readonly Color[], defaultColor: Color | undefined): Color[] {
  const rank = (color: Color): number => (color === defaultColor ? -1 : COLORS.indexOf(color));
  return [...new Set(colors)].sort((a, b) => rank(a) - rank(b));
}
