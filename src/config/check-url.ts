import { describeFound } from './describe-found.ts';

export interface UrlRules {
  /** Schemes accepted, without the colon: `['https']`, `['http', 'https']`. */
  readonly schemes: readonly string[];
  /** Also accept plain `http` when the host is a loopback address (the local simulator). */
  readonly loopbackHttp?: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks an absolute URL. Credentials in the URL are refused: they belong in secret references, and a URL
 * is printed by `config print` and in logs. Returns a message, or undefined when the URL is acceptable.
 */
export function checkUrl(text: string, rules: UrlRules): string | undefined {
  const expected = `expected a ${rules.schemes.join(' or ')} URL such as ${rules.schemes.at(-1) ?? 'https'}://host.example.com`;
  const url = URL.parse(text);
  if (url === null) return `${expected}, found ${describeFound(text)}`;
  const scheme = url.protocol.slice(0, -1);
  const loopbackHttp = rules.loopbackHttp === true && scheme === 'http' && LOOPBACK_HOSTS.has(url.hostname);
  if (!rules.schemes.includes(scheme) && !loopbackHttp) {
    const hint = rules.loopbackHttp === true ? ' (plain http is only accepted for a loopback host)' : '';
    return `${expected}, found the scheme "${scheme}"${hint}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'the URL must not contain credentials; give them as username and a secret reference instead';
  }
  if (url.search !== '' || url.hash !== '') return `${expected} without a query or fragment, found ${describeFound(text)}`;
  return undefined;
}
