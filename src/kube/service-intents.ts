import type { Color } from '../domain/color.ts';
import type { Namespace } from '../domain/namespace.ts';
import type { Problem } from '../domain/problem.ts';
import { serviceKey } from '../domain/service.ts';
import type { Service, ServiceKey } from '../domain/service.ts';
import type { ServiceIntent } from '../domain/slo.ts';
import { parseServiceAnnotations } from '../domain/slo-annotations.ts';
import { allowedTunnelsFor, applyTenancy } from '../domain/tenancy.ts';
import type { AllowedTunnels, TenancyConfig } from '../domain/tenancy.ts';
import type { NamespaceStore, ServiceStore, StoreChange } from './read-store.ts';

/** What a Service asks of Isthmus, within what its namespace may use. */
export interface ResolvedServiceIntent {
  readonly key: ServiceKey;
  /** The Service it was computed from (the store's object: its identity tells versions apart). */
  readonly service: Service;
  readonly intent: ServiceIntent;
  /** The annotation parser's problems, then tenancy's. */
  readonly problems: readonly Problem[];
  /** The colors the namespace may use; undefined: every color. */
  readonly allowed: readonly Color[] | undefined;
}

export interface ServiceIntentsOptions {
  readonly services: ServiceStore;
  readonly namespaces: NamespaceStore;
  /** `kubernetes.allowedTunnels`. */
  readonly tenancy: TenancyConfig;
  /**
   * A Service's intent was computed anew (its object, or its namespace's allowed colors, changed) and has
   * problems: once per such version, so Events are not repeated on every read or resync.
   */
  readonly onProblems?: (service: Service, problems: readonly Problem[]) => void;
  /** The same for a Namespace's own problems (its `isthmus.io/allowed-tunnels` annotation). */
  readonly onNamespaceProblems?: (namespace: Namespace, problems: readonly Problem[]) => void;
}

interface NamespaceEntry {
  /** The Namespace object it was computed from; undefined when the store does not have it. */
  readonly object: Namespace | undefined;
  readonly allowed: AllowedTunnels;
  /** The allowed colors as text: Services need re-evaluating only when this changes. */
  readonly signature: string;
}

interface ServiceEntry {
  readonly namespaceSignature: string;
  readonly resolved: ResolvedServiceIntent;
}

const UNMANAGED: ServiceIntent = { mode: 'unmanaged' };
/** The signature of a namespace whose Namespace objects have not been listed yet. */
const PENDING = 'pending';

/**
 * Per Service key: its intent from its annotations, clipped to the colors its namespace may use (see
 * src/domain/tenancy.ts for how the Namespace annotation and the configuration combine), and the problems
 * found on the way. Results are cached against the store objects they were computed from, so `get` is
 * always current (level-triggered: it re-reads the stores) and cheap when nothing changed.
 *
 * Safety before the Namespace store has synced: an `isthmus.io/allowed-tunnels` not yet seen must not be
 * widened past, so until then every Service resolves as not steered, with no problems (nothing to tell
 * the owner yet); the Namespace store's initial list then re-evaluates them.
 *
 * A Service's bad annotations only ever affect that Service, and nothing here throws: an unexpected
 * failure while evaluating one Service leaves it not steered with an error problem.
 */
export class ServiceIntents {
  readonly #options: ServiceIntentsOptions;
  readonly #byService = new Map<ServiceKey, ServiceEntry>();
  readonly #byNamespace = new Map<string, NamespaceEntry>();

  constructor(options: ServiceIntentsOptions) {
    this.#options = options;
  }

  /** The current resolution of a Service; undefined when the Service does not exist. */
  get(key: ServiceKey): ResolvedServiceIntent | undefined {
    const service = this.#options.services.get(key);
    if (service === undefined) {
      this.#byService.delete(key);
      return undefined;
    }
    const namespace = this.#namespace(service.namespace);
    const cached = this.#byService.get(key);
    if (cached?.resolved.service === service && cached.namespaceSignature === namespace.signature) return cached.resolved;
    const resolved = namespace.signature === PENDING ? pending(key, service) : resolve(key, service, namespace.allowed);
    this.#byService.set(key, { namespaceSignature: namespace.signature, resolved });
    if (resolved.problems.length > 0) this.#report(() => this.#options.onProblems?.(service, resolved.problems));
    return resolved;
  }

  /** After a Service changed (or was deleted): re-evaluates it; returns the keys to enqueue. */
  serviceChanged(key: ServiceKey): readonly ServiceKey[] {
    this.get(key);
    return [key];
  }

  /**
   * After a Namespace changed (or was deleted): re-evaluates those of its Services that were evaluated
   * against other allowed colors, and returns their keys (none when the colors did not change: label
   * edits by other controllers cost nothing). `force` (a resync) returns every Service of the namespace.
   */
  namespaceChanged(name: string, force = false): readonly ServiceKey[] {
    const { signature } = this.#namespace(name);
    const keys = this.#options.services.keys().filter((key) => key.startsWith(`${name}/`));
    const affected = force ? keys : keys.filter((key) => this.#byService.get(key)?.namespaceSignature !== signature);
    for (const key of affected) this.get(key);
    return affected;
  }

  /**
   * Follows both stores: every Service change, and every Namespace change that alters what its Services
   * may use, passes the affected keys to `onKeys` (the reconciler's work queue). What the stores already
   * hold is evaluated at once. Returns the function that disconnects.
   */
  connect(onKeys: (keys: readonly ServiceKey[]) => void): () => void {
    const report = (keys: readonly ServiceKey[]): void => {
      if (keys.length > 0) onKeys(keys);
    };
    const onService = (change: StoreChange): void => {
      report(this.serviceChanged(change.key));
    };
    const onNamespace = (change: StoreChange): void => {
      report(this.namespaceChanged(change.key, change.type === 'resync'));
    };
    const unsubscribe = [this.#options.namespaces.subscribe(onNamespace), this.#options.services.subscribe(onService)];
    const existing = this.#options.services.keys();
    for (const key of existing) this.get(key);
    report(existing);
    return () => {
      for (const stop of unsubscribe) stop();
    };
  }

  #namespace(name: string): NamespaceEntry {
    const synced = this.#options.namespaces.hasSynced();
    const object = synced ? this.#options.namespaces.get(name) : undefined;
    const cached = this.#byNamespace.get(name);
    if (cached !== undefined && cached.object === object && (cached.signature === PENDING) === !synced) return cached;
    const allowed = allowedTunnelsFor(name, object?.annotations, this.#options.tenancy);
    const entry: NamespaceEntry = { object, allowed, signature: synced ? signatureOf(allowed) : PENDING };
    this.#byNamespace.set(name, entry);
    if (object !== undefined && allowed.problems.length > 0) this.#report(() => this.#options.onNamespaceProblems?.(object, allowed.problems));
    return entry;
  }

  #report(call: () => void): void {
    try {
      call();
    } catch {
      // A failing observer (an Event that cannot be written) must not change what a Service resolves to.
    }
  }
}

function resolve(key: ServiceKey, service: Service, allowed: AllowedTunnels): ResolvedServiceIntent {
  try {
    const parsed = parseServiceAnnotations(service.annotations);
    const tenancy = applyTenancy(parsed.intent, allowed);
    return { key, service, intent: tenancy.intent, problems: [...parsed.problems, ...tenancy.problems], allowed: allowed.colors };
  } catch (error) {
    // The parsers never throw on input; this guards the promise that one Service cannot break others.
    const message = `Isthmus could not evaluate the Service's annotations (${error instanceof Error ? error.message : String(error)}); the Service is not steered`;
    return { key, service, intent: UNMANAGED, problems: [{ severity: 'error', code: 'InternalError', key: serviceKey(service), message }], allowed: allowed.colors };
  }
}

function pending(key: ServiceKey, service: Service): ResolvedServiceIntent {
  return { key, service, intent: UNMANAGED, problems: [], allowed: [] };
}

/** What Services depend on: the colors, and where they come from (it is in their problems' messages). */
function signatureOf(allowed: AllowedTunnels): string {
  return `${allowed.colors === undefined ? '*' : allowed.colors.join(',')} ${allowed.source}`;
}
