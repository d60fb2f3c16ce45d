import type { SourcePath } from './scenario.ts';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `sites[2].colors[0]`, `cluster.services[0].annotations["isthmus.io/tunnel"]`; empty for the top level. */
export function formatPath(path: SourcePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
