import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Config } from '../../src/config/config-schema.ts';
import { parseHubbleAddress } from '../../src/hubble/hubble-address.ts';
import { parseListenAddress } from '../../src/telemetry/parse-listen-address.ts';
import { bridgeContainer, loadDeployedConfig } from './deployed-config.ts';
import { OVERLAYS, objectsOfKind, onlyObjectOfKind, renderOverlay } from './rendered-manifests.ts';
import type { KubeObject } from './rendered-manifests.ts';

/** The documentation ranges (RFC 5737) the base uses for addresses only a cluster's owner knows. */
const PLACEHOLDER_API_SERVER = '192.0.2.0/24';
const PLACEHOLDER_VMANAGE = '198.51.100.0/24';

const KUBE_SYSTEM = { 'kubernetes.io/metadata.name': 'kube-system' };

function policies(objects: readonly KubeObject[]) {
  const all = objectsOfKind(objects, NetworkPolicy);
  const defaultDeny = all.find((policy) => Object.keys(policy.spec?.podSelector?.matchLabels ?? {}).length === 0 && policy.spec?.podSelector?.matchExpressions === undefined);
  const bridge = all.find((policy) => policy !== defaultDeny);
  if (defaultDeny === undefined || bridge === undefined || all.length !== 2) throw new Error(`expected a default deny and the bridge's policy, found ${all.length} policies`);
  return { defaultDeny, bridge };
}

async function deployedConfig(objects: readonly KubeObject[]): Promise<Config> {
  const deployed = await loadDeployedConfig(objects);
  if (!deployed.loaded.ok) throw new Error('the deployed configuration does not load');
  return deployed.loaded.config;
}

function portsOf(rule: INetworkPolicyEgressRule): string[] {
  return (rule.ports ?? []).map((port) => `${port.protocol ?? 'TCP'}/${String(port.port)}`);
}

function ruleTo(rules: readonly INetworkPolicyEgressRule[], matches: (rule: INetworkPolicyEgressRule) => boolean, what: string): INetworkPolicyEgressRule {
  const found = rules.filter(matches);
  const [rule] = found;
  if (found.length !== 1 || rule === undefined) throw new Error(`expected one egress rule to ${what}, found ${found.length}`);
  return rule;
}

function toCidr(cidr: string) {
  return (rule: INetworkPolicyEgressRule): boolean => rule.to?.some((peer) => peer.ipBlock?.cidr === cidr) ?? false;
}

function toPods(namespaceLabels: Readonly<Record<string, string>>, podLabels: Readonly<Record<string, string>> | undefined) {
  return (rule: INetworkPolicyEgressRule): boolean =>
    rule.to?.some(
      (peer) =>
        JSON.stringify(peer.namespaceSelector?.matchLabels) === JSON.stringify(namespaceLabels) &&
        JSON.stringify(peer.podSelector?.matchLabels) === JSON.stringify(podLabels),
    ) ?? false;
}

function urlPort(url: string): string {
  const parsed = new URL(url);
  return parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
}

describe.each(OVERLAYS)('the NetworkPolicies of deploy/overlays/%s', (overlay) => {
  it('deny everything in the namespace by default, both ways', async () => {
    const { defaultDeny } = policies(await renderOverlay(overlay));
    expect(defaultDeny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('let in only the HTTP port of the bridge', async () => {
    const objects = await renderOverlay(overlay);
    const { bridge } = policies(objects);
    const podLabels = onlyObjectOfKind(objects, Deployment).spec?.template.metadata?.labels;
    expect(Object.entries(bridge.spec?.podSelector?.matchLabels ?? {}).every(([key, value]) => podLabels?.[key] === value)).toBe(true);
    expect(bridge.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    const httpPort = bridgeContainer(objects).ports?.find((port) => port.name === 'http')?.containerPort;
    expect(httpPort).toBe(parseListenAddress((await deployedConfig(objects)).telemetry.listen).port);
    expect(bridge.spec?.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
  });

  it('let out only DNS, the API server, Hubble Relay, vManage and the OTLP collector, each on its port', async () => {
    const objects = await renderOverlay(overlay);
    const { bridge } = policies(objects);
    const config = await deployedConfig(objects);
    const egress = bridge.spec?.egress ?? [];
    expect(egress).toHaveLength(5);
    for (const rule of egress) expect(rule.ports?.length, JSON.stringify(rule)).toBeGreaterThan(0);

    expect(portsOf(ruleTo(egress, toPods(KUBE_SYSTEM, { 'k8s-app': 'kube-dns' }), 'DNS')).sort()).toEqual(['TCP/53', 'UDP/53']);
    expect(portsOf(ruleTo(egress, toCidr(PLACEHOLDER_API_SERVER), 'the API server'))).toEqual(['TCP/443', 'TCP/6443']);

    // hubble.address names Relay's Service; policies see the pods' port, Relay's own (the schema's default).
    expect(config.hubble.address).toMatch(/^hubble-relay\.kube-system\.svc[.:]/);
    const defaults = await loadConfig({ env: {}, sets: ['vmanage.enabled=false'], readFile: () => Promise.reject(new Error('no file')) });
    if (!defaults.ok) throw new Error(`the defaults do not validate: ${defaults.problems.map((problem) => problem.message).join('; ')}`);
    const relayPort = parseHubbleAddress(defaults.config.hubble.address).target.split(':').at(-1);
    expect(portsOf(ruleTo(egress, toPods(KUBE_SYSTEM, { 'k8s-app': 'hubble-relay' }), 'Hubble Relay'))).toEqual([`TCP/${relayPort ?? ''}`]);

    expect(config.vmanage.url).toBeDefined();
    expect(portsOf(ruleTo(egress, toCidr(PLACEHOLDER_VMANAGE), 'vManage'))).toEqual([`TCP/${urlPort(config.vmanage.url ?? '')}`]);

    const otlp = new URL(config.telemetry.otlp?.endpoint ?? 'http://missing');
    const [, collectorNamespace] = otlp.hostname.split('.');
    const collector = ruleTo(egress, toPods({ 'kubernetes.io/metadata.name': collectorNamespace ?? '' }, undefined), 'the OTLP collector');
    expect(portsOf(collector)).toEqual([`TCP/${urlPort(otlp.href)}`]);
  });

  it('mark the addresses to patch as placeholders, in ranges that match nothing real', async () => {
    const { bridge } = policies(await renderOverlay(overlay));
    const cidrs = (bridge.spec?.egress ?? []).flatMap((rule) => rule.to ?? []).flatMap((peer) => (peer.ipBlock === undefined ? [] : [peer.ipBlock.cidr]));
    expect(cidrs.sort()).toEqual([PLACEHOLDER_API_SERVER, PLACEHOLDER_VMANAGE]);
  });
});
