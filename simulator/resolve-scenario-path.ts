import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shipped scenarios are: beside this file in a checkout (`simulator/scenarios`), and at the
 * package root when running the build (`dist/simulator/…` → `simulator/scenarios`, which the package ships).
 */
function shippedDirectory(): string | undefined {
  const candidates = [new URL('./scenarios/', import.meta.url), new URL('../../simulator/scenarios/', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Names of the scenarios that ship with Isthmus (`two-sites`, `brownout`, `scale`), sorted. */
export function shippedScenarioNames(): string[] {
  const directory = shippedDirectory();
  if (directory === undefined) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * The file a `--scenario` argument means: an existing path as given, else a shipped scenario by name
 * (`brownout` or `brownout.yaml`), else the argument unchanged (loading it then reports it missing).
 * A path wins over a name, so a local file is never shadowed by a shipped one.
 */
export function resolveScenarioPath(argument: string): string {
  if (existsSync(argument)) return argument;
  const name = argument.replace(/\.ya?ml$/, '');
  const directory = shippedDirectory();
  if (directory === undefined || !/^[a-z0-9][a-z0-9-]*$/.test(name)) return argument;
  const shipped = join(directory, `${name}.yaml`);
  return existsSync(shipped) ? shipped : argument;
}
