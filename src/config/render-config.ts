import { Document, isCollection, isNode } from 'yaml';
import { z } from 'zod';
import { configSchema } from './config-schema.ts';
import type { Config } from './config-schema.ts';
import { configLeaves } from './config-leaves.ts';
import { formatConfigPath } from './config-path.ts';
import { describeOrigin } from './config-origin.ts';
import type { OriginLookup } from './load-config.ts';

export type ConfigOutputFormat = 'yaml' | 'json';

export interface RenderConfigOptions {
  readonly format: ConfigOutputFormat;
  /** When given, every value is annotated with where it came from. */
  readonly originOf?: OriginLookup;
}

/**
 * The configuration as a user would write it (durations as text, secrets as references, which is all the
 * configuration ever holds), so that the output can be saved and loaded again.
 */
export function renderConfig(config: Config, options: RenderConfigOptions): string {
  const written: unknown = z.encode(configSchema, config);
  const leaves = configLeaves(written);
  if (options.format === 'json') {
    if (options.originOf === undefined) return `${JSON.stringify(written, null, 2)}\n`;
    const originOf = options.originOf;
    const origins = Object.fromEntries(leaves.map((leaf) => [formatConfigPath(leaf.path), describeOrigin(originOf(leaf.path))]));
    return `${JSON.stringify({ config: written, origins }, null, 2)}\n`;
  }
  const document = new Document(written);
  for (const leaf of leaves) {
    const node: unknown = document.getIn(leaf.path, true);
    if (!isNode(node)) continue;
    // References and lists of words read best on one line: `password: { env: VMANAGE_PASSWORD }`.
    if (isCollection(node)) node.flow = true;
    if (options.originOf !== undefined) node.comment = ` ${describeOrigin(options.originOf(leaf.path))}`;
  }
  return document.toString({ lineWidth: 0 });
}
