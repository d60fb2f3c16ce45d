import { IsthmusError } from '../domain/isthmus-error.ts';

/** Stable codes of the policy pipeline's errors; the reconciler and the push metric switch on these. */
export const POLICY_ERROR_CODES = {
  /** The desired state cannot be rendered (no site to scope the policy to, an invalid address). */
  invalid: 'ISTHMUS_E_POLICY_INVALID',
  /** An object Isthmus wants to create has a name already taken by an object it does not own. */
  conflict: 'ISTHMUS_E_POLICY_CONFLICT',
  /** No owned policy exists, bootstrapping is not allowed and nothing is adopted (or the adopted one is missing). */
  noPolicy: 'ISTHMUS_E_POLICY_NO_POLICY',
  /** Another centralized policy is active: activating Isthmus' own would replace it. */
  foreignActive: 'ISTHMUS_E_POLICY_FOREIGN_ACTIVE',
  /** This replica does not hold the Lease: only the leader pushes. */
  notLeader: 'ISTHMUS_E_POLICY_NOT_LEADER',
  /** The activation task failed (validation or a device), or vManage answered it unexpectedly. */
  activation: 'ISTHMUS_E_POLICY_ACTIVATION',
  /** The activation task did not finish within the timeout. */
  timeout: 'ISTHMUS_E_POLICY_TIMEOUT',
  /** A vManage call of the push failed (the cause is the VmanageError). */
  vmanage: 'ISTHMUS_E_POLICY_VMANAGE',
  /** vManage answered a policy call with something the API does not promise. */
  protocol: 'ISTHMUS_E_POLICY_PROTOCOL',
  /** The push was aborted (shutdown, or a test simulating a crash). */
  aborted: 'ISTHMUS_E_POLICY_ABORTED',
} as const;

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[keyof typeof POLICY_ERROR_CODES];

export interface PolicyErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
}

/** An error of the policy pipeline: what failed, in words an operator can act on, with a stable code. */
export class PolicyError extends IsthmusError {
  override readonly code: PolicyErrorCode;

  constructor(code: PolicyErrorCode, message: string, options: PolicyErrorOptions = {}) {
    super(code, message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      retryable: options.retryable ?? false,
    });
    this.name = 'PolicyError';
    this.code = code;
  }
}

export function isPolicyError(value: unknown): value is PolicyError {
  return value instanceof PolicyError;
}
