import { COLORS } from '../../src/domain/color.ts';
import type { Color } from '../../src/domain/color.ts';
import type { FlowEndpoint } from '../../src/domain/flow.ts';
import type { Cluster, SimPod, SimService } from './cluster.ts';
import type { Fabric, SimDevice, SimSite, SimTunnel } from './fabric.ts';
import { hash, hashBucket, unit } from './hash.ts';
import { poisson } from './poisson.ts';
import type { Scenario } from './scenario.ts';
import type { SimFlow, SimHttp } from './sim-flow.ts';
import type { TunnelModel } from './tunnel-model.ts';
import { emptySample } from './tunnel-model.ts';

/**
 * Which color a Service's traffic between two sites takes at a time: what an app-aware routing policy
 * decides. Undefined means no preference (the fabric load-balances over every tunnel that is up).
 */
export type ColorSelector = (service: SimService, from: SimSite, to: SimSite, timeMs: number) => Color | undefined;

export interface FlowQuery {
  /** Only records observed by this node (Hubble's per-node view). */
  readonly nodeName?: string;
}

/** Flows are generated per traffic entry in buckets of this length. */
export const FLOW_BUCKET_MS = 1000;
/** L7 latencies are capped here (the response is a 504 at the cap), which bounds how far back a window looks. */
export const MAX_L7_LATENCY_MS = 2000;
const LOOKBACK_BUCKETS = Math.ceil(MAX_L7_LATENCY_MS / FLOW_BUCKET_MS);
/** Buckets per sorted chunk: larger amortises the look-back, smaller yields sooner and holds less. */
const CHUNK_BUCKETS = 10;
const NS_PER_MS = 1_000_000;
const NS_PER_MS_BIG = 1_000_000n;
const REQUEST_PROXY_DELAY_NS = 150_000;
const TCP_RTO_MS = 200;
const SALT_COUNT = 0xc0;
const SALT_COUNT_2 = 0xc1;
const SALT_CONNECTION = 0xc2;

interface TrafficPlan {
  readonly index: number;
  readonly workload: number;
  readonly service: SimService;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly perBucket: number;
  readonly dropRatio: number;
  readonly httpRatio: number;
  readonly method: string;
  readonly url: string;
  /** HTTP parts are immutable and few per entry (one request, one response per status), so shared. */
  readonly request: SimHttp;
  readonly responses: ReadonlyMap<number, SimHttp>;
}

/** One connection being turned into records. */
interface Connection {
  readonly plan: TrafficPlan;
  readonly client: SimPod;
  readonly backend: SimPod | undefined;
  readonly tunnels: readonly SimTunnel[];
  /** The connection's hash: every further draw is derived from it. */
  readonly c: number;
  readonly bucketMs: number;
  readonly bucketNs: bigint;
  readonly clientEnd: FlowEndpoint;
  readonly backendEnd: FlowEndpoint;
}

/**
 * The cluster's traffic as a pure function of (seed, scenario, time): for each traffic entry and each
 * one-second bucket, a Poisson number of connections whose every attribute (time within the bucket,
 * client pod, backend pod, source port, drop, HTTP, WAN path) is a hash of (seed, entry, bucket,
 * connection). Any window can be generated on its own, in any order, with the same result.
 *
 * Each connection yields an L3/L4 record at its start (at the client's node, EGRESS; a policy drop is
 * seen at the backend's node, INGRESS); an HTTP connection also yields an L7 REQUEST and, one latency
 * later, an L7 RESPONSE (backend → client, `isReply`) carrying the latency: the Service's response time
 * plus the round trip of every tunnel crossed, plus a TCP retransmission when the path loses the packet.
 */
export class FlowGenerator {
  readonly #fabric: Fabric;
  readonly #cluster: Cluster;
  readonly #model: TunnelModel;
  readonly #seed: number;
  readonly #startMs: number;
  readonly #plans: readonly TrafficPlan[];
  readonly #hubDevices: readonly SimDevice[];
  readonly #scratch = emptySample();
  readonly #endpoints = new Map<number, FlowEndpoint>();
  #selector: ColorSelector | undefined;

  constructor(scenario: Scenario, fabric: Fabric, cluster: Cluster, model: TunnelModel, seed: number) {
    this.#fabric = fabric;
    this.#cluster = cluster;
    this.#model = model;
    this.#seed = seed;
    this.#startMs = scenario.startMs;
    this.#hubDevices = scenario.topology === 'hub-and-spoke' ? fabric.devices.filter((device) => device.site.hub) : [];
    this.#plans = scenario.traffic.flatMap((entry, index): TrafficPlan[] => {
      const workload = cluster.workloadIndex(entry.from);
      const serviceIndex = cluster.serviceIndex(entry.to);
      const service = serviceIndex === undefined ? undefined : cluster.services[serviceIndex];
      const port = service?.ports.find((candidate) => candidate.port === entry.port);
      if (workload === undefined || service === undefined || port === undefined) return [];
      const url = `http://${service.name}.${service.namespace}.svc.cluster.local${port.port === 80 ? '' : `:${port.port}`}${entry.path}`;
      return [
        {
          index,
          workload,
          service,
          port: port.port,
          // A named target port resolves to the container port of the same name; the simulator's pods
          // expose the Service port under it.
          targetPort: typeof port.targetPort === 'number' ? port.targetPort : port.port,
          protocol: port.protocol,
          perBucket: (entry.rate * FLOW_BUCKET_MS) / 1000,
          dropRatio: entry.dropRatio,
          httpRatio: port.protocol === 'TCP' ? entry.httpRatio : 0,
          method: entry.method,
          url,
          request: httpRecord('REQUEST', entry.method, url, 0),
          responses: new Map([200, 500, 503, 504].map((code) => [code, httpRecord('RESPONSE', entry.method, url, code)])),
        },
      ];
    });
  }

  setColorSelector(selector: ColorSelector | undefined): void {
    this.#selector = selector;
  }

  /** Records with fromMs ≤ time < toMs, in time order. Lazy: memory is one chunk (10 s) of records. */
  *between(fromMs: number, toMs: number, query: FlowQuery = {}): Generator<SimFlow, void, undefined> {
    if (!(toMs > fromMs)) return;
    const firstBucket = Math.floor((fromMs - this.#startMs) / FLOW_BUCKET_MS);
    // The last bucket that starts before toMs (toMs itself is excluded).
    const lastBucket = Math.ceil((toMs - this.#startMs) / FLOW_BUCKET_MS) - 1;
    for (let chunk = firstBucket; chunk <= lastBucket; chunk += CHUNK_BUCKETS) {
      const chunkLast = Math.min(lastBucket, chunk + CHUNK_BUCKETS - 1);
      const originMs = this.#startMs + chunk * FLOW_BUCKET_MS;
      const windowFrom = Math.max(fromMs, originMs);
      const windowTo = Math.min(toMs, this.#startMs + (chunkLast + 1) * FLOW_BUCKET_MS);
      const records: SimFlow[] = [];
      const keys: number[] = [];
      for (const plan of this.#plans) {
        for (let bucket = chunk - LOOKBACK_BUCKETS; bucket <= chunkLast; bucket++) {
          this.#bucket(plan, bucket, windowFrom, windowTo, originMs, query.nodeName, records, keys);
        }
      }
      // Sort by exact nanoseconds from the chunk origin; ties keep generation order (stable sort).
      const order = Array.from(records.keys()).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0));
      for (const i of order) {
        const record = records[i];
        if (record !== undefined) yield record;
      }
    }
  }

  #bucket(plan: TrafficPlan, bucket: number, windowFrom: number, windowTo: number, originMs: number, nodeName: string | undefined, records: SimFlow[], keys: number[]): void {
    const seed = this.#seed;
    const count = poisson(plan.perBucket, unit(hashBucket(seed, plan.index, bucket, SALT_COUNT)), unit(hashBucket(seed, plan.index, bucket, SALT_COUNT_2)));
    if (count === 0) return;
    const bucketMs = this.#startMs + bucket * FLOW_BUCKET_MS;
    const base = hashBucket(seed, plan.index, bucket, SALT_CONNECTION);
    const bucketNs = FLOW_BUCKET_MS * NS_PER_MS;
    for (let m = 0; m < count; m++) {
      const c = hash(base, m, 0x5eed, 0);
      const offsetNs = Math.floor(unit(hash(c, 0, 0, 0)) * bucketNs);
      const startMs = bucketMs + offsetNs / NS_PER_MS;
      const isHttp = unit(hash(c, 5, 0, 0)) < plan.httpRatio;
      // Nothing of this connection can fall in the window: skip it before any allocation.
      if (startMs >= windowTo || startMs + (isHttp ? MAX_L7_LATENCY_MS : 0) < windowFrom) continue;
      const clients = this.#cluster.workloadPodsAt(plan.workload, startMs);
      const client = clients[Math.floor(unit(hash(c, 1, 0, 0)) * clients.length)];
      if (client === undefined) continue;
      const backends = this.#cluster.servicePodsAt(plan.service.index, startMs);
      const backend = backends[Math.floor(unit(hash(c, 2, 0, 0)) * backends.length)];
      const sourcePort = 32_768 + Math.floor(unit(hash(c, 3, 0, 0)) * 28_232);
      const dropped = backend === undefined || unit(hash(c, 4, 0, 0)) < plan.dropRatio;
      const tunnels = backend === undefined ? [] : this.#route(plan.service, client, backend, startMs, c);
      const keyBase = (bucketMs - originMs) * NS_PER_MS + offsetNs;
      // The three records of a connection share its endpoint objects; backend endpoints are cached.
      const clientEnd = podEndpoint(client, sourcePort);
      const backendEnd = backend === undefined ? serviceEndpoint(plan.service, plan.port) : this.#podEndpoint(backend, plan.targetPort);
      const connection: Connection = { plan, client, backend, tunnels, c, bucketMs, bucketNs: BigInt(bucketMs) * NS_PER_MS_BIG, clientEnd, backendEnd };

      if (startMs >= windowFrom) {
        const atBackend = dropped && backend !== undefined;
        const observer = atBackend ? backend.node.name : client.node.name;
        if (nodeName === undefined || nodeName === observer) {
          const reason = backend === undefined ? 'SERVICE_BACKEND_NOT_FOUND' : dropped ? 'POLICY_DENIED' : '';
          records.push(record(connection, offsetNs, 1, observer, dropped ? 'DROPPED' : 'FORWARDED', reason, clientEnd, backendEnd, atBackend ? 'INGRESS' : 'EGRESS', false, undefined, 'L3_L4', undefined));
          keys.push(keyBase);
        }
      }
      if (!isHttp || dropped) continue;
      if (nodeName !== undefined && nodeName !== client.node.name) continue;
      const requestNs = offsetNs + REQUEST_PROXY_DELAY_NS;
      if (startMs + REQUEST_PROXY_DELAY_NS / NS_PER_MS >= windowFrom && startMs + REQUEST_PROXY_DELAY_NS / NS_PER_MS < windowTo) {
        records.push(record(connection, requestNs, 2, client.node.name, 'FORWARDED', '', clientEnd, backendEnd, 'EGRESS', false, undefined, 'L7', plan.request));
        keys.push(keyBase + REQUEST_PROXY_DELAY_NS);
      }
      const { latencyMs, code } = this.#exchange(plan.service, tunnels, startMs, c);
      const responseNs = offsetNs + Math.round(latencyMs * NS_PER_MS);
      const responseMs = bucketMs + responseNs / NS_PER_MS;
      if (responseMs >= windowFrom && responseMs < windowTo) {
        // The reply travels backend → client; the client's proxy reports it with the latency.
        const http = plan.responses.get(code) ?? httpRecord('RESPONSE', plan.method, plan.url, code);
        records.push(record(connection, responseNs, 3, client.node.name, 'FORWARDED', '', backendEnd, clientEnd, 'EGRESS', true, latencyMs / 1000, 'L7', http));
        keys.push((bucketMs - originMs) * NS_PER_MS + responseNs);
      }
    }
  }

  /** A pod's endpoint at a port; cached, since backends and their ports are few and records many. */
  #podEndpoint(pod: SimPod, port: number): FlowEndpoint {
    const key = pod.index * 65_536 + port;
    let endpoint = this.#endpoints.get(key);
    if (endpoint === undefined) {
      endpoint = podEndpoint(pod, port);
      this.#endpoints.set(key, endpoint);
    }
    return endpoint;
  }

  /** Response latency and status of an HTTP exchange started at `startMs` over `tunnels`. */
  #exchange(service: SimService, tunnels: readonly SimTunnel[], startMs: number, c: number): { latencyMs: number; code: number } {
    // Server time varies ±35% around the Service's response time (a triangular spread).
    const spread = unit(hash(c, 10, 0, 0)) + unit(hash(c, 11, 0, 0)) - 1;
    let latencyMs = service.responseTimeMs * (1 + 0.35 * spread);
    let worstLoss = 0;
    let down = false;
    for (const tunnel of tunnels) {
      const sample = this.#model.sampleInto(tunnel.index, startMs, this.#scratch);
      if (sample.state === 'down') down = true;
      latencyMs += sample.latencySeconds * 1000;
      worstLoss = Math.max(worstLoss, sample.lossRatio);
    }
    if (down) return { latencyMs: 1000, code: 503 };
    if (unit(hash(c, 12, 0, 0)) < worstLoss) latencyMs += TCP_RTO_MS * (1 + unit(hash(c, 13, 0, 0)));
    if (latencyMs >= MAX_L7_LATENCY_MS) return { latencyMs: MAX_L7_LATENCY_MS, code: 504 };
    return { latencyMs, code: unit(hash(c, 14, 0, 0)) < service.errorRatio ? 500 : 200 };
  }

  /**
   * The WAN path from the client's site to the backend's: one tunnel between an edge of each (two through
   * a hub when the sites share none). The selector's color wins when one of its tunnels is up; otherwise
   * any up tunnel (equal-cost load balancing, as the fabric does by default); a dead path is still a path.
   */
  #route(service: SimService, client: SimPod, backend: SimPod, timeMs: number, c: number): readonly SimTunnel[] {
    const from = client.node.site;
    const to = backend.node.site;
    if (from === undefined || to === undefined || from === to) return [];
    const color = this.#selector?.(service, from, to, timeMs);
    const colorIndex = color === undefined ? -1 : COLORS.indexOf(color);
    const local = from.devices[Math.floor(unit(hash(c, 6, 0, 0)) * from.devices.length)];
    const remote = to.devices[Math.floor(unit(hash(c, 7, 0, 0)) * to.devices.length)];
    if (local === undefined || remote === undefined) return [];
    const direct = this.#pick(local.index, remote.index, colorIndex, timeMs, unit(hash(c, 8, 0, 0)));
    if (direct !== undefined) return [direct];
    const hub = this.#hubDevices[Math.floor(unit(hash(c, 9, 0, 0)) * this.#hubDevices.length)];
    if (hub === undefined) return [];
    const first = this.#pick(local.index, hub.index, colorIndex, timeMs, unit(hash(c, 8, 0, 0)));
    if (first === undefined) return [];
    // The hub forwards on the color the traffic came in on when it can.
    const inbound = this.#fabric.tlocColor[this.#fabric.tunnelRemoteTloc[first.index] ?? 0] ?? -1;
    const second = this.#pick(hub.index, remote.index, colorIndex >= 0 ? colorIndex : inbound, timeMs, unit(hash(c, 8, 1, 0)));
    return second === undefined ? [] : [first, second];
  }

  /** One tunnel of a device pair: preferred color if up, else any up, else any; chosen by `roll`. */
  #pick(localDevice: number, remoteDevice: number, colorIndex: number, timeMs: number, roll: number): SimTunnel | undefined {
    const { start, count } = this.#fabric.pairRange(localDevice, remoteDevice);
    if (count === 0) return undefined;
    const fabric = this.#fabric;
    const model = this.#model;
    const preferred = (i: number) =>
      colorIndex >= 0 && fabric.tlocColor[fabric.tunnelLocalTloc[i] ?? 0] === colorIndex && fabric.tlocColor[fabric.tunnelRemoteTloc[i] ?? 0] === colorIndex && !model.isDown(i, timeMs);
    const up = (i: number) => !model.isDown(i, timeMs);
    const any = () => true;
    for (const accept of colorIndex >= 0 ? [preferred, up, any] : [up, any]) {
      let matching = 0;
      for (let i = start; i < start + count; i++) if (accept(i)) matching++;
      if (matching === 0) continue;
      let chosen = Math.floor(roll * matching);
      for (let i = start; i < start + count; i++) {
        if (!accept(i)) continue;
        if (chosen === 0) return fabric.tunnels[i];
        chosen--;
      }
    }
    return undefined;
  }
}

/** One flow record; positional, since it is built hundreds of thousands of times a second. */
function record(
  connection: Connection,
  offsetNs: number,
  kind: number,
  nodeName: string,
  verdict: SimFlow['verdict'],
  dropReason: string,
  source: FlowEndpoint,
  destination: FlowEndpoint,
  trafficDirection: SimFlow['trafficDirection'],
  isReply: boolean,
  l7LatencySeconds: number | undefined,
  type: SimFlow['type'],
  http: SimHttp | undefined,
): SimFlow {
  const { plan, client, backend, tunnels } = connection;
  return {
    timeNs: connection.bucketNs + BigInt(offsetNs),
    timeMs: connection.bucketMs + offsetNs / NS_PER_MS,
    uuid: flowUuid(connection.c, kind),
    nodeName,
    verdict,
    dropReason,
    protocol: plan.protocol,
    source,
    destination,
    trafficDirection,
    isReply,
    l7LatencySeconds,
    type,
    http,
    service: plan.service,
    traffic: plan.index,
    client,
    backend,
    sourceSiteId: client.node.site?.id,
    destinationSiteId: backend?.node.site?.id,
    tunnels,
    color: tunnels[0]?.local.color,
  };
}

function httpRecord(type: SimHttp['type'], method: string, url: string, code: number): SimHttp {
  return { type, method, url, code, protocol: 'HTTP/1.1' };
}

function podEndpoint(pod: SimPod, port: number): FlowEndpoint {
  return {
    ip: pod.ip,
    port,
    namespace: pod.namespace,
    podName: pod.name,
    identity: pod.workload.identity,
    labels: pod.workload.flowLabels,
    serviceName: '',
    serviceNamespace: '',
  };
}

/** A connection to a Service with no endpoint never left its ClusterIP; Hubble resolves that frontend. */
function serviceEndpoint(service: SimService, port: number): FlowEndpoint {
  return {
    ip: service.clusterIps[0] ?? '',
    port,
    namespace: service.namespace,
    podName: '',
    identity: 0,
    labels: [],
    serviceName: service.name,
    serviceNamespace: service.namespace,
  };
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight hex digits of a 32-bit word, by table (this runs for every record). */
function hex8(word: number): string {
  return (HEX_BYTE[(word >>> 24) & 0xff] ?? '') + (HEX_BYTE[(word >>> 16) & 0xff] ?? '') + (HEX_BYTE[(word >>> 8) & 0xff] ?? '') + (HEX_BYTE[word & 0xff] ?? '');
}

/** A version-4-shaped UUID from the connection hash and the record kind: unique and reproducible. */
function flowUuid(c: number, kind: number): string {
  const a = hex8(hash(c, kind, 1, 0x0d));
  const b = hex8(hash(c, kind, 2, 0x0d));
  const d = hex8(hash(c, kind, 3, 0x0d));
  const e = hex8(hash(c, kind, 4, 0x0d));
  // Version nibble 4; variant nibble 8–b.
  const variant = '89ab'[Number.parseInt(d.charAt(0), 16) & 3] ?? '8';
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${d.slice(1, 4)}-${d.slice(4, 8)}${e}`;
}
