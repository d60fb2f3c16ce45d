import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { loadConfig } from '../../src/config/load-config.ts';
import type { LoadConfigResult } from '../../src/config/load-config.ts';
import type { KubeObject } from './rendered-manifests.ts';
import { onlyObjectOfKind, objectsOfKind } from './rendered-manifests.ts';

/** The bridge's container: the only one of the Deployment. */
export function bridgeContainer(objects: readonly KubeObject[]): IContainer {
  const containers = onlyObjectOfKind(objects, Deployment).spec?.template.spec?.containers ?? [];
  const [container] = containers;
  if (containers.length !== 1 || container === undefined) throw new Error(`expected one container, found ${containers.length}`);
  return container;
}

/** The value of `--config` in the container's arguments. */
export function configFileOf(container: IContainer): string {
  const args = [...(container.command ?? []), ...(container.args ?? [])];
  const file = args[args.indexOf('--config') + 1];
  if (!args.includes('--config') || file === undefined) throw new Error('the container is not given --config');
  return file;
}

/**
 * The files the container sees from its ConfigMap and Secret volumes, path → text, as the kubelet
 * would project them (every key, or the listed items).
 */
export function mountedFiles(objects: readonly KubeObject[]): ReadonlyMap<string, string> {
  const deployment = onlyObjectOfKind(objects, Deployment);
  const configMaps = objectsOfKind(objects, ConfigMap);
  const secrets = objectsOfKind(objects, Secret);
  const files = new Map<string, string>();
  for (const mount of bridgeContainer(objects).volumeMounts ?? []) {
    const volume = deployment.spec?.template.spec?.volumes?.find((candidate) => candidate.name === mount.name);
    let data: Readonly<Record<string, string>> = {};
    let items: readonly { key: string; path: string }[] | undefined;
    if (volume?.configMap !== undefined) {
      const name = volume.configMap.name;
      data = configMaps.find((configMap) => configMap.metadata?.name === name)?.data ?? {};
      items = volume.configMap.items;
    } else if (volume?.secret !== undefined) {
      const name = volume.secret.secretName;
      const secret = secrets.find((candidate) => candidate.metadata?.name === name);
      data = {
        ...Object.fromEntries(Object.entries(secret?.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')])),
        ...secret?.stringData,
      };
      items = volume.secret.items;
    }
    const projected = items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const item of projected) {
      const text = data[item.key];
      if (text !== undefined) files.set(`${mount.mountPath.replace(/\/$/, '')}/${item.path}`, text);
    }
  }
  return files;
}

/**
 * The variables the kubelet adds for every Service of the pod's namespace unless enableServiceLinks is
 * false: ISTHMUS_SERVICE_HOST and the like for a Service named isthmus, which the configuration loader
 * would read as ISTHMUS_* overrides.
 */
function serviceLinkEnv(objects: readonly KubeObject[]): Record<string, string> {
  const deployment = onlyObjectOfKind(objects, Deployment);
  if (deployment.spec?.template.spec?.enableServiceLinks === false) return {};
  const env: Record<string, string> = {};
  for (const service of objectsOfKind(objects, Service).filter((candidate) => candidate.metadata?.namespace === deployment.metadata?.namespace)) {
    const prefix = (service.metadata?.name ?? '').toUpperCase().replaceAll('-', '_');
    const port = service.spec?.ports?.[0]?.port ?? 0;
    env[`${prefix}_SERVICE_HOST`] = '10.96.0.10';
    env[`${prefix}_SERVICE_PORT`] = String(port);
    env[`${prefix}_PORT`] = `tcp://10.96.0.10:${port}`;
  }
  return env;
}

/** The container's environment as the kubelet would set it: service links, values and downward API fields. */
export function containerEnv(objects: readonly KubeObject[], podName = 'isthmus-7d9f8c6b5-x2x9q'): Record<string, string> {
  const deployment = onlyObjectOfKind(objects, Deployment);
  const fields: Readonly<Record<string, string>> = { 'metadata.name': podName, 'metadata.namespace': deployment.metadata?.namespace ?? '' };
  const env: Record<string, string> = serviceLinkEnv(objects);
  for (const variable of bridgeContainer(objects).env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    const value = variable.value ?? (fieldPath === undefined ? undefined : fields[fieldPath]);
    if (value === undefined) throw new Error(`${variable.name}: only values and metadata fields are understood here`);
    env[variable.name] = value;
  }
  return env;
}

export interface DeployedConfig {
  readonly file: string;
  readonly files: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string>>;
  readonly loaded: LoadConfigResult;
}

/** Loads the configuration the pod would run with: the mounted file, then the container's environment. */
export async function loadDeployedConfig(objects: readonly KubeObject[]): Promise<DeployedConfig> {
  const file = configFileOf(bridgeContainer(objects));
  const files = mountedFiles(objects);
  const env = containerEnv(objects);
  const readFile = (path: string): Promise<string> => {
    const text = files.get(path);
    return text === undefined ? Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })) : Promise.resolve(text);
  };
  const loaded = await loadConfig({ configPath: file, env, readFile });
  return { file, files, env, loaded };
}
