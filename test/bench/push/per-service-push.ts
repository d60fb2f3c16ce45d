/**
 * The per-Service push baseline, as the l7mp `sdwan-operator` does it (reference hubble.md §15.1,
 * vmanage.md §6–7): for every changed Service, deactivate the centralized policy and wait for the task,
 * upsert the Service's data-prefix list, read the app-route definition, write it back with the
 * Service's sequences changed, activate and wait again. It runs through the same session and policy
 * client as Isthmus, against the same emulator endpoints, on objects Isthmus bootstrapped.
 *
 * One difference is in the baseline's favour: it waits for tasks by polling `device/action/status/tasks`
 * at Isthmus' poll interval, where the operator polls every 100 ms.
 */
import type { FakeClock } from '../../../test/vmanage/fake-time.ts';
import type { DesiredServicePolicy } from '../../../src/policy/policy-document.ts';
import type { VmanagePolicyClient } from '../../../src/policy/vmanage-policy-client.ts';

export interface PerServicePushOptions {
  readonly client: VmanagePolicyClient;
  readonly clock: FakeClock;
  readonly taskPollIntervalMs: number;
  readonly clusterName: string;
  /** Called after each Service, so that calls can be counted before the emulator's log turns over. */
  readonly afterService?: () => void;
}

export interface PerServicePushResult {
  /** Simulated time the centralized policy was deactivated, summed over the Services. */
  readonly inactiveMs: number;
}

export async function perServicePush(changed: readonly DesiredServicePolicy[], options: PerServicePushOptions): Promise<PerServicePushResult> {
  const { client, clock, clusterName } = options;
  // Cached once at start, as the operator does.
  const prefix = `isthmus-${clusterName}_`;
  const [policy] = await client.list('vsmart', (name) => name === `${prefix}policy`);
  const [appRoute] = await client.list('appRoute', (name) => name === `${prefix}aar`);
  const lists = new Map((await client.list('dataPrefix', (name) => name.startsWith(prefix))).map((list) => [list.name, list]));
  if (policy === undefined || appRoute === undefined) throw new Error('the baseline edits the objects Isthmus bootstrapped; push once first');

  const waitForTasks = async (): Promise<void> => {
    for (;;) {
      clock.advance(options.taskPollIntervalMs);
      if ((await client.runningTasks()).length === 0) return;
    }
  };

  let inactiveMs = 0;
  for (const service of changed) {
    const deactivatedAt = clock.now();
    await client.deactivate(policy.id);
    await waitForTasks();

    const suffix = service.key.replace('/', '_');
    const list = lists.get(`${prefix}dp4_${suffix}`);
    if (list === undefined) throw new Error(`no data-prefix list for ${service.key}`);
    const entries = service.endpoints.filter((endpoint) => endpoint.ready).map((endpoint) => ({ ipPrefix: `${endpoint.ip}/32` }));
    await client.update('dataPrefix', list.id, { ...list.body, entries });

    const definition = await client.read('appRoute', appRoute.id);
    if (definition === undefined) throw new Error('the app-route definition is gone');
    const sequences = (definition.body.sequences as readonly AppRouteSequence[]).map((sequence) => (sequence.sequenceName.startsWith(`${suffix}-`) ? withColor(sequence, service.color) : sequence));
    await client.update('appRoute', appRoute.id, { ...definition.body, sequences });

    await client.activate(policy.id, false);
    await waitForTasks();
    inactiveMs += clock.now() - deactivatedAt;
    options.afterService?.();
  }
  return { inactiveMs };
}

interface AppRouteSequence {
  readonly sequenceName: string;
  readonly actions: readonly { readonly type: string; readonly parameter: unknown }[];
}

/** The sequence steering to `color`: the SLA class' preferred color and the backup color. */
function withColor(sequence: AppRouteSequence, color: string): AppRouteSequence {
  return {
    ...sequence,
    actions: sequence.actions.map((action) => {
      if (action.type === 'backupSlaPreferredColor') return { ...action, parameter: color };
      if (action.type !== 'slaClass' || !Array.isArray(action.parameter)) return action;
      return { ...action, parameter: (action.parameter as readonly { readonly field: string }[]).map((parameter) => (parameter.field === 'preferredColor' ? { ...parameter, value: color } : parameter)) };
    }),
  };
}
