import { isDeepStrictEqual } from 'node:util';
import type { Simulation } from '../../simulator/start-simulation.ts';
import { policyColorSelector } from '../../simulator/vmanage/policy-color-selector.ts';
import type { PolicyEmulation } from '../../simulator/vmanage/policy-routes.ts';
import { nameOf } from '../../simulator/vmanage/policy-store.ts';
import type { StoredPolicyObject } from '../../simulator/vmanage/policy-store.ts';
import type { ActivePolicySnapshot } from '../../simulator/vmanage/policy-tasks.ts';
import type { PolicyOwnership } from '../../src/policy/policy-ownership.ts';

/** What vManage holds against what its controllers enforce, from Isthmus' point of view. */
export interface PolicyConvergence {
  /** The active policy's name, when one is active. */
  readonly activePolicy: string | undefined;
  /** Owned objects neither the active policy nor reached from it: what a crash may leave behind. */
  readonly orphans: readonly string[];
  /** Owned objects whose stored content is not what the controllers run: edited, never activated. */
  readonly unactivated: readonly string[];
  /** Per Service key (`namespace/name`) with a WAN path, the color the enforced policy gives its traffic. */
  readonly enforcedColors: Readonly<Record<string, string | undefined>>;
}

function descriptionOf(object: StoredPolicyObject): string | undefined {
  const description = object.body.policyDescription ?? object.body.description;
  return typeof description === 'string' ? description : undefined;
}

/**
 * Reads the emulator's store and the policy its controllers enforce now. A Service's enforced color
 * is the one the simulated fabric gives its traffic from a client site other than its pods' (the
 * simulator's own ground truth, tunnel states included).
 */
export function policyConvergence(simulation: Simulation, owner: PolicyOwnership): PolicyConvergence {
  const policy: PolicyEmulation = simulation.vmanage.emulator.policy;
  const now = simulation.clock.now();
  const snapshot: ActivePolicySnapshot | undefined = policy.effectiveAt(now);
  const owned = policy.store.all().filter((object) => owner.owns(nameOf(object.body), descriptionOf(object)));
  const orphans: string[] = [];
  const unactivated: string[] = [];
  for (const object of owned) {
    const enforced = object.id === snapshot?.policyId ? snapshot.body : snapshot?.objects.get(object.id)?.body;
    if (enforced === undefined) orphans.push(`${object.collection} ${nameOf(object.body)}`);
    else if (!isDeepStrictEqual(stripState(enforced), stripState(object.body))) unactivated.push(`${object.collection} ${nameOf(object.body)}`);
  }
  const selector = policyColorSelector(simulation.world, () => snapshot);
  const enforcedColors: Record<string, string | undefined> = {};
  for (const service of simulation.world.cluster.servicesAt(now)) {
    const serverSite = simulation.world.cluster.servicePodsAt(service.index, now)[0]?.node.site;
    const clientSite = simulation.world.fabric.sites.find((site) => site.id !== serverSite?.id);
    if (serverSite === undefined || clientSite === undefined) continue;
    enforcedColors[`${service.namespace}/${service.name}`] = selector(service, clientSite, serverSite, now);
  }
  return {
    activePolicy: snapshot?.policyName,
    orphans: orphans.sort(),
    unactivated: unactivated.sort(),
    enforcedColors,
  };
}

/** The fields vManage keeps as state beside the content. */
function stripState(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { isPolicyActivated: _activated, ...content } = body;
  return content;
}
