import { LineCounter, parseDocument } from 'yaml';
import { isPlainObject } from './config-path.ts';
import type { ConfigPath, RawTree } from './config-path.ts';
import type { ConfigOrigin } from './config-origin.ts';
import type { ConfigProblem } from './config-problem.ts';
import { describeFound } from './describe-found.ts';
import { locateYamlPath } from './locate-yaml-path.ts';

export type ConfigFileLayer =
  | { readonly ok: true; readonly tree: RawTree; readonly locate: (path: ConfigPath) => ConfigOrigin }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** `key:` with nothing after it means "the default", as in Helm values: commenting out a block must not break a file. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== null)
      .map(([key, child]) => [key, withoutNulls(child)]),
  );
}

/** Parses the text of a configuration file (YAML; JSON is YAML too), keeping positions for messages. */
export function parseConfigFile(text: string, file: string): ConfigFileLayer {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const position = error.linePos?.[0];
        const origin: ConfigOrigin = { kind: 'file', file, ...(position ? { line: position.line, column: position.col } : {}) };
        // The first line of the parser's message, without the position it repeats (the origin carries it).
        const summary = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
        const message = `YAML syntax error: ${summary}`;
        return { severity: 'error', code: 'YamlSyntax', key: file, message, origin };
      }),
    };
  }
  let content: unknown;
  try {
    // Building values can still fail on text that parsed: an alias to an anchor that is never set (`*a`),
    // or more alias expansions than the yaml library allows (its guard against "billion laughs" files).
    content = document.toJS();
  } catch (error) {
    const summary = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    return { ok: false, problems: [{ severity: 'error', code: 'YamlSyntax', key: file, message: `YAML syntax error: ${summary}`, origin: { kind: 'file', file } }] };
  }
  const tree = content ?? {};
  if (!isPlainObject(tree)) {
    const message = `a configuration file is a YAML mapping (key: value), found ${describeFound(tree)}`;
    return { ok: false, problems: [{ severity: 'error', code: 'NotAMapping', key: file, message }] };
  }
  const locate = (path: ConfigPath): ConfigOrigin => {
    const position = locateYamlPath(document, lineCounter, path);
    return { kind: 'file', file, ...(position ?? {}) };
  };
  return { ok: true, tree: withoutNulls(tree) as RawTree, locate };
}
