import type { PolicyObjectKind } from './policy-document.ts';

/** A policy object as read back from vManage. */
export interface RealizedPolicyObject {
  readonly kind: PolicyObjectKind;
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  /** The row as GET returned it, with a vSmart policy's `policyDefinition` decoded from its JSON string. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Lists and definitions: how many objects refer to it. */
  readonly referenceCount: number;
  /** vSmart policies: `isPolicyActivated`. */
  readonly active: boolean;
}

/** What vManage holds, split by ownership: Isthmus may change only `owned` (and an adopted policy). */
export interface RealizedPolicyState {
  readonly owned: readonly RealizedPolicyObject[];
  /** Objects of the same kinds that Isthmus does not own: never changed, but their names are taken. */
  readonly foreign: readonly RealizedPolicyObject[];
}
