import type { ServiceKey } from '../domain/service.ts';

/** Past this many distinct entries the tables are dropped and rebuilt: bounded memory whatever the input. */
const MAX_ENTRIES = 65_536;

/**
 * Returns the same string for the same parts, so that keys built from flow fields (Hubble's
 * `namespace/name` of a Service, a node name without its `cluster/` prefix) are made once, not per
 * flow. The inputs are themselves interned by the Hubble decoder, so a hit is two Map reads.
 */
export class KeyInterner {
  readonly #services = new Map<string, Map<string, ServiceKey>>();
  readonly #bareNodes = new Map<string, string>();
  #entries = 0;

  /** `namespace/name`. */
  service(namespace: string, name: string): ServiceKey {
    let byName = this.#services.get(namespace);
    const hit = byName?.get(name);
    if (hit !== undefined) return hit;
    this.#makeRoom();
    if (byName === undefined) {
      byName = new Map();
      this.#services.set(namespace, byName);
    }
    const key = `${namespace}/${name}`;
    byName.set(name, key);
    this.#entries++;
    return key;
  }

  /** Hubble names nodes `cluster/node` when the cluster is not `default`; the inventory knows `node`. */
  bareNodeName(hubbleName: string): string {
    const hit = this.#bareNodes.get(hubbleName);
    if (hit !== undefined) return hit;
    this.#makeRoom();
    const bare = hubbleName.slice(hubbleName.lastIndexOf('/') + 1);
    this.#bareNodes.set(hubbleName, bare);
    this.#entries++;
    return bare;
  }

  #makeRoom(): void {
    if (this.#entries < MAX_ENTRIES) return;
    this.#services.clear();
    this.#bareNodes.clear();
    this.#entries = 0;
  }
}
