import { z } from 'zod';
import { configSchema, isSecretSchema } from './config-schema.ts';

export const CONFIG_SCHEMA_ID = 'https://isthmus.io/schemas/config.json';

/**
 * The JSON Schema (draft 2020-12) of the configuration file, in input form (durations as text), for
 * editors and CI. A secret reference gets `oneOf`, which its refinement cannot express by itself.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (context) => {
      if (isSecretSchema(context.zodSchema)) {
        context.jsonSchema.oneOf = [{ required: ['env'] }, { required: ['file'] }];
      }
    },
  });
  return { ...schema, $id: CONFIG_SCHEMA_ID, title: 'Isthmus configuration' };
}
