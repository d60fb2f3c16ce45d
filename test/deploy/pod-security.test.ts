import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../src/telemetry/parse-listen-address.ts';
import { bridgeContainer, loadDeployedConfig } from './deployed-config.ts';
import { NAMESPACE, OVERLAYS, onlyObjectOfKind, renderOverlay } from './rendered-manifests.ts';
import { runtimeUser } from './dockerfile.ts';

/** Volume types the restricted Pod Security Standard admits. */
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** The default of the bridge's bounded shutdown (shutdownTimeout). */
const SHUTDOWN_TIMEOUT_SECONDS = 10;

async function podOf(overlay: (typeof OVERLAYS)[number]) {
  const objects = await renderOverlay(overlay);
  const spec = onlyObjectOfKind(objects, Deployment).spec?.template.spec;
  if (spec === undefined) throw new Error('the Deployment has no pod template');
  return { objects, spec, container: bridgeContainer(objects) };
}

describe.each(OVERLAYS)('the pod of deploy/overlays/%s', (overlay) => {
  it('meets the restricted Pod Security Standard', async () => {
    const { spec, container } = await podOf(overlay);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    expect(spec.hostIPC ?? false).toBe(false);
    for (const volume of spec.volumes ?? []) {
      const types = Object.keys(volume).filter((key) => key !== 'name');
      expect(types.every((type) => RESTRICTED_VOLUME_TYPES.has(type)), `volume ${volume.name}: ${types.join(', ')}`).toBe(true);
    }
    const context = container.securityContext;
    expect(context).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(context?.capabilities?.add ?? []).toEqual([]);
    expect(context?.privileged ?? false).toBe(false);
    expect(container.ports?.every((port) => port.hostPort === undefined)).toBe(true);
  });

  it('runs as the image’s numeric non-root user', async () => {
    const { spec, container } = await podOf(overlay);
    const user = container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
    expect(user).toBeGreaterThan(0);
    expect(user).toBe(runtimeUser().uid);
  });

  it('probes /healthz for liveness and /readyz for readiness on the port the bridge listens on', async () => {
    const { objects, container } = await podOf(overlay);
    const config = (await loadDeployedConfig(objects)).loaded;
    if (!config.ok) throw new Error('the configuration does not load');
    const listenPort = parseListenAddress(config.config.telemetry.listen).port;
    const portNamed = (name: number | string | undefined): number | undefined =>
      typeof name === 'number' ? name : container.ports?.find((port) => port.name === name)?.containerPort;
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(portNamed(probe?.httpGet?.port)).toBe(listenPort);
    }
  });

  it('has resource requests and limits for CPU and memory', async () => {
    const { spec } = await podOf(overlay);
    for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
      expect(Object.keys(container.resources?.requests ?? {}).sort(), container.name).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources?.limits ?? {}).sort(), container.name).toEqual(['cpu', 'memory']);
    }
  });

  it('gives the bounded shutdown room before the kill', async () => {
    const { spec } = await podOf(overlay);
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(2 * SHUTDOWN_TIMEOUT_SECONDS);
  });

  it('keeps Service links out of the environment, where ISTHMUS_* variables are configuration', async () => {
    const { spec } = await podOf(overlay);
    expect(spec.enableServiceLinks).toBe(false);
  });

  it('is in a namespace that enforces the restricted profile', async () => {
    const { objects } = await podOf(overlay);
    const namespace = onlyObjectOfKind(objects, Namespace);
    expect(namespace.metadata?.name).toBe(NAMESPACE);
    expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
