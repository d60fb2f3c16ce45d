/**
 * Errors Isthmus raises carry a stable code (`ISTHMUS_E_…`) so that logs, metrics and scripts can tell
 * them apart without parsing messages, and whether retrying can help.
 */
export interface IsthmusErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
}

export class IsthmusError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: IsthmusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IsthmusError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isIsthmusError(value: unknown): value is IsthmusError {
  return value instanceof IsthmusError;
}
