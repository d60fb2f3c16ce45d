import type { ActivePolicySnapshot } from './policy-tasks.ts';

/**
 * A CLI-like rendering of a policy (`GET /template/policy/assembly/vsmart/{id}` → `preview`), in the
 * spirit of vManage's (`sla-class X latency 100 loss 8 jitter 2`, `action sla-class X preferred-color
 * mpls`, `apply-policy site-list S app-route-policy P`). Enough to read; not byte-faithful.
 */
export function policyPreview(snapshot: ActivePolicySnapshot): string {
  const name = (id: unknown) => {
    const body = typeof id === 'string' ? snapshot.objects.get(id)?.body : undefined;
    return typeof body?.name === 'string' ? body.name : String(id);
  };
  const lines = ['viptela-policy:policy'];
  for (const { collection, body } of snapshot.objects.values()) {
    if (collection !== 'sla') continue;
    const entry = (Array.isArray(body.entries) ? body.entries[0] : undefined) as Record<string, unknown> | undefined;
    lines.push(` sla-class ${typeof body.name === 'string' ? body.name : ''} latency ${String(entry?.latency)} loss ${String(entry?.loss)} jitter ${String(entry?.jitter)}`);
  }
  const definition = snapshot.body.policyDefinition as { assembly?: { definitionId?: string; type?: string; entries?: { siteLists?: string[]; vpnLists?: string[]; direction?: string }[] }[] } | undefined;
  for (const item of definition?.assembly ?? []) {
    const body = item.definitionId === undefined ? undefined : snapshot.objects.get(item.definitionId)?.body;
    if (body === undefined) continue;
    lines.push(` ${item.type === 'appRoute' ? 'app-route-policy' : 'data-policy'} ${name(item.definitionId)}`);
    for (const sequence of (Array.isArray(body.sequences) ? body.sequences : []) as Record<string, unknown>[]) {
      lines.push(`  sequence ${String(sequence.sequenceId)}`);
      const match = sequence.match as { entries?: Record<string, unknown>[] } | undefined;
      for (const entry of match?.entries ?? []) lines.push(`   match ${String(entry.field)} ${entry.ref === undefined ? String(entry.value) : name(entry.ref)}`);
      lines.push(`   action ${JSON.stringify(sequence.actions)}`);
    }
    for (const entry of item.entries ?? []) {
      for (const site of entry.siteLists ?? []) {
        lines.push(` apply-policy site-list ${name(site)} ${item.type === 'appRoute' ? 'app-route-policy' : `data-policy ${entry.direction ?? 'all'}`} ${name(item.definitionId)} vpn-list ${(entry.vpnLists ?? []).map(name).join(' ')}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
