import { mapReferences } from '../map-references.ts';
import type { PolicyDocument } from '../policy-document.ts';
import { POLICY_OBJECT_KINDS } from '../policy-object-kinds.ts';
import type { RealizedPolicyObject } from '../realized-policy.ts';

/** What vManage would hold after pushing `document`: ids `id-<name>`, references as ids, row metadata added. */
export function realizedFrom(document: PolicyDocument, active = true): RealizedPolicyObject[] {
  const ids = new Map(document.objects.map((object) => [object.name, `id-${object.name}`]));
  return document.objects.map((object) => {
    const info = POLICY_OBJECT_KINDS[object.kind];
    const id = `id-${object.name}`;
    const body: Record<string, unknown> = { [info.idField]: id, ...(mapReferences(object.body, ids) as Record<string, unknown>), lastUpdated: 1_700_000_000_000, owner: 'admin', referenceCount: 1 };
    return {
      kind: object.kind,
      id,
      name: object.name,
      description: String(body[info.descriptionField]),
      body,
      referenceCount: 1,
      active: object.kind === 'vsmart' && active,
    };
  });
}
