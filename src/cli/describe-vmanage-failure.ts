import { isIsthmusError } from '../domain/isthmus-error.ts';
import { isVmanageError, VMANAGE_ERROR_CODES } from '../vmanage/vmanage-error.ts';

/**
 * One line saying what went wrong talking to vManage and what to do, ending with the stable code:
 * `cannot log in to https://vmanage.example.com: bad credentials (ISTHMUS_E_VMANAGE_AUTH)`. Built from
 * the error's code and message, which never carry a credential; the URL is shown as its origin only.
 */
export function describeVmanageFailure(error: unknown, url: string): string {
  const where = displayUrl(url);
  const message = error instanceof Error ? error.message : String(error);
  if (!isIsthmusError(error)) return `${where}: ${message}`;
  const text = isVmanageError(error) ? phrase(error.code, message, where) : message;
  return `${text} (${error.code})`;
}

function phrase(code: string, message: string, where: string): string {
  switch (code) {
    case VMANAGE_ERROR_CODES.auth:
      return message.includes('rejected the credentials') ? `cannot log in to ${where}: bad credentials` : `cannot log in to ${where}: ${message}`;
    case VMANAGE_ERROR_CODES.unreachable:
      return `cannot reach ${where}: ${reasonOf(message)}`;
    case VMANAGE_ERROR_CODES.tls:
      return `TLS with ${where} failed: ${reasonOf(message)}; trust its CA with --ca-file FILE (or, in a lab, --insecure)`;
    case VMANAGE_ERROR_CODES.timeout:
      return `no answer from ${where} in time (${message}); raise --timeout if vManage is slow`;
    case VMANAGE_ERROR_CODES.rateLimited:
      return `${where} kept rate-limiting the requests past the retries (${message})`;
    case VMANAGE_ERROR_CODES.unavailable:
      return `${where} stayed unavailable past the retries (${message})`;
    default:
      return `${where}: ${message}`;
  }
}

/** Transport messages read `vManage GET /path (host:port): REASON`; the reason is what matters here. */
function reasonOf(message: string): string {
  const marker = message.indexOf('): ');
  return marker === -1 ? message : message.slice(marker + 3);
}

function displayUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the --vmanage URL';
  }
}
