#!/usr/bin/env node
// Entry point of the `isthmus` command. In a checkout it runs the TypeScript sources directly
// (Node 24 strips the types); an installed package or the container image runs the build in dist/.
import { existsSync } from 'node:fs';

const [major = 0] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `isthmus: needs Node.js 24 or newer, this is ${process.version}. ` +
      'Run it through npm (npm start, npx isthmus), which uses the project\'s own Node 24.\n',
  );
  process.exit(2);
}

// `isthmus … | head`: once the reader is gone there is nobody to tell; exit quietly rather than crash.
process.stdout.on('error', (error) => {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EPIPE') process.exit(0);
  throw error;
});

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/src/cli/main.js', import.meta.url);
const entry = existsSync(source) ? source : built;
/** @type {{ main: (argv: string[]) => Promise<number> }} */
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
