/**
 * Tenancy: which tunnel colors the Services of a namespace may use, and what that does to a Service's
 * intent (DESIGN.md: "a Service that asks for more gets a clear warning Event, and the request is clipped,
 * never widened"). Pure; never throws.
 *
 * How configuration and the Namespace annotation combine — the configuration is the administrator's
 * ceiling, the Namespace annotation can only narrow it:
 *  1. The ceiling is `kubernetes.allowedTunnels.namespaces[ns]` when the namespace is listed (it replaces
 *     the default for that namespace, so it may be wider than the default: an explicit choice in the
 *     file the administrator owns), else `kubernetes.allowedTunnels.default`, else every color.
 *  2. The Namespace annotation `isthmus.io/allowed-tunnels`, when present, is intersected with the
 *     ceiling. Colors it lists beyond the ceiling stay disallowed (a warning on the Namespace): whoever
 *     can edit a Namespace object must not be able to grant what the configuration withholds.
 *     Invalid entries in the annotation are dropped by the parser, which again only narrows.
 *  3. Order (it is the default preference of Services without `isthmus.io/tunnels`): the annotation's
 *     order when present, as the more specific statement, else the configuration's.
 * An empty result allows no color: no Service of the namespace is steered.
 */
import type { Color } from './color.ts';
import type { Problem } from './problem.ts';
import type { ServiceIntent } from './slo.ts';
import { ALLOWED_TUNNELS_ANNOTATION, parseNamespaceAnnotations, TUNNELS_ANNOTATION } from './slo-annotations.ts';

/** The problem code of every tenancy finding, and the reason of the Events they become. */
export const TUNNEL_NOT_ALLOWED = 'TunnelNotAllowed';

/** The administrator's limits: the `kubernetes.allowedTunnels` section of the configuration. */
export interface TenancyConfig {
  /** Colors of namespaces not listed under `namespaces`; undefined: every color. */
  readonly default?: readonly Color[] | undefined;
  /** Per namespace, replacing the default (an empty list allows none). */
  readonly namespaces?: Readonly<Record<string, readonly Color[]>> | undefined;
}

export interface AllowedTunnels {
  readonly namespace: string;
  /** The colors the namespace's Services may use, in order of preference; undefined: every color. */
  readonly colors: readonly Color[] | undefined;
  /** Where the limit comes from, for messages ("" when there is none). */
  readonly source: string;
  /** The annotation key or configuration path that set the limit, for problems about it. */
  readonly key: string;
  /** Findings about the Namespace's annotations (they belong on the Namespace, not on its Services). */
  readonly problems: readonly Problem[];
}

export interface TenancyResult {
  readonly intent: ServiceIntent;
  readonly problems: readonly Problem[];
}

const UNMANAGED: ServiceIntent = { mode: 'unmanaged' };
const CONFIG_PATH = 'kubernetes.allowedTunnels';

/**
 * The colors a namespace may use, from its annotations (undefined when the Namespace object is not
 * known) and the configuration, combined as described at the top of this file.
 */
export function allowedTunnelsFor(namespace: string, annotations: Readonly<Record<string, string>> | undefined, config: TenancyConfig): AllowedTunnels {
  const listed = config.namespaces !== undefined && Object.hasOwn(config.namespaces, namespace) ? config.namespaces[namespace] : undefined;
  const ceiling = listed ?? config.default;
  const configKey = listed === undefined ? `${CONFIG_PATH}.default` : `${CONFIG_PATH}.namespaces.${namespace}`;
  const parsed = annotations === undefined ? { allowedTunnels: undefined, problems: [] } : parseNamespaceAnnotations(annotations);
  const annotated = parsed.allowedTunnels;
  const problems: Problem[] = [...parsed.problems];

  if (annotated === undefined) {
    if (ceiling === undefined) return { namespace, colors: undefined, source: '', key: '', problems };
    return { namespace, colors: [...ceiling], source: `configuration ${configKey}`, key: configKey, problems };
  }
  if (ceiling === undefined) {
    return { namespace, colors: annotated, source: `the Namespace annotation ${ALLOWED_TUNNELS_ANNOTATION}`, key: ALLOWED_TUNNELS_ANNOTATION, problems };
  }
  const colors = annotated.filter((color) => ceiling.includes(color));
  const beyond = annotated.filter((color) => !ceiling.includes(color));
  if (beyond.length > 0) {
    problems.push({
      severity: 'warning',
      code: TUNNEL_NOT_ALLOWED,
      key: ALLOWED_TUNNELS_ANNOTATION,
      message: `${ALLOWED_TUNNELS_ANNOTATION} on namespace ${namespace} lists ${beyond.join(', ')}, which configuration ${configKey} does not allow (it allows ${listOrNone(ceiling)}); the annotation can only narrow the configured colors, so ${beyond.length === 1 ? 'it stays' : 'they stay'} disallowed; expected only colors from ${configKey}`,
    });
  }
  return {
    namespace,
    colors,
    source: `the Namespace annotation ${ALLOWED_TUNNELS_ANNOTATION} within configuration ${configKey}`,
    key: ALLOWED_TUNNELS_ANNOTATION,
    problems,
  };
}

/**
 * A Service's intent within what its namespace may use:
 *  - `auto` with candidates: disallowed colors are removed (order kept) with a warning naming them; when
 *    none is left, an error and the Service is not steered;
 *  - `auto` without candidates: the allowed colors become the candidates (every color stays
 *    `undefined`); when the namespace may use none, an error and the Service is not steered;
 *  - `pinned` to a disallowed color: an error, and the Service is not steered (a pin is never moved to
 *    another color on the owner's behalf);
 *  - `unmanaged`: unchanged.
 * Never widens: the result's colors are always a subset of both the request and the allowed set.
 */
export function applyTenancy(intent: ServiceIntent, allowed: AllowedTunnels): TenancyResult {
  const colors = allowed.colors;
  if (colors === undefined || intent.mode === 'unmanaged') return { intent, problems: [] };
  const where = `namespace ${allowed.namespace} may use ${listOrNone(colors)} (${allowed.source})`;

  if (intent.mode === 'pinned') {
    if (colors.includes(intent.color)) return { intent, problems: [] };
    return {
      intent: UNMANAGED,
      problems: [
        {
          severity: 'error',
          code: TUNNEL_NOT_ALLOWED,
          key: intent.source,
          message: `${intent.source}: ${intent.color} pins the Service to a color it may not use: ${where}; the Service is not steered; expected ${colors.length === 0 ? 'the cluster administrator to allow a color' : `one of ${colors.join(', ')}`}`,
        },
      ],
    };
  }

  if (intent.candidates === undefined) {
    if (colors.length > 0) return { intent: { ...intent, candidates: [...colors] }, problems: [] };
    return {
      intent: UNMANAGED,
      problems: [
        {
          severity: 'error',
          code: TUNNEL_NOT_ALLOWED,
          key: allowed.key,
          message: `the Service asks to be steered, but ${where}; the Service is not steered; expected the cluster administrator to allow a color for the namespace`,
        },
      ],
    };
  }

  const kept = intent.candidates.filter((color) => colors.includes(color));
  const removed = intent.candidates.filter((color) => !colors.includes(color));
  if (removed.length === 0) return { intent, problems: [] };
  const asked = `${TUNNELS_ANNOTATION} asks for ${removed.join(', ')}`;
  if (kept.length === 0) {
    return {
      intent: UNMANAGED,
      problems: [
        {
          severity: 'error',
          code: TUNNEL_NOT_ALLOWED,
          key: TUNNELS_ANNOTATION,
          message: `${asked} and no other color, but ${where}; the Service is not steered; expected ${colors.length === 0 ? 'the cluster administrator to allow a color' : `at least one of ${colors.join(', ')}`}`,
        },
      ],
    };
  }
  return {
    intent: { ...intent, candidates: kept },
    problems: [
      {
        severity: 'warning',
        code: TUNNEL_NOT_ALLOWED,
        key: TUNNELS_ANNOTATION,
        message: `${asked}, which it may not use: ${where}; ${removed.length === 1 ? 'it is' : 'they are'} dropped and the Service is steered among ${kept.join(', ')}; expected only allowed colors`,
      },
    ],
  };
}

function listOrNone(colors: readonly Color[]): string {
  return colors.length === 0 ? 'no color' : colors.join(', ');
}
