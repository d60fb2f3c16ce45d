import { IsthmusError } from '../domain/isthmus-error.ts';

/** Stable codes of the Hubble adapter's errors. */
export const HUBBLE_ERROR_CODES = {
  /** Protobuf bytes that are not a valid message (truncated, bad wire type, length past the end). */
  decode: 'ISTHMUS_E_HUBBLE_DECODE',
  /** A value that cannot be encoded as the message asked for. */
  encode: 'ISTHMUS_E_HUBBLE_ENCODE',
  /** Text that is not Hubble's JSON form of the message (bad JSON, wrong types, unknown names). */
  json: 'ISTHMUS_E_HUBBLE_JSON',
  /** A flow-log file that cannot be opened or read (not for malformed lines: those are counted). */
  flowLog: 'ISTHMUS_E_HUBBLE_FLOW_LOG',
  /** Hubble cannot be reached or dropped the stream (refused, reset, unavailable, timed out). Retryable. */
  unavailable: 'ISTHMUS_E_HUBBLE_UNAVAILABLE',
  /** The TLS handshake failed: untrusted or misnamed certificate, client certificate refused, plaintext peer. */
  tls: 'ISTHMUS_E_HUBBLE_TLS',
  /** Hubble refused the request itself (invalid argument, unimplemented, permission): retrying cannot help. */
  rejected: 'ISTHMUS_E_HUBBLE_REJECTED',
  /** The client's own settings are wrong: a bad address, an unreadable certificate file. */
  config: 'ISTHMUS_E_HUBBLE_CONFIG',
} as const;

export type HubbleErrorCode = (typeof HUBBLE_ERROR_CODES)[keyof typeof HUBBLE_ERROR_CODES];

/**
 * An error of the Hubble adapter. A decode error is about one message: the stream or file it came from
 * goes on. Connection failures (`unavailable`, and `tls`, since certificates get fixed and rotated) are
 * retryable; a rejected request or bad settings are not.
 */
export class HubbleError extends IsthmusError {
  override readonly code: HubbleErrorCode;

  constructor(code: HubbleErrorCode, message: string, cause?: unknown, retryable = false) {
    super(code, message, cause === undefined ? { retryable } : { cause, retryable });
    this.name = 'HubbleError';
    this.code = code;
  }
}

export function isHubbleError(value: unknown): value is HubbleError {
  return value instanceof HubbleError;
}
