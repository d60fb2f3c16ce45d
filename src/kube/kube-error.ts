import { IsthmusError } from '../domain/isthmus-error.ts';
import { asFields, numberAt, stringAt } from './read-fields.ts';

/** Stable codes of the Kubernetes adapter's errors. */
export const KUBE_ERROR_CODES = {
  /** 401: the credentials are not accepted. Terminal until they change. */
  unauthorized: 'ISTHMUS_E_KUBE_UNAUTHORIZED',
  /** 403: RBAC does not allow the request. Terminal until the Role changes. */
  forbidden: 'ISTHMUS_E_KUBE_FORBIDDEN',
  /** 429: API priority and fairness throttled the request. Retryable. */
  throttled: 'ISTHMUS_E_KUBE_THROTTLED',
  /** 5xx, or a 504 "too large resource version". Retryable. */
  unavailable: 'ISTHMUS_E_KUBE_UNAVAILABLE',
  /** No HTTP answer: refused, reset, timed out. Retryable. */
  unreachable: 'ISTHMUS_E_KUBE_UNREACHABLE',
  /** 409: a write lost an optimistic-concurrency race (or the object exists). Retryable after a re-read. */
  conflict: 'ISTHMUS_E_KUBE_CONFLICT',
  /** 404. */
  notFound: 'ISTHMUS_E_KUBE_NOT_FOUND',
  /** Any other refusal (400, 422, …): the request itself is wrong. Terminal. */
  api: 'ISTHMUS_E_KUBE_API',
} as const;

export type KubeErrorCode = (typeof KUBE_ERROR_CODES)[keyof typeof KUBE_ERROR_CODES];

export interface KubeErrorOptions {
  readonly cause?: unknown;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export class KubeError extends IsthmusError {
  override readonly code: KubeErrorCode;
  /** HTTP status, when the API server answered. */
  readonly status: number | undefined;
  /** From `Retry-After` or the Status' `details.retryAfterSeconds`. */
  readonly retryAfterMs: number | undefined;

  constructor(code: KubeErrorCode, message: string, options: KubeErrorOptions = {}) {
    super(code, message, { cause: options.cause, retryable: isRetryable(code) });
    this.name = 'KubeError';
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function isRetryable(code: KubeErrorCode): boolean {
  return code === KUBE_ERROR_CODES.throttled || code === KUBE_ERROR_CODES.unavailable || code === KUBE_ERROR_CODES.unreachable || code === KUBE_ERROR_CODES.conflict;
}

export function codeForStatus(status: number): KubeErrorCode {
  if (status === 401) return KUBE_ERROR_CODES.unauthorized;
  if (status === 403) return KUBE_ERROR_CODES.forbidden;
  if (status === 404) return KUBE_ERROR_CODES.notFound;
  if (status === 409) return KUBE_ERROR_CODES.conflict;
  if (status === 429) return KUBE_ERROR_CODES.throttled;
  if (status >= 500) return KUBE_ERROR_CODES.unavailable;
  return KUBE_ERROR_CODES.api;
}

/**
 * Any failure of a @kubernetes/client-node call → a KubeError. The client reports an HTTP answer as an
 * `ApiException` (`code`, `headers`, `body`) from typed calls, as an Error with `statusCode` from
 * `Watch`, and a transport failure as whatever fetch threw.
 */
export function toKubeError(error: unknown, operation: string): KubeError {
  if (error instanceof KubeError) return error;
  const fields = asFields(error);
  const status = numberAt(fields, 'statusCode') ?? numberAt(fields, 'code');
  if (status !== undefined && status >= 400 && status < 600) {
    const message = statusMessage(fields?.body);
    return new KubeError(codeForStatus(status), `${operation}: HTTP ${String(status)}${message === undefined ? '' : ` ${message}`}`, {
      cause: error,
      status,
      retryAfterMs: retryAfterOf(fields),
    });
  }
  const reason = error instanceof Error ? describeTransport(error) : String(error);
  return new KubeError(KUBE_ERROR_CODES.unreachable, `${operation}: ${reason}`, { cause: error });
}

/** A Status object received as a watch ERROR event. */
export function statusError(status: unknown, operation: string): KubeError {
  const fields = asFields(status);
  const code = numberAt(fields, 'code') ?? 500;
  const message = stringAt(fields, 'message') ?? stringAt(fields, 'reason') ?? 'watch error';
  return new KubeError(codeForStatus(code), `${operation}: ${String(code)} ${message}`, { status: code });
}

/** The API server's Status message from an ApiException body (text or parsed). */
function statusMessage(body: unknown): string | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = stringAt(asFields(parsed), 'message');
  return message === undefined ? undefined : `(${message})`;
}

function retryAfterOf(fields: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const header = stringAt(asFields(fields?.headers), 'retry-after');
  const seconds = header === undefined ? undefined : Number(header);
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** undici hides the socket error in `cause`: name the innermost code. */
function describeTransport(error: Error): string {
  let current: unknown = error;
  let message = error.message;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = stringAt(asFields(current), 'code');
    if (code !== undefined) message = `${code}: ${current.message}`;
    current = current.cause;
  }
  return message;
}
