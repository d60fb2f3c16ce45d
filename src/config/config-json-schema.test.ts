import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './config-json-schema.ts';

interface JsonSchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Record<string, JsonSchemaNode>;
  readonly additionalProperties?: boolean | JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly oneOf?: readonly unknown[];
  readonly default?: unknown;
}

/** Every property with its path, sections included. */
function properties(node: JsonSchemaNode, path = ''): [string, JsonSchemaNode][] {
  const own = Object.entries(node.properties ?? {}).flatMap(([key, child]): [string, JsonSchemaNode][] => [
    [`${path}${key}`, child],
    ...properties(child, `${path}${key}.`),
  ]);
  const items = node.items ? properties(node.items, `${path}[].`) : [];
  return [...own, ...items];
}

describe('configJsonSchema', () => {
  const schema = configJsonSchema() as JsonSchemaNode & Record<string, unknown>;

  it('is a draft 2020-12 schema that forbids unknown keys', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties ?? {})).toEqual(['cluster', 'kubernetes', 'hubble', 'vmanage', 'optimizer', 'telemetry', 'log', 'shutdownTimeout']);
  });

  it('documents every field, with its default or that it is required', () => {
    // Sections (objects with their own properties) are described by their fields; a reference's env and
    // file are described once, in the reference.
    const isSection = (node: JsonSchemaNode) => node.properties !== undefined && node.oneOf === undefined;
    const undocumented = properties(schema)
      .filter(([path, node]) => !isSection(node) && !/\.(env|file)$/.test(path))
      .filter(([, node]) => !/Default|Required/.test(node.description ?? ''))
      .map(([path]) => path);
    expect(undocumented).toEqual([]);
  });

  it('states each default in the description and in the schema alike', () => {
    const vmanage = schema.properties?.vmanage?.properties ?? {};
    expect(vmanage.requestTimeout).toMatchObject({ type: 'string', default: '30s', description: expect.stringContaining('Default: 30s.') as unknown });
    expect(schema.properties?.hubble?.properties?.address).toMatchObject({ default: 'localhost:4245' });
  });

  it('describes secret references with oneOf env or file', () => {
    expect(schema.properties?.vmanage?.properties?.password).toMatchObject({
      type: 'object',
      additionalProperties: false,
      oneOf: [{ required: ['env'] }, { required: ['file'] }],
    });
  });
});
