import type { KubeConfig } from '@kubernetes/client-node';
import type { TenancyConfig } from '../domain/tenancy.ts';
import { EventRecorder, namespaceReference, serviceReference } from '../kube/event-recorder.ts';
import { createEventSink } from '../kube/event-sink.ts';
import { createKubeInformers } from '../kube/kube-informers.ts';
import type { InformerEvent } from '../kube/kube-informer.ts';
import type { KubeInformers } from '../kube/kube-informers.ts';
import { ServiceIntents } from '../kube/service-intents.ts';
import type { SiteRange } from '../kube/site-placer.ts';
import type { LogPort } from '../vmanage/log-port.ts';

export interface KubePartsOptions {
  readonly kubeConfig: KubeConfig;
  readonly siteLabel?: string;
  readonly siteRanges?: readonly SiteRange[];
  readonly resyncIntervalMs?: number;
  readonly tenancy: TenancyConfig;
  /** Who writes the Events (the pod name in a cluster). */
  readonly reportingInstance: string;
  readonly logger: LogPort;
  /** Lists, watch ends and failed requests of the informers (`isthmus_kube_*` metrics). */
  readonly onInformerEvent?: (event: InformerEvent) => void;
}

export interface KubeParts {
  readonly informers: KubeInformers;
  readonly intents: ServiceIntents;
  readonly recorder: EventRecorder;
  /** Stops the informers and writes the Events still queued. */
  stop(): Promise<void>;
}

/**
 * The Kubernetes side of the bridge: the four informers (started), the Services' intents over them, and
 * the recorder that tells owners about bad annotations and clipped requests through Events.
 */
export function startKubeParts(options: KubePartsOptions): KubeParts {
  const informers = createKubeInformers({
    kubeConfig: options.kubeConfig,
    ...(options.siteLabel === undefined ? {} : { siteLabel: options.siteLabel }),
    ...(options.siteRanges === undefined ? {} : { siteRanges: options.siteRanges }),
    ...(options.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: options.resyncIntervalMs }),
    ...(options.onInformerEvent === undefined ? {} : { onEvent: options.onInformerEvent }),
  });
  const recorder = new EventRecorder({ sink: createEventSink(options.kubeConfig), reportingInstance: options.reportingInstance, log: options.logger });
  const intents = new ServiceIntents({
    services: informers.services,
    namespaces: informers.namespaces,
    tenancy: options.tenancy,
    onProblems: (service, problems) => {
      recorder.recordProblems(serviceReference(service), problems);
    },
    onNamespaceProblems: (namespace, problems) => {
      recorder.recordProblems(namespaceReference(namespace), problems);
    },
  });
  informers.start();
  return {
    informers,
    intents,
    recorder,
    stop: async () => {
      await informers.stop();
      await recorder.flush();
    },
  };
}
