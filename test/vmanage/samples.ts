import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The captured vManage samples, read unchanged from `shared/reference/samples/vmanage`, which sits
 * beside the repository (here and in CI, where the repository is cloned next to `shared/`).
 */
export const SAMPLES_DIR = fileURLToPath(new URL('../../../shared/reference/samples/vmanage/', import.meta.url));

export function readSample(name: string): unknown {
  return JSON.parse(readFileSync(`${SAMPLES_DIR}${name}`, 'utf8')) as unknown;
}

/** Every JSON sample file, so tests notice a new one. */
export function sampleFiles(): string[] {
  return readdirSync(SAMPLES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** A sample that is an array of row objects (the `data` of a response). */
export function readSampleRows(name: string): Record<string, unknown>[] {
  const value = readSample(name);
  if (!Array.isArray(value)) throw new Error(`${name} is not an array`);
  return value as Record<string, unknown>[];
}
