import { IsthmusError } from '../domain/isthmus-error.ts';
import type { SecretRef } from './config-schema.ts';

/** Reads a whole text file; injected so that tests and the loader need no real file system. */
export type ReadTextFile = (path: string) => Promise<string>;

export const SECRET_ERROR_CODE = 'ISTHMUS_E_CONFIG_SECRET';

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The value behind a secret reference: the environment variable, or the file's text without its trailing
 * newline (files written by `echo` or mounted from a Secret usually end with one). Fails with
 * ISTHMUS_E_CONFIG_SECRET when the variable is unset or empty or the file is unreadable or empty; the
 * message names the reference and never includes any part of a value.
 */
export async function resolveSecret(ref: SecretRef, env: Readonly<Record<string, string | undefined>>, readFile: ReadTextFile): Promise<string> {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) throw new IsthmusError(SECRET_ERROR_CODE, `environment variable ${ref.env} is not set`);
    if (value === '') throw new IsthmusError(SECRET_ERROR_CODE, `environment variable ${ref.env} is empty`);
    return value;
  }
  let text: string;
  try {
    text = await readFile(ref.file);
  } catch (error) {
    throw new IsthmusError(SECRET_ERROR_CODE, `cannot read secret file ${ref.file} (${errorCode(error)})`, { cause: error });
  }
  const value = withoutTrailingNewlines(text);
  if (value === '') throw new IsthmusError(SECRET_ERROR_CODE, `secret file ${ref.file} is empty`);
  return value;
}

/** An index scan: /[\r\n]+$/ backtracks quadratically on a file with many line breaks before its end. */
function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end -= 1;
  return text.slice(0, end);
}
