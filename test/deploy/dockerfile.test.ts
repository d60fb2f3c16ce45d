import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bridgeContainer, configFileOf } from './deployed-config.ts';
import { execForm, parseDockerfile, readDockerfile, runtimeStage, runtimeUser } from './dockerfile.ts';
import type { Instruction, Stage } from './dockerfile.ts';
import { REPOSITORY_ROOT, renderOverlay } from './rendered-manifests.ts';

/*
 * There is no container engine in the test environment: these are static checks of deploy/Dockerfile
 * and .dockerignore against what the image must be (see deploy/README.md for what a build verifies).
 */

function readRepositoryFile(path: string): string {
  return readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
}

const packageJson = JSON.parse(readRepositoryFile('package.json')) as { files: string[] };
const buildConfig = JSON.parse(readRepositoryFile('tsconfig.build.json')) as { include: string[]; exclude: string[] };

function runs(stage: Stage, pattern: RegExp): boolean {
  return stage.instructions.some((instruction) => instruction.keyword === 'RUN' && pattern.test(instruction.args));
}

interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((instruction: Instruction) => instruction.keyword === 'COPY')
    .map((instruction) => {
      const words = instruction.args.split(/\s+/);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
    });
}

/** `./dist`, `/app/dist/`, `dist` → `dist`, relative to the runtime's WORKDIR /app. */
function appPath(path: string): string {
  return path.replace(/^\/app\//, '').replace(/^\.\//, '').replace(/\/$/, '');
}

/** Where each source of a COPY lands, relative to /app: into a directory when the destination ends in `/`. */
function shippedPaths(copy: Copy): string[] {
  const directory = copy.destination.endsWith('/') || copy.destination === '.';
  return copy.sources.map((source) => (directory ? [appPath(copy.destination), appPath(source).split('/').at(-1)].filter(Boolean).join('/') : appPath(copy.destination)));
}

const NODE_24 = /^(node:24[.-]|gcr\.io\/distroless\/nodejs24-)/;
const PRODUCTION_INSTALL = /npm (ci|install|prune)\b.*(--omit=dev|--omit dev|--production)/;

describe('deploy/Dockerfile', () => {
  const stages = readDockerfile();
  const runtime = runtimeStage(stages);
  const build = stages.find((stage) => runs(stage, /npm run build\b/));

  it('builds in one stage and ships another, every stage on Node.js 24', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(NODE_24);
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    expect(runtime.image).toMatch(/distroless|slim/);
  });

  it('compiles with every dependency installed from the lock file', () => {
    expect(build !== undefined && runs(build, /npm ci\b/) && !runs(build, PRODUCTION_INSTALL)).toBe(true);
  });

  it('ships only production dependencies, from a stage that installed nothing else', () => {
    const modules = copiesOf(runtime).filter((copy) => copy.sources.some((source) => appPath(source) === 'node_modules'));
    expect(modules.length).toBe(1);
    const source = stages.find((stage) => stage.name === modules[0]?.from);
    expect(source).toBeDefined();
    expect(source !== undefined && runs(source, PRODUCTION_INSTALL)).toBe(true);
    expect(source?.instructions.filter((instruction) => instruction.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(instruction.args)).length).toBe(1);
  });

  it('ships what package.json "files" lists and package.json, nothing else from the checkout', () => {
    const copies = copiesOf(runtime);
    const destinations = copies.flatMap(shippedPaths);
    for (const entry of [...packageJson.files, 'package.json']) expect(destinations).toContain(entry);
    const fromCheckout = copies.filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources.map(appPath));
    expect(fromCheckout.every((path) => [...packageJson.files, 'package.json'].includes(path)), fromCheckout.join(', ')).toBe(true);
    expect(copies.find((copy) => appPath(copy.destination) === 'dist')?.from).toBe(build?.name);
  });

  it('runs as a numeric, non-root user and group', () => {
    const user = runtimeUser(runtime);
    expect(user.uid).toBeGreaterThan(0);
    expect(user.gid).toBeGreaterThan(0);
  });

  it('has no HEALTHCHECK: Kubernetes probes the bridge', () => {
    for (const stage of stages) expect(stage.instructions.map((instruction) => instruction.keyword)).not.toContain('HEALTHCHECK');
  });

  it('starts `isthmus run` with the configuration file the manifests mount', async () => {
    const entrypoint = execForm(runtime.instructions.findLast((instruction) => instruction.keyword === 'ENTRYPOINT'));
    const command = execForm(runtime.instructions.findLast((instruction) => instruction.keyword === 'CMD'));
    expect(entrypoint.at(-1)).toBe('/app/bin/isthmus.js');
    expect(command[0]).toBe('run');
    const container = bridgeContainer(await renderOverlay('single'));
    expect(command[command.indexOf('--config') + 1]).toBe(configFileOf(container));
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(command);
  });

  it('parses stages the way the builder does', () => {
    const parsed = parseDockerfile('ARG BASE=node:24-slim\n# a comment\nFROM ${BASE} AS one\nRUN a \\\n  b\nFROM gcr.io/distroless/nodejs24-debian12\nUSER 1:2\n');
    expect(parsed).toEqual([
      { image: 'node:24-slim', name: 'one', instructions: [{ keyword: 'RUN', args: 'a b' }] },
      { image: 'gcr.io/distroless/nodejs24-debian12', name: undefined, instructions: [{ keyword: 'USER', args: '1:2' }] },
    ]);
    expect(() => runtimeUser(parseDockerfile('FROM x\nUSER node\n')[0])).toThrow(/not numeric/);
  });
});

describe('.dockerignore', () => {
  const patterns = readRepositoryFile('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const included = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1).replace(/\/$/, ''));

  it('starts from nothing, so that node_modules, dist, .git and local files never reach the build', () => {
    expect(patterns[0]).toBe('*');
  });

  it('lets in everything the Dockerfile copies from the checkout and everything the build compiles', () => {
    const fromCheckout = readDockerfile().flatMap((stage) => copiesOf(stage).filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources.map(appPath)));
    for (const path of [...fromCheckout, ...buildConfig.include]) {
      expect(included.some((entry) => path === entry || path.startsWith(`${entry}/`)), path).toBe(true);
    }
  });

  it('leaves out only what the build does not compile either', () => {
    const excludedAgain = patterns.filter((pattern) => !pattern.startsWith('!') && pattern !== '*');
    expect(excludedAgain.length).toBeGreaterThan(0);
    for (const pattern of excludedAgain) expect(buildConfig.exclude.map((exclude) => exclude.replace(/\/\*\*$/, ''))).toContain(pattern.replace(/\/$/, ''));
  });
});
