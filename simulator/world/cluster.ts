import type { ClusterNode } from '../../src/domain/cluster-node.ts';
import type { Endpoint } from '../../src/domain/endpoint.ts';
import type { Service, ServiceRef } from '../../src/domain/service.ts';
import type { SiteId } from '../../src/domain/site.ts';
import type { Fabric, SimSite } from './fabric.ts';
import { hash, hashString } from './hash.ts';
import { numberToIpv4, parseIpv4Cidr } from './ipv4.ts';
import { placePod } from './place-pod.ts';
import type { Scenario, ScenarioEvent } from './scenario.ts';

export interface SimNode extends ClusterNode {
  readonly index: number;
  readonly uid: string;
  readonly siteId: SiteId;
  readonly site: SimSite | undefined;
  readonly internalIp: string;
  readonly podCidr: string;
}

export interface SimNamespace {
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** One version of a Service: annotations can change at scripted times, the rest cannot. */
export interface SimService extends Service {
  readonly index: number;
  readonly uid: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly responseTimeMs: number;
  readonly errorRatio: number;
  /** Epoch milliseconds from which this version holds (−Infinity for the initial one). */
  readonly sinceMs: number;
}

export interface SimWorkload {
  readonly index: number;
  readonly uid: string;
  readonly kind: 'Deployment';
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Replicas at the start; scripted scale events change it over time. */
  readonly replicas: number;
  readonly nodes: readonly SimNode[];
  /** Cilium security identity of its pods (one per label set). */
  readonly identity: number;
  /** Labels as Hubble shows them on flow endpoints (`k8s:app=frontend`, …). */
  readonly flowLabels: readonly string[];
}

export interface SimPod {
  readonly index: number;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly node: SimNode;
  readonly workload: SimWorkload;
  readonly ordinal: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch milliseconds; −Infinity for pods that exist from the start, Infinity for pods never deleted. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** A scripted change of the cluster, resolved to the objects it affects. */
export type ClusterChange =
  | {
      readonly kind: 'scale';
      readonly timeMs: number;
      readonly workload: SimWorkload;
      readonly replicas: number;
      readonly added: readonly SimPod[];
      readonly removed: readonly SimPod[];
      /** Services whose endpoints change with it. */
      readonly services: readonly SimService[];
    }
  | { readonly kind: 'annotate'; readonly timeMs: number; readonly service: SimService };

interface Epoch<T> {
  readonly fromMs: number;
  readonly items: readonly T[];
}

/**
 * The Kubernetes side of the world: nodes placed at sites, namespaces, Services, Deployments and their
 * pods, with pod names and addresses allocated deterministically (a pod's IP comes from its node's pod
 * CIDR, in creation order). Scripted events make pods and annotations change over time; every query
 * takes the time it is about.
 */
export class Cluster {
  readonly nodes: readonly SimNode[];
  readonly namespaces: readonly SimNamespace[];
  /** Initial versions; `serviceAt` gives the version at a time. */
  readonly services: readonly SimService[];
  readonly workloads: readonly SimWorkload[];
  /** Every pod that ever exists in the scenario, in creation order. */
  readonly pods: readonly SimPod[];
  /** Scripted changes in time order. */
  readonly changes: readonly ClusterChange[];
  /** Per service: indices of the workloads whose pods back it. */
  readonly serviceWorkloads: readonly (readonly number[])[];

  readonly #nodeByName: ReadonlyMap<string, SimNode>;
  readonly #serviceByKey: ReadonlyMap<string, number>;
  readonly #workloadByKey: ReadonlyMap<string, number>;
  readonly #serviceVersions: readonly Epoch<SimService>[][];
  readonly #workloadPods: readonly Epoch<SimPod>[][];
  readonly #servicePods: readonly Epoch<SimPod>[][];

  constructor(scenario: Scenario, fabric: Fabric) {
    const start = scenario.startMs;
    this.nodes = scenario.nodes.map((node, index) => ({
      index,
      uid: uid(`node/${node.name}`),
      name: node.name,
      siteId: node.siteId,
      site: fabric.site(node.siteId),
      internalIps: [node.internalIp],
      internalIp: node.internalIp,
      podCidrs: [node.podCidr],
      podCidr: node.podCidr,
      labels: node.labels,
    }));
    this.#nodeByName = new Map(this.nodes.map((node) => [node.name, node]));
    this.namespaces = scenario.namespaces.map((namespace) => ({
      name: namespace.name,
      uid: uid(`namespace/${namespace.name}`),
      labels: namespace.labels,
      annotations: namespace.annotations,
    }));
    this.services = scenario.services.map((service, index) => ({
      index,
      uid: uid(`service/${service.namespace}/${service.name}`),
      namespace: service.namespace,
      name: service.name,
      clusterIps: [service.clusterIp],
      loadBalancerIps: [],
      ports: service.ports,
      annotations: service.annotations,
      selector: service.selector,
      responseTimeMs: service.responseTimeMs,
      errorRatio: service.errorRatio,
      sinceMs: Number.NEGATIVE_INFINITY,
    }));
    this.#serviceByKey = new Map(this.services.map((service) => [`${service.namespace}/${service.name}`, service.index]));
    this.workloads = scenario.workloads.map((workload, index) => {
      const labels = workload.labels;
      const flowLabels = [
        ...Object.entries(labels).map(([key, value]) => `k8s:${key}=${value}`),
        'k8s:io.cilium.k8s.policy.cluster=default',
        'k8s:io.cilium.k8s.policy.serviceaccount=default',
        `k8s:io.kubernetes.pod.namespace=${workload.namespace}`,
      ].sort();
      return {
        index,
        uid: uid(`deployment/${workload.namespace}/${workload.name}`),
        kind: 'Deployment' as const,
        namespace: workload.namespace,
        name: workload.name,
        labels,
        replicas: workload.replicas,
        nodes: workload.nodes.flatMap((name) => {
          const node = this.#nodeByName.get(name);
          return node === undefined ? [] : [node];
        }),
        // Cilium allocates identities from 256 up for label sets; a hash keeps them stable per workload.
        identity: 256 + (hashString(flowLabels.join(',')) % 65_000),
        flowLabels,
      };
    });
    this.#workloadByKey = new Map(this.workloads.map((workload) => [`${workload.namespace}/${workload.name}`, workload.index]));
    const byNamespace = Map.groupBy(this.workloads, (workload) => workload.namespace);
    this.serviceWorkloads = this.services.map((service) =>
      (byNamespace.get(service.namespace) ?? [])
        .filter((workload) => Object.entries(service.selector).every(([key, value]) => workload.labels[key] === value))
        .map((workload) => workload.index),
    );

    const events = [...scenario.events].map((event, order) => ({ event, order })).sort((a, b) => a.event.atMs - b.event.atMs || a.order - b.order);
    const { pods, workloadPods, scaleChanges } = this.#buildPods(scenario, events.map((entry) => entry.event), start);
    this.pods = pods;
    this.#workloadPods = workloadPods;
    this.#servicePods = this.services.map((service) => mergeEpochs((this.serviceWorkloads[service.index] ?? []).map((w) => workloadPods[w] ?? [])));

    const versions: Epoch<SimService>[][] = this.services.map((service) => [{ fromMs: Number.NEGATIVE_INFINITY, items: [service] }]);
    const changes: ClusterChange[] = [];
    let scaleIndex = 0;
    for (const { event } of events) {
      if (event.kind === 'scale') {
        const change = scaleChanges[scaleIndex++];
        if (change !== undefined) changes.push(change);
        continue;
      }
      const index = this.#serviceByKey.get(`${event.service.namespace}/${event.service.name}`);
      const history = index === undefined ? undefined : versions[index];
      const previous = history?.[history.length - 1]?.items[0];
      if (history === undefined || previous === undefined) continue;
      // null removes an annotation, as in a JSON merge patch.
      const merged = { ...previous.annotations, ...event.annotations };
      const annotations = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null));
      const timeMs = start + event.atMs;
      const next: SimService = { ...previous, annotations, sinceMs: timeMs };
      history.push({ fromMs: timeMs, items: [next] });
      changes.push({ kind: 'annotate', timeMs, service: next });
    }
    this.#serviceVersions = versions;
    this.changes = changes;
  }

  node(name: string): SimNode | undefined {
    return this.#nodeByName.get(name);
  }

  serviceIndex(ref: ServiceRef): number | undefined {
    return this.#serviceByKey.get(`${ref.namespace}/${ref.name}`);
  }

  workloadIndex(ref: { readonly namespace: string; readonly name: string }): number | undefined {
    return this.#workloadByKey.get(`${ref.namespace}/${ref.name}`);
  }

  /** The version of a Service in effect at `timeMs`. */
  serviceAt(index: number, timeMs: number): SimService | undefined {
    return epochAt(this.#serviceVersions[index] ?? [], timeMs)?.[0];
  }

  /** Every Service as it is at `timeMs`. */
  servicesAt(timeMs: number): SimService[] {
    return this.services.map((service) => this.serviceAt(service.index, timeMs) ?? service);
  }

  /** Pods of a workload that exist at `timeMs`, by ordinal. */
  workloadPodsAt(index: number, timeMs: number): readonly SimPod[] {
    return epochAt(this.#workloadPods[index] ?? [], timeMs) ?? [];
  }

  /** Pods backing a Service at `timeMs`. */
  servicePodsAt(index: number, timeMs: number): readonly SimPod[] {
    return epochAt(this.#servicePods[index] ?? [], timeMs) ?? [];
  }

  /** All pods that exist at `timeMs`. */
  podsAt(timeMs: number): SimPod[] {
    return this.pods.filter((pod) => pod.fromMs <= timeMs && timeMs < pod.toMs);
  }

  /** A Service's endpoints at `timeMs`, as its EndpointSlices list them. */
  endpointsAt(index: number, timeMs: number): Endpoint[] {
    return this.servicePodsAt(index, timeMs).map((pod) => ({ ip: pod.ip, ready: true, podName: pod.name, namespace: pod.namespace, nodeName: pod.node.name }));
  }

  #buildPods(scenario: Scenario, events: readonly ScenarioEvent[], start: number) {
    const pods: SimPod[] = [];
    const nextHost = new Map<string, number>();
    const workloadPods: Epoch<SimPod>[][] = this.workloads.map(() => []);
    const current: (SimPod | undefined)[][] = this.workloads.map(() => []);
    const generation: number[][] = this.workloads.map(() => []);
    const scaleChanges: ClusterChange[] = [];

    const create = (workload: SimWorkload, ordinal: number, fromMs: number): SimPod | undefined => {
      const nodeName = placePod({ namespace: workload.namespace, name: workload.name, nodes: workload.nodes.map((node) => node.name) }, ordinal);
      const node = nodeName === undefined ? undefined : this.#nodeByName.get(nodeName);
      const cidr = node === undefined ? undefined : parseIpv4Cidr(node.podCidr);
      if (node === undefined || cidr === undefined) return undefined;
      // .0 is the network and .1 is cilium_host's router address, so pods start at .2.
      const host = nextHost.get(node.name) ?? 2;
      nextHost.set(node.name, host + 1);
      const gens = generation[workload.index] ?? [];
      const gen = gens[ordinal] ?? 0;
      gens[ordinal] = gen + 1;
      const name = `${workload.name}-${podTemplateHash(workload)}-${podSuffix(workload, ordinal, gen)}`;
      const pod: SimPod = {
        index: pods.length,
        uid: uid(`pod/${workload.namespace}/${name}`),
        namespace: workload.namespace,
        name,
        ip: numberToIpv4(cidr.first + (host % cidr.size)),
        node,
        workload,
        ordinal,
        labels: { ...workload.labels, 'pod-template-hash': podTemplateHash(workload) },
        fromMs,
        toMs: Number.POSITIVE_INFINITY,
      };
      pods.push(pod);
      return pod;
    };
    const snapshot = (w: number, fromMs: number) => {
      const items = (current[w] ?? []).filter((pod): pod is SimPod => pod !== undefined);
      workloadPods[w]?.push({ fromMs, items });
    };

    for (const workload of this.workloads) {
      const live = current[workload.index] ?? [];
      for (let ordinal = 0; ordinal < workload.replicas; ordinal++) live[ordinal] = create(workload, ordinal, Number.NEGATIVE_INFINITY);
      snapshot(workload.index, Number.NEGATIVE_INFINITY);
    }
    const replicas = this.workloads.map((workload) => workload.replicas);
    for (const event of events) {
      if (event.kind !== 'scale') continue;
      const w = this.#workloadByKey.get(`${event.workload.namespace}/${event.workload.name}`);
      const workload = w === undefined ? undefined : this.workloads[w];
      if (w === undefined || workload === undefined) continue;
      const timeMs = start + event.atMs;
      const live = current[w] ?? [];
      const before = replicas[w] ?? 0;
      const added: SimPod[] = [];
      const removed: SimPod[] = [];
      // Scaling down removes the highest ordinals first, as a ReplicaSet does with equal pods.
      for (let ordinal = before - 1; ordinal >= event.replicas; ordinal--) {
        const pod = live[ordinal];
        if (pod !== undefined) {
          const ended: SimPod = { ...pod, toMs: timeMs };
          pods[pod.index] = ended;
          removed.push(ended);
        }
        live[ordinal] = undefined;
      }
      for (let ordinal = before; ordinal < event.replicas; ordinal++) {
        const pod = create(workload, ordinal, timeMs);
        live[ordinal] = pod;
        if (pod !== undefined) added.push(pod);
      }
      live.length = event.replicas;
      replicas[w] = event.replicas;
      snapshot(w, timeMs);
      const services = this.services.filter((service) => (this.serviceWorkloads[service.index] ?? []).includes(w));
      scaleChanges.push({ kind: 'scale', timeMs, workload, replicas: event.replicas, added, removed, services });
    }
    // Removed pods were replaced by their ended copies above; epochs must show the same objects.
    for (const epochs of workloadPods) {
      for (const [e, epoch] of epochs.entries()) epochs[e] = { fromMs: epoch.fromMs, items: epoch.items.map((pod) => pods[pod.index] ?? pod) };
    }
    return { pods, workloadPods, scaleChanges };
  }
}

/** The epoch in effect at `timeMs` (the last one starting at or before it). */
function epochAt<T>(epochs: readonly Epoch<T>[], timeMs: number): readonly T[] | undefined {
  let lo = 0;
  let hi = epochs.length - 1;
  let found: readonly T[] | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const epoch = epochs[mid];
    if (epoch === undefined) break;
    if (epoch.fromMs <= timeMs) {
      found = epoch.items;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The union of several workloads' epoch lists: one epoch per instant at which any of them changes. */
function mergeEpochs(lists: readonly (readonly Epoch<SimPod>[])[]): Epoch<SimPod>[] {
  if (lists.length === 1) return [...(lists[0] ?? [])];
  const times = [...new Set(lists.flatMap((list) => list.map((epoch) => epoch.fromMs)))].sort((a, b) => a - b);
  return times.map((fromMs) => ({ fromMs, items: lists.flatMap((list) => epochAt(list, fromMs) ?? []) }));
}

// Kubernetes' safe alphabet for generated names: no vowels (no words), no look-alikes (0/o, 1/l).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function encode(value: number, length: number): string {
  let out = '';
  let rest = value >>> 0;
  for (let i = 0; i < length; i++) {
    out += ALPHABET[rest % ALPHABET.length] ?? 'x';
    rest = Math.floor(rest / ALPHABET.length) + hash(rest, i, length, 7);
    rest >>>= 0;
  }
  return out;
}

function podTemplateHash(workload: SimWorkload): string {
  return encode(hashString(`${workload.namespace}/${workload.name}/template`), 10);
}

function podSuffix(workload: SimWorkload, ordinal: number, generation: number): string {
  return encode(hash(hashString(`${workload.namespace}/${workload.name}`), ordinal, generation, 0x90d), 5);
}

/** A stable UUID-shaped uid for a Kubernetes object, from its kind and name. */
function uid(key: string): string {
  const words = [0, 1, 2, 3].map((i) => hash(hashString(key), i, 0x01d, 0).toString(16).padStart(8, '0'));
  const hex = words.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
