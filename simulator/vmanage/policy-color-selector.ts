import { COLORS } from '../../src/domain/color.ts';
import type { Color } from '../../src/domain/color.ts';
import type { SimService } from '../world/cluster.ts';
import type { SimSite } from '../world/fabric.ts';
import type { ColorSelector } from '../world/flow-generator.ts';
import type { World } from '../world/world.ts';
import { compileActivePolicy, ruleMatchesAddress } from './compile-active-policy.ts';
import type { CompiledPolicy, CompiledRule } from './compile-active-policy.ts';
import type { ActivePolicySnapshot } from './policy-tasks.ts';

const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

/**
 * The fabric enforcing a centralized policy: the color a Service's traffic takes from one site to
 * another at a time, from the policy the controllers enforced then (`effectiveAt`). A Service is
 * matched by its backends' addresses falling in a rule's destination prefixes, on one of its ports
 * (Service or target port) and protocol, for a client site the rule is applied at. A pin gives its
 * color; an app-route rule gives its first preferred color with a tunnel up between the two sites,
 * else its first backup color with one up, else no preference (the fabric load-balances).
 *
 * Called per connection: matches are cached per compiled policy and per backend set (the cluster
 * hands out one array per epoch of a Service's pods), so the steady cost is a few map lookups and
 * the tunnel-state checks.
 */
export function policyColorSelector(world: World, effectiveAt: (timeMs: number) => ActivePolicySnapshot | undefined): ColorSelector {
  const compiled = new WeakMap<ActivePolicySnapshot, CompiledPolicy>();
  const matches = new WeakMap<CompiledPolicy, WeakMap<SimService, WeakMap<object, readonly CompiledRule[]>>>();
  return (service, from, to, timeMs) => {
    const snapshot = effectiveAt(timeMs);
    if (snapshot === undefined) return undefined;
    let policy = compiled.get(snapshot);
    if (policy === undefined) {
      policy = compileActivePolicy(snapshot);
      compiled.set(snapshot, policy);
    }
    const pods = world.cluster.servicePodsAt(service.index, timeMs);
    let perService = matches.get(policy);
    if (perService === undefined) {
      perService = new WeakMap();
      matches.set(policy, perService);
    }
    let perPods = perService.get(service);
    if (perPods === undefined) {
      perPods = new WeakMap();
      perService.set(service, perPods);
    }
    let rules = perPods.get(pods);
    if (rules === undefined) {
      const ips = pods.map((pod) => pod.ip);
      rules = policy.rules.filter((rule) => servesService(rule, service) && ips.some((ip) => ruleMatchesAddress(rule, ip)));
      perPods.set(pods, rules);
    }
    for (const rule of rules) {
      if (!appliesAt(rule, from.id)) continue;
      if (rule.strict) return rule.preferred[0];
      return firstUp(world, rule.preferred, from, to, timeMs) ?? firstUp(world, rule.backup, from, to, timeMs);
    }
    return undefined;
  };
}

function servesService(rule: CompiledRule, service: SimService): boolean {
  return service.ports.some(
    (port) =>
      (rule.port === undefined || port.port === rule.port || port.targetPort === rule.port) &&
      (rule.protocol === undefined || PROTOCOL_NUMBERS[port.protocol] === rule.protocol),
  );
}

function appliesAt(rule: CompiledRule, siteId: number): boolean {
  return rule.sites.some(([low, high]) => siteId >= low && siteId <= high);
}

/** The first color with a same-color tunnel up between an edge of each site. */
function firstUp(world: World, colors: readonly Color[], from: SimSite, to: SimSite, timeMs: number): Color | undefined {
  const fabric = world.fabric;
  for (const color of colors) {
    const index = COLORS.indexOf(color);
    for (const local of from.devices) {
      for (const remote of to.devices) {
        const { start, count } = fabric.pairRange(local.index, remote.index);
        for (let i = start; i < start + count; i++) {
          const sameColor = fabric.tlocColor[fabric.tunnelLocalTloc[i] ?? -1] === index && fabric.tlocColor[fabric.tunnelRemoteTloc[i] ?? -1] === index;
          if (sameColor && world.tunnelState(i, timeMs) === 'up') return color;
        }
      }
    }
  }
  return undefined;
}
