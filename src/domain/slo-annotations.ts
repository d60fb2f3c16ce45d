/**
 * Reads what a Service asks of Isthmus from its annotations (DESIGN.md, "Service annotations"), and the
 * colors a Namespace allows. Pure; never throws on user input: every finding is a `Problem`.
 *
 * How problems shape the intent — Isthmus prefers not acting over acting on a guess:
 *  - A key that decides where traffic goes (`max-latency`, `max-loss`, `max-jitter`, `tunnels`, `fallback`,
 *    the pin) must be understood exactly. If any of them is invalid, the Service is `unmanaged`: its
 *    traffic is observed but not steered, rather than steered on an SLO its owner did not write.
 *  - `objective` and `window` only shape error-budget alerting; when invalid their defaults are used.
 *  - Duplicate colors and stray commas are warnings; the first position of a color counts.
 *  - A pin (`isthmus.io/tunnel`, or the l7mp operator's `policy.sdwan.cisco.com/tunnel`) wins over
 *    `tunnels` and SLO bounds (reported as a conflict); Isthmus' own pin wins over the legacy one. When the
 *    winning pin is invalid the Service is `unmanaged` (the losing pin is not used as a substitute: it is
 *    not what the owner last wrote).
 *  - A pinned Service keeps valid SLO bounds as `slo`, for compliance metrics and alerts only.
 *  - Steering needs at least one SLO bound or a `tunnels` list; `objective`, `window` or `fallback` alone
 *    have no effect (a warning) and the Service stays `unmanaged`.
 *  - `objective: 100%` is an error, not a warning: it leaves no error budget (see `parseObjective`).
 *  - Keys that look meant for Isthmus but are not its keys (`isthmus.io/max-latncy`, `isthums.io/…`, an
 *    unprefixed `max-latency`) get an `UnknownKey` warning with a "did you mean"; Isthmus keys that belong
 *    on a Namespace or Node get `MisplacedKey`.
 *  - Surrounding ASCII whitespace in a value is ignored; everything else is matched exactly (case too:
 *    `MPLS` and `50MS` are errors with a suggestion: vManage colors are lowercase, and units are
 *    case-sensitive in quantity.ts).
 */
import { COLORS, isColor } from './color.ts';
import type { Color } from './color.ts';
import type { Problem, Severity } from './problem.ts';
import { parseDuration, parsePercentage, parseWindow } from './quantity.ts';
import type { QuantityResult } from './quantity.ts';
import { displayKey, quote } from './quote.ts';
import { DEFAULT_FALLBACK, DEFAULT_OBJECTIVE, DEFAULT_WINDOW_SECONDS } from './slo.ts';
import type { FallbackMode, PinSource, ServiceIntent, Slo, SloBounds } from './slo.ts';
import { editDistance, suggest } from './suggest.ts';

export const ISTHMUS_PREFIX = 'isthmus.io/';

export const MAX_LATENCY_ANNOTATION = 'isthmus.io/max-latency';
export const MAX_LOSS_ANNOTATION = 'isthmus.io/max-loss';
export const MAX_JITTER_ANNOTATION = 'isthmus.io/max-jitter';
export const OBJECTIVE_ANNOTATION = 'isthmus.io/objective';
export const WINDOW_ANNOTATION = 'isthmus.io/window';
export const TUNNELS_ANNOTATION = 'isthmus.io/tunnels';
export const TUNNEL_ANNOTATION = 'isthmus.io/tunnel';
export const FALLBACK_ANNOTATION = 'isthmus.io/fallback';
/** The earlier l7mp SD-WAN operator's pin, honoured so users can migrate without touching manifests. */
export const LEGACY_TUNNEL_ANNOTATION = 'policy.sdwan.cisco.com/tunnel';
/** A Namespace annotation: the colors Services in the namespace may use. */
export const ALLOWED_TUNNELS_ANNOTATION = 'isthmus.io/allowed-tunnels';

/** Every annotation a Service may carry under `isthmus.io/`, in the order of the contract table. */
export const SERVICE_ANNOTATION_KEYS = [
  MAX_LATENCY_ANNOTATION,
  MAX_LOSS_ANNOTATION,
  MAX_JITTER_ANNOTATION,
  OBJECTIVE_ANNOTATION,
  WINDOW_ANNOTATION,
  TUNNELS_ANNOTATION,
  TUNNEL_ANNOTATION,
  FALLBACK_ANNOTATION,
] as const;

const BOUND_KEYS = [MAX_LATENCY_ANNOTATION, MAX_LOSS_ANNOTATION, MAX_JITTER_ANNOTATION] as const;

export const PROBLEM_CODES = {
  invalidSlo: 'InvalidSLO',
  invalidColor: 'InvalidColor',
  invalidValue: 'InvalidValue',
  conflictingKeys: 'ConflictingKeys',
  unknownKey: 'UnknownKey',
  duplicateColor: 'DuplicateColor',
  misplacedKey: 'MisplacedKey',
  noEffect: 'NoEffect',
} as const;

/** Isthmus keys that belong on another kind of object, and where. */
const SERVICE_MISPLACED: ReadonlyMap<string, string> = new Map([
  [
    ALLOWED_TUNNELS_ANNOTATION,
    'is a Namespace annotation and has no effect on a Service; set it on the Namespace (or in configuration) to limit colors, or use isthmus.io/tunnels to choose this Service\'s candidates',
  ],
  ['isthmus.io/site-id', 'is a Node label and has no effect on a Service'],
]);

export const FALLBACK_MODES: readonly FallbackMode[] = ['best-effort', 'hold'];

/**
 * A list of all 22 colors with commas is about 200 characters; anything past this is not a color list,
 * and the cap bounds the work and the number of problems a hostile value can cause.
 */
export const MAX_COLOR_LIST_LENGTH = 1024;

/** Windows shorter than this are below SD-WAN's own averaging horizon (10-minute poll interval × 6 buckets). */
export const MIN_USEFUL_WINDOW_SECONDS = 3600;

export interface ServiceAnnotationsResult {
  readonly intent: ServiceIntent;
  readonly problems: readonly Problem[];
}

export interface AllowedTunnelsResult {
  /** The colors the namespace may use; invalid entries are dropped, so the set only ever narrows. */
  readonly allowed: readonly Color[];
  readonly problems: readonly Problem[];
}

export interface NamespaceAnnotationsResult {
  /** Undefined when the Namespace does not restrict colors. */
  readonly allowedTunnels: readonly Color[] | undefined;
  readonly problems: readonly Problem[];
}

type Field<T> = { readonly state: 'absent' } | { readonly state: 'valid'; readonly value: T } | { readonly state: 'invalid' };

const ABSENT = { state: 'absent' } as const;
const INVALID = { state: 'invalid' } as const;

function problem(severity: Severity, code: string, key: string, message: string): Problem {
  return { severity, code, key, message };
}

const UNMANAGED: ServiceIntent = { mode: 'unmanaged' };

/**
 * What a Service asks of Isthmus. A Service with no Isthmus-related key (see `isIsthmusRelated`) is
 * `unmanaged` with no problems; otherwise every key is checked and the rules at the top of this file
 * decide the intent. Problems come in a stable order (unknown and misplaced keys in annotation order,
 * then one key after another as in the contract table, then conflicts), so output diffs stay quiet.
 */
export function parseServiceAnnotations(annotations: Readonly<Record<string, string>>): ServiceAnnotationsResult {
  const keys = Object.keys(annotations);
  if (!keys.some(isIsthmusRelated)) return { intent: UNMANAGED, problems: [] };

  const problems: Problem[] = [];
  const value = (key: string): string | undefined => (Object.hasOwn(annotations, key) ? annotations[key] : undefined);
  for (const key of keys) {
    const found = checkServiceKey(key, value(key) ?? '');
    if (found !== undefined) problems.push(found);
  }

  const ownPinText = value(TUNNEL_ANNOTATION);
  const pinned = ownPinText !== undefined || value(LEGACY_TUNNEL_ANNOTATION) !== undefined;
  // What an invalid steering key means for the Service; with a pin present the conflict message says it.
  const steering = pinned ? '' : NOT_STEERED;

  const latency = parseBound(MAX_LATENCY_ANNOTATION, value(MAX_LATENCY_ANNOTATION), steering, problems);
  const loss = parseBound(MAX_LOSS_ANNOTATION, value(MAX_LOSS_ANNOTATION), steering, problems);
  const jitter = parseBound(MAX_JITTER_ANNOTATION, value(MAX_JITTER_ANNOTATION), steering, problems);
  const objective = parseObjective(value(OBJECTIVE_ANNOTATION), problems);
  const window = parseWindowAnnotation(value(WINDOW_ANNOTATION), problems);
  const tunnels = parseTunnels(value(TUNNELS_ANNOTATION), steering, problems);
  const fallback = parseFallback(value(FALLBACK_ANNOTATION), steering, problems);
  const ownPin = parsePin(TUNNEL_ANNOTATION, ownPinText, NOT_STEERED, problems);
  const legacyConsequence = ownPinText === undefined ? NOT_STEERED : `${TUNNEL_ANNOTATION} takes precedence anyway`;
  const legacyPin = parsePin(LEGACY_TUNNEL_ANNOTATION, value(LEGACY_TUNNEL_ANNOTATION), legacyConsequence, problems);

  const boundFields = [latency, loss, jitter];
  const hasBounds = boundFields.some((field) => field.state !== 'absent');
  const boundsValid = boundFields.every((field) => field.state !== 'invalid');
  const bounds: SloBounds = {
    ...(latency.state === 'valid' ? { maxLatencySeconds: latency.value } : {}),
    ...(loss.state === 'valid' ? { maxLossRatio: loss.value } : {}),
    ...(jitter.state === 'valid' ? { maxJitterSeconds: jitter.value } : {}),
  };
  const slo: Slo = { bounds, objective, windowSeconds: window };

  if (!hasBounds) {
    for (const key of [OBJECTIVE_ANNOTATION, WINDOW_ANNOTATION]) {
      const text = value(key);
      if (text === undefined) continue;
      problems.push(problem('warning', PROBLEM_CODES.noEffect, key, `${subject(key, text)} has no effect without an SLO bound; expected it together with ${BOUND_KEYS.join(', ')} (or remove it)`));
    }
  }

  if (pinned) {
    const intent = resolvePin(ownPin, legacyPin, value, hasBounds && boundsValid ? slo : undefined, problems);
    return { intent, problems };
  }

  if (!hasBounds && tunnels.state === 'absent') {
    const text = value(FALLBACK_ANNOTATION);
    if (text !== undefined) {
      problems.push(problem('warning', PROBLEM_CODES.noEffect, FALLBACK_ANNOTATION, `${subject(FALLBACK_ANNOTATION, text)} has no effect without an SLO bound or ${TUNNELS_ANNOTATION}; expected it together with them (or remove it)`));
    }
    return { intent: UNMANAGED, problems };
  }
  if (!boundsValid || tunnels.state === 'invalid' || fallback.state === 'invalid') return { intent: UNMANAGED, problems };
  return {
    intent: {
      mode: 'auto',
      slo,
      candidates: tunnels.state === 'valid' ? tunnels.value : undefined,
      fallback: fallback.state === 'valid' ? fallback.value : DEFAULT_FALLBACK,
    },
    problems,
  };
}

/**
 * The Namespace annotation `isthmus.io/allowed-tunnels`. An empty list allows no color (a warning: that
 * stops Isthmus steering any Service in the namespace). Invalid entries are dropped with an error, which
 * can only narrow what the namespace may use, never widen it.
 */
export function parseAllowedTunnels(text: string): AllowedTunnelsResult {
  const key = ALLOWED_TUNNELS_ANNOTATION;
  if (isEmptyList(text)) {
    const message = `${subject(key, text)} is an empty list, so no color is allowed and no Service in the namespace is steered; expected a comma-separated list of colors, e.g. "mpls,biz-internet" (or remove the annotation)`;
    return { allowed: [], problems: [problem('warning', PROBLEM_CODES.invalidColor, key, message)] };
  }
  const problems: Problem[] = [];
  const list = parseColorList(key, text, 'those entries are dropped', problems);
  return { allowed: list.colors, problems };
}

/** A Namespace's Isthmus annotations: `allowed-tunnels`, and warnings for keys that do nothing there. */
export function parseNamespaceAnnotations(annotations: Readonly<Record<string, string>>): NamespaceAnnotationsResult {
  const problems: Problem[] = [];
  let allowedTunnels: readonly Color[] | undefined;
  for (const key of Object.keys(annotations)) {
    const text = annotations[key] ?? '';
    if (key === ALLOWED_TUNNELS_ANNOTATION) {
      const result = parseAllowedTunnels(text);
      allowedTunnels = result.allowed;
      problems.push(...result.problems);
    } else if (isServiceKey(key)) {
      const message = `${subject(key, text)} is a Service annotation and has no effect on a Namespace (there are no namespace-wide defaults); expected it on each Service`;
      problems.push(problem('warning', PROBLEM_CODES.misplacedKey, key, message));
    } else if (isIsthmusRelated(key)) {
      problems.push(unknownKeyProblem(key, text, [ALLOWED_TUNNELS_ANNOTATION]));
    }
  }
  return { allowedTunnels, problems };
}

/**
 * True for keys a user meant for Isthmus: under `isthmus.io/`, the legacy pin, a prefix that looks like a
 * typo of `isthmus.io` (`isthums.io/`, `Isthmus.io/`, `isthmus/`), or an SLO bound written without its
 * prefix. Typo'd keys are worth a warning: otherwise the Service would silently stay unmanaged.
 */
export function isIsthmusRelated(key: string): boolean {
  if (key.startsWith(ISTHMUS_PREFIX) || key === LEGACY_TUNNEL_ANNOTATION) return true;
  const slash = key.indexOf('/');
  if (slash < 0) return BOUND_KEYS.some((bound) => bound.slice(ISTHMUS_PREFIX.length) === key);
  // DNS subdomain prefixes are at most 253 characters; a longer one is not a typo of ours.
  return slash <= 253 && looksLikeIsthmusPrefix(key.slice(0, slash));
}

function looksLikeIsthmusPrefix(prefix: string): boolean {
  const lower = prefix.toLowerCase();
  return lower.startsWith('isthmus') || editDistance(lower, 'isthmus.io') <= 2;
}

function isServiceKey(key: string): boolean {
  return (SERVICE_ANNOTATION_KEYS as readonly string[]).includes(key) || key === LEGACY_TUNNEL_ANNOTATION;
}

function checkServiceKey(key: string, text: string): Problem | undefined {
  if (isServiceKey(key)) return undefined;
  const misplaced = SERVICE_MISPLACED.get(key);
  if (misplaced !== undefined) return problem('warning', PROBLEM_CODES.misplacedKey, key, `${subject(key, text)} ${misplaced}`);
  return isIsthmusRelated(key) ? unknownKeyProblem(key, text, SERVICE_ANNOTATION_KEYS) : undefined;
}

function unknownKeyProblem(key: string, text: string, known: readonly string[]): Problem {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const suggested = suggest(
    name,
    known.map((candidate) => candidate.slice(ISTHMUS_PREFIX.length)),
  );
  const base = `${subject(key, text)} is not an Isthmus annotation and is ignored`;
  const message = suggested === undefined ? `${base}; expected one of ${known.join(', ')}` : `${base}; did you mean ${ISTHMUS_PREFIX}${suggested}?`;
  return problem('warning', PROBLEM_CODES.unknownKey, key, message);
}

interface BoundSpec {
  readonly parse: (text: string) => QuantityResult;
  readonly what: string;
  readonly min: number;
  readonly max: number;
  readonly expected: string;
}

/**
 * The ranges an SD-WAN SLA class accepts (vManage reference §9.5): Isthmus maps SLO bounds to SLA classes,
 * so a bound outside them cannot be expressed. Loss 0% is accepted (catalystwan, UX 2.0) even though
 * classic-mode SLA objects start at 1%.
 */
const BOUND_SPECS: Readonly<Record<(typeof BOUND_KEYS)[number], BoundSpec>> = {
  [MAX_LATENCY_ANNOTATION]: {
    parse: parseDuration,
    what: 'a duration',
    min: 0.001,
    max: 1,
    expected: 'a latency from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 50ms',
  },
  [MAX_JITTER_ANNOTATION]: {
    parse: parseDuration,
    what: 'a duration',
    min: 0.001,
    max: 1,
    expected: 'a jitter from 1ms to 1000ms (the range of an SD-WAN SLA class), e.g. 10ms',
  },
  [MAX_LOSS_ANNOTATION]: {
    parse: parsePercentage,
    what: 'a percentage',
    min: 0,
    max: 1,
    expected: 'a loss from 0% to 100% (the range of an SD-WAN SLA class), e.g. 1%',
  },
};

const NOT_STEERED = 'the Service is not steered until this is fixed';

/** `; consequence`, or nothing. */
function then(consequence: string): string {
  return consequence === '' ? '' : `; ${consequence}`;
}

function parseBound(key: (typeof BOUND_KEYS)[number], text: string | undefined, consequence: string, problems: Problem[]): Field<number> {
  if (text === undefined) return ABSENT;
  const spec = BOUND_SPECS[key];
  const parsed = spec.parse(text);
  if (!parsed.ok) {
    problems.push(problem('error', PROBLEM_CODES.invalidSlo, key, `${subject(key, text)} is not ${spec.what} (${parsed.reason}); expected ${spec.expected}${then(consequence)}`));
    return INVALID;
  }
  if (parsed.value < spec.min || parsed.value > spec.max) {
    problems.push(problem('error', PROBLEM_CODES.invalidSlo, key, `${subject(key, text)} is out of range; expected ${spec.expected}${then(consequence)}`));
    return INVALID;
  }
  return { state: 'valid', value: parsed.value };
}

function parseObjective(text: string | undefined, problems: Problem[]): number {
  if (text === undefined) return DEFAULT_OBJECTIVE;
  const key = OBJECTIVE_ANNOTATION;
  const expected = 'expected a percentage above 0% and below 100%, e.g. 99.9%; the default 99% is used meanwhile';
  const parsed = parsePercentage(text);
  let mistake: string | undefined;
  if (!parsed.ok) {
    mistake = `is not a percentage (${parsed.reason})`;
  } else if (parsed.value >= 1) {
    // An error, not a warning: 100% leaves no error budget, burn-rate alerts divide by (1 − objective),
    // and no SLI built on averaged tunnel statistics is ever perfect, so the SLO would page forever.
    mistake = 'leaves no error budget (burn-rate alerts divide by 100% minus the objective)';
  } else if (parsed.value <= 0) {
    mistake = 'could never be missed, so it would never alert';
  }
  if (mistake === undefined && parsed.ok) return parsed.value;
  problems.push(problem('error', PROBLEM_CODES.invalidSlo, key, `${subject(key, text)} ${mistake ?? ''}; ${expected}`));
  return DEFAULT_OBJECTIVE;
}

function parseWindowAnnotation(text: string | undefined, problems: Problem[]): number {
  if (text === undefined) return DEFAULT_WINDOW_SECONDS;
  const key = WINDOW_ANNOTATION;
  const parsed = parseWindow(text);
  if (!parsed.ok) {
    problems.push(problem('error', PROBLEM_CODES.invalidSlo, key, `${subject(key, text)} is not a window (${parsed.reason}); expected a window from 1h to 366d, e.g. 30d or 4w; the default 30d is used meanwhile`));
    return DEFAULT_WINDOW_SECONDS;
  }
  // A warning only: short windows work, they are just noisy.
  if (parsed.value < MIN_USEFUL_WINDOW_SECONDS) {
    problems.push(problem('warning', PROBLEM_CODES.invalidSlo, key, `${subject(key, text)} is shorter than the hour over which SD-WAN averages tunnel statistics by default (10-minute polls × 6), so its error budget would rest on a handful of samples; expected 1h or more, e.g. 30d`));
  }
  return parsed.value;
}

function parseFallback(text: string | undefined, consequence: string, problems: Problem[]): Field<FallbackMode> {
  if (text === undefined) return ABSENT;
  const trimmed = trimAscii(text);
  const mode = FALLBACK_MODES.find((candidate) => candidate === trimmed);
  if (mode !== undefined) return { state: 'valid', value: mode };
  const suggested = suggest(trimmed, FALLBACK_MODES);
  const hint = suggested === undefined ? '' : ` (did you mean ${suggested}?)`;
  problems.push(problem('error', PROBLEM_CODES.invalidValue, FALLBACK_ANNOTATION, `${subject(FALLBACK_ANNOTATION, text)} is not a fallback mode${hint}; expected best-effort (use the least-bad color) or hold (keep the current one)${then(consequence)}`));
  return INVALID;
}

function parseTunnels(text: string | undefined, consequence: string, problems: Problem[]): Field<readonly Color[]> {
  if (text === undefined) return ABSENT;
  const key = TUNNELS_ANNOTATION;
  if (isEmptyList(text)) {
    problems.push(problem('error', PROBLEM_CODES.invalidColor, key, `${subject(key, text)} is an empty list; expected colors in order of preference, e.g. "mpls,biz-internet" (remove the annotation to allow every color the namespace may use)${then(consequence)}`));
    return INVALID;
  }
  const list = parseColorList(key, text, consequence, problems);
  return list.valid ? { state: 'valid', value: list.colors } : INVALID;
}

function parsePin(key: PinSource, text: string | undefined, consequence: string, problems: Problem[]): Field<Color> {
  if (text === undefined) return ABSENT;
  const trimmed = trimAscii(text);
  if (isColor(trimmed)) return { state: 'valid', value: trimmed };
  let mistake: string;
  if (trimmed === '') mistake = 'is empty';
  else if (trimmed.includes(',')) mistake = `lists several colors, but a pin takes one (for a preference list use ${TUNNELS_ANNOTATION})`;
  else mistake = colorMistake(trimmed);
  problems.push(problem('error', PROBLEM_CODES.invalidColor, key, `${subject(key, text)} ${mistake}; expected one color, e.g. mpls${then(consequence)}`));
  return INVALID;
}

/**
 * The winning pin decides; the other pin and any steering keys are conflicts. `slo` is kept on a pinned
 * Service for compliance metrics and alerts only.
 */
function resolvePin(
  ownPin: Field<Color>,
  legacyPin: Field<Color>,
  value: (key: string) => string | undefined,
  slo: Slo | undefined,
  problems: Problem[],
): ServiceIntent {
  const winnerKey: PinSource = ownPin.state === 'absent' ? LEGACY_TUNNEL_ANNOTATION : TUNNEL_ANNOTATION;
  const winner = ownPin.state === 'absent' ? legacyPin : ownPin;
  const pins = winner.state === 'valid' ? `${winnerKey} pins the Service to ${winner.value}` : `${winnerKey} pins the Service`;

  if (ownPin.state === 'valid' && legacyPin.state === 'valid' && ownPin.value !== legacyPin.value) {
    const key = LEGACY_TUNNEL_ANNOTATION;
    problems.push(problem('error', PROBLEM_CODES.conflictingKeys, key, `${subject(key, value(key) ?? '')} conflicts with ${TUNNEL_ANNOTATION}: Isthmus' own annotation wins, so ${pins}; expected the same color in both, or only ${TUNNEL_ANNOTATION}`));
  }
  for (const key of [TUNNELS_ANNOTATION, ...BOUND_KEYS]) {
    const text = value(key);
    if (text === undefined) continue;
    const effect = key === TUNNELS_ANNOTATION ? 'is ignored' : 'does not steer it (it only feeds compliance metrics and alerts)';
    problems.push(problem('error', PROBLEM_CODES.conflictingKeys, key, `${subject(key, text)} conflicts with ${winnerKey}: the pin wins, ${pins} and ${key} ${effect}; expected either the pin, or ${TUNNELS_ANNOTATION} and SLO bounds`));
  }
  const fallback = value(FALLBACK_ANNOTATION);
  if (fallback !== undefined) {
    problems.push(problem('warning', PROBLEM_CODES.noEffect, FALLBACK_ANNOTATION, `${subject(FALLBACK_ANNOTATION, fallback)} has no effect because ${pins}; expected it only on Services that are not pinned`));
  }
  if (winner.state !== 'valid') return UNMANAGED;
  return { mode: 'pinned', color: winner.value, source: winnerKey, slo };
}

interface ColorList {
  readonly colors: readonly Color[];
  /** False when any entry is not a color (an error); duplicates and empty entries are only warnings. */
  readonly valid: boolean;
}

/** At most this many bad entries are spelled out in one problem; the rest are counted. */
const MAX_LISTED_MISTAKES = 5;

function parseColorList(key: string, text: string, consequence: string, problems: Problem[]): ColorList {
  if (text.length > MAX_COLOR_LIST_LENGTH) {
    problems.push(problem('error', PROBLEM_CODES.invalidColor, key, `${subject(key, text)} is too long (${text.length} characters; at most ${MAX_COLOR_LIST_LENGTH}); expected a comma-separated list of colors${then(consequence)}`));
    return { colors: [], valid: false };
  }
  const colors: Color[] = [];
  const mistakes: string[] = [];
  const duplicates = new Set<Color>();
  let emptyEntries = 0;
  for (const raw of text.split(',')) {
    const entry = trimAscii(raw);
    if (entry === '') emptyEntries += 1;
    else if (!isColor(entry)) mistakes.push(`${quote(entry)} ${colorMistake(entry)}`);
    else if (colors.includes(entry)) duplicates.add(entry);
    else colors.push(entry);
  }
  if (mistakes.length > 0) {
    const shown = mistakes.slice(0, MAX_LISTED_MISTAKES).join(', ');
    const more = mistakes.length > MAX_LISTED_MISTAKES ? ` and ${mistakes.length - MAX_LISTED_MISTAKES} more` : '';
    problems.push(problem('error', PROBLEM_CODES.invalidColor, key, `${subject(key, text)}: ${shown}${more}; expected a comma-separated list of colors (${COLORS.join(', ')})${then(consequence)}`));
  }
  if (duplicates.size > 0) {
    problems.push(problem('warning', PROBLEM_CODES.duplicateColor, key, `${subject(key, text)} lists ${[...duplicates].join(', ')} more than once; only the first position counts; expected each color once`));
  }
  if (emptyEntries > 0) {
    problems.push(problem('warning', PROBLEM_CODES.invalidColor, key, `${subject(key, text)} has an empty entry (a stray comma), which is ignored; expected colors separated by single commas`));
  }
  return { colors, valid: mistakes.length === 0 };
}

/** Why `entry` (trimmed, not a color) is wrong, with the likeliest fix. */
function colorMistake(entry: string): string {
  const words = entry.split(/[\t ]+/);
  if (words.length > 1 && words.every(isColor)) return `is not a color (separate colors with commas: ${quote(words.join(','))})`;
  const suggested = suggest(entry, COLORS);
  return suggested === undefined ? 'is not a color' : `is not a color (did you mean ${suggested}?)`;
}

/** `key: "value"`, safe to print whatever the key and value contain. */
function subject(key: string, text: string): string {
  return `${displayKey(key)}: ${quote(text)}`;
}

function isAsciiSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/** Trims ASCII whitespace with index scans: a regex like /\s+$/ is quadratic on hostile input. */
function trimAscii(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isAsciiSpace(text[start])) start += 1;
  while (end > start && isAsciiSpace(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/** No entries at all: only whitespace and commas. */
function isEmptyList(text: string): boolean {
  for (const char of text) {
    if (char !== ',' && !isAsciiSpace(char)) return false;
  }
  return true;
}
