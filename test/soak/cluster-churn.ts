import type { KubeObjectStore } from '../../simulator/kube/kube-object-store.ts';
import type { StoredObject } from '../../simulator/kube/kube-object.ts';

/** What one churn step did, for the report. */
export interface ChurnCounts {
  scaleUps: number;
  scaleDowns: number;
  sloEdits: number;
  pinEdits: number;
}

export interface ClusterChurn {
  /** One step: a Service's endpoints scale up or back down, and one annotation edit. */
  step(): void;
  readonly counts: Readonly<ChurnCounts>;
}

interface EndpointJson {
  readonly addresses: readonly string[];
  readonly nodeName?: string;
  readonly [field: string]: unknown;
}

/** Latencies the SLO edits cycle through (each a distinct SLA class, so classes come and go). */
const LATENCIES = ['40ms', '60ms', '90ms', '120ms'];
/** Extra pods a scale-up adds: addresses high in the node's pod CIDR, which the world never allocates. */
const EXTRA_PODS = 2;
const EXTRA_HOST = 200;

/**
 * Churn on the emulated API server, as `kubectl scale` and `kubectl annotate` would cause it: steps
 * alternate between Services, scaling one up (two more ready endpoints in its EndpointSlice) and back
 * down, and editing annotations — an SLO's max-latency cycling through values, and a pin set and
 * removed — so the bridge's inventory, intents, optimizer and policy push all see a stream of changes.
 * The world's own flows keep going to the world's pods; the extra endpoints only exist in the API.
 */
export function clusterChurn(store: KubeObjectStore, options: { readonly steered: readonly string[]; readonly pinned: string; readonly pinColor: string }): ClusterChurn {
  const counts: ChurnCounts = { scaleUps: 0, scaleDowns: 0, sloEdits: 0, pinEdits: 0 };
  const scaledUp = new Set<string>();
  let stepIndex = 0;

  const sliceOf = (key: string): StoredObject | undefined => {
    const [namespace = '', name = ''] = key.split('/');
    return store.list('EndpointSlice', namespace).find((slice) => slice.metadata.labels?.['kubernetes.io/service-name'] === name);
  };

  const scale = (key: string): void => {
    const slice = sliceOf(key);
    if (slice === undefined) return;
    const endpoints = Array.isArray(slice.endpoints) ? (slice.endpoints as EndpointJson[]) : [];
    const template = endpoints[0];
    const address = template?.addresses[0];
    if (template === undefined || address === undefined) return;
    const isExtra = (endpoint: EndpointJson) => endpoint.addresses.some((ip) => Number(ip.split('.')[3]) >= EXTRA_HOST);
    if (scaledUp.has(key)) {
      store.apply({ ...slice, endpoints: endpoints.filter((endpoint) => !isExtra(endpoint)) });
      scaledUp.delete(key);
      counts.scaleDowns++;
      return;
    }
    const prefix = address.split('.').slice(0, 3).join('.');
    const extra = Array.from({ length: EXTRA_PODS }, (_, i) => ({
      addresses: [`${prefix}.${EXTRA_HOST + i}`],
      conditions: { ready: true, serving: true, terminating: false },
      ...(template.nodeName === undefined ? {} : { nodeName: template.nodeName }),
    }));
    store.apply({ ...slice, endpoints: [...endpoints.filter((endpoint) => !isExtra(endpoint)), ...extra] });
    scaledUp.add(key);
    counts.scaleUps++;
  };

  const annotate = (key: string, change: (annotations: Record<string, string>) => void): void => {
    const [namespace = '', name = ''] = key.split('/');
    const service = store.get('Service', namespace, name);
    if (service === undefined) return;
    const annotations: Record<string, string> = { ...service.metadata.annotations };
    change(annotations);
    store.apply({ ...service, metadata: { ...service.metadata, annotations } });
  };

  return {
    counts,
    step: () => {
      const index = stepIndex++;
      const target = options.steered[index % options.steered.length];
      if (target !== undefined) scale(target);
      if (index % 2 === 0) {
        const edited = options.steered[Math.floor(index / 2) % options.steered.length];
        const latency = LATENCIES[Math.floor(index / 2) % LATENCIES.length] ?? '100ms';
        if (edited !== undefined) {
          annotate(edited, (annotations) => {
            annotations['isthmus.io/max-latency'] = latency;
          });
          counts.sloEdits++;
        }
      } else {
        annotate(options.pinned, (annotations) => {
          if (annotations['isthmus.io/tunnel'] === undefined) annotations['isthmus.io/tunnel'] = options.pinColor;
          else delete annotations['isthmus.io/tunnel'];
        });
        counts.pinEdits++;
      }
    },
  };
}
