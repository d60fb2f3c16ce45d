import { IsthmusError } from '../domain/isthmus-error.ts';

/** Stable codes of the vManage adapter's errors; scripts, metrics and the reconciler switch on these. */
export const VMANAGE_ERROR_CODES = {
  /** Credentials rejected, or the session could not be re-established once: terminal. */
  auth: 'ISTHMUS_E_VMANAGE_AUTH',
  /** 429 after the retry budget: retryable. */
  rateLimited: 'ISTHMUS_E_VMANAGE_RATE_LIMITED',
  /** 503 after the retry budget: retryable. */
  unavailable: 'ISTHMUS_E_VMANAGE_UNAVAILABLE',
  /** No complete answer within the request timeout: retryable. */
  timeout: 'ISTHMUS_E_VMANAGE_TIMEOUT',
  /** Connection refused, reset, unknown host: retryable. */
  unreachable: 'ISTHMUS_E_VMANAGE_UNREACHABLE',
  /** Certificate or handshake failure: terminal until configuration changes. */
  tls: 'ISTHMUS_E_VMANAGE_TLS',
  /** vManage answered with an error (status ≥ 400 or the `{"error": …}` envelope). */
  api: 'ISTHMUS_E_VMANAGE_API',
  /** An answer that is not what the API promises (unparseable JSON, missing cookie). */
  protocol: 'ISTHMUS_E_VMANAGE_PROTOCOL',
  /** More pages than the configured bound: the rows already returned are partial. */
  pageLimit: 'ISTHMUS_E_VMANAGE_PAGE_LIMIT',
  /** Invalid client options (URL with credentials, unreadable CA file, …). */
  config: 'ISTHMUS_E_VMANAGE_CONFIG',
  /** The session was closed. */
  closed: 'ISTHMUS_E_VMANAGE_CLOSED',
} as const;

export type VmanageErrorCode = (typeof VMANAGE_ERROR_CODES)[keyof typeof VMANAGE_ERROR_CODES];

/** What vManage said in its error envelope `{"error": {"message", "details", "code"}}`. */
export interface VmanageApiErrorInfo {
  readonly message: string;
  readonly details: string | undefined;
  readonly code: string | undefined;
}

export interface VmanageErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  /** HTTP status when vManage answered at all. */
  readonly status?: number;
  /** Normalised endpoint (no ids, no query), as in the request metric. */
  readonly endpoint?: string;
  readonly apiError?: VmanageApiErrorInfo;
}

/**
 * An error of the vManage adapter. Messages name the endpoint and status, never a credential: no
 * password, cookie, XSRF token or JWT is ever put into one.
 */
export class VmanageError extends IsthmusError {
  override readonly code: VmanageErrorCode;
  readonly status: number | undefined;
  readonly endpoint: string | undefined;
  readonly apiError: VmanageApiErrorInfo | undefined;

  constructor(code: VmanageErrorCode, message: string, options: VmanageErrorOptions = {}) {
    super(code, message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      retryable: options.retryable ?? false,
    });
    this.name = 'VmanageError';
    this.code = code;
    this.status = options.status;
    this.endpoint = options.endpoint;
    this.apiError = options.apiError;
  }
}

export function isVmanageError(value: unknown): value is VmanageError {
  return value instanceof VmanageError;
}
