import { isRow, stringField } from './row-fields.ts';
import type { VmanageApiErrorInfo } from './vmanage-error.ts';

/**
 * vManage's error envelope `{"error": {"message", "details", "code"}}`; undefined when the body is not
 * one. go-sdwan treats any body with an `error` object as a failure even on 2xx, and so does Isthmus.
 */
export function parseErrorEnvelope(body: unknown): VmanageApiErrorInfo | undefined {
  if (!isRow(body)) return undefined;
  const error = body.error;
  if (!isRow(error)) return undefined;
  const message = stringField(error, 'message');
  const details = stringField(error, 'details');
  const code = stringField(error, 'code');
  if (message === undefined && details === undefined && code === undefined) return undefined;
  return { message: message ?? details ?? code ?? '', details, code };
}
