import { VERDICTS } from '../domain/flow.ts';
import type { Verdict } from '../domain/flow.ts';
import type { FlowFilter } from '../hubble/get-flows-request.ts';

/** The filter flags of `isthmus observe`, each repeatable, as Hubble's CLI has them. */
export interface ObserveFilterFlags {
  readonly namespace: readonly string[];
  readonly pod: readonly string[];
  readonly verdict: readonly string[];
  readonly node: readonly string[];
  readonly port: readonly string[];
}

export type ObserveFilters = { readonly ok: true; readonly whitelist: FlowFilter[] } | { readonly ok: false; readonly message: string };

/**
 * The allow list the flags mean, built the way Hubble's CLI builds it: the "either side" flags (`--pod`,
 * `--namespace`, `--port`) make two filters, one for the source side and one for the destination side
 * (a flow matches either); `--verdict` and `--node` go into both. Repeating a flag gives alternatives.
 * `--namespace` alone keeps flows with a pod of that namespace at either end; with `--pod`, it is the
 * namespace of pod names given without one.
 */
export function observeFilters(flags: ObserveFilterFlags): ObserveFilters {
  for (const namespace of flags.namespace) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) return bad(`--namespace expects a Kubernetes namespace name, not "${namespace}"`);
  }
  for (const pod of flags.pod) if (pod === '' || pod.split('/').length > 2) return bad(`--pod expects POD or NAMESPACE/POD (a name prefix), not "${pod}"`);
  const verdicts: Verdict[] = [];
  for (const verdict of flags.verdict) {
    const upper = verdict.toUpperCase();
    const known = VERDICTS.find((name) => name === upper);
    if (known === undefined || known === 'VERDICT_UNKNOWN') return bad(`--verdict expects one of ${VERDICTS.slice(1).join(', ')}, not "${verdict}"`);
    verdicts.push(known);
  }
  for (const port of flags.port) if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535) return bad(`--port expects a port number 1–65535, not "${port}"`);
  for (const node of flags.node) if (node === '') return bad('--node expects a node name or pattern such as worker-*');

  const pods = flags.pod.length === 0 ? flags.namespace.map((namespace) => `${namespace}/`) : flags.pod.flatMap((pod) => (pod.includes('/') || flags.namespace.length === 0 ? [pod] : flags.namespace.map((namespace) => `${namespace}/${pod}`)));
  const common: FlowFilter = {
    ...(verdicts.length === 0 ? {} : { verdict: verdicts }),
    ...(flags.node.length === 0 ? {} : { node_name: [...flags.node] }),
  };
  const sided = pods.length > 0 || flags.port.length > 0;
  if (!sided) return { ok: true, whitelist: Object.keys(common).length === 0 ? [] : [common] };
  const source: FlowFilter = { ...common, ...(pods.length === 0 ? {} : { source_pod: pods }), ...(flags.port.length === 0 ? {} : { source_port: [...flags.port] }) };
  const destination: FlowFilter = { ...common, ...(pods.length === 0 ? {} : { destination_pod: pods }), ...(flags.port.length === 0 ? {} : { destination_port: [...flags.port] }) };
  return { ok: true, whitelist: [source, destination] };
}

function bad(message: string): ObserveFilters {
  return { ok: false, message };
}
