import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './rendered-manifests.ts';

export const DOCKERFILE = 'deploy/Dockerfile';

export interface Instruction {
  /** Upper case: FROM, RUN, COPY… */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
}

export interface Stage {
  /** The base image, build arguments resolved. */
  readonly image: string;
  /** `AS name`, when given. */
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Joins continuation lines and drops comments and blank lines (what BuildKit does before parsing). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') lines.push(pending.trim());
  return lines;
}

function instructionOf(line: string): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(line);
  return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' };
}

function substitute(text: string, args: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    return args.get(braced ?? bare ?? '') ?? whole;
  });
}

/** The stages of a Dockerfile, each with its base image (ARGs before the first FROM resolved to their defaults). */
export function parseDockerfile(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of logicalLines(text).map(instructionOf)) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = substitute(instruction.args, globalArgs)
        .split(/\s+/)
        .filter((word) => !word.startsWith('--platform='));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name = '', value = ''] = instruction.args.split('=', 2);
        globalArgs.set(name.trim(), value.trim());
      }
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(REPOSITORY_ROOT, DOCKERFILE), 'utf8'));
}

/** The final stage: the image that ships. */
export function runtimeStage(stages: readonly Stage[] = readDockerfile()): Stage {
  const last = stages.at(-1);
  if (last === undefined) throw new Error(`${DOCKERFILE} has no stage`);
  return last;
}

/** The arguments of an exec-form instruction (`["a", "b"]`); the shell form is refused. */
export function execForm(instruction: Instruction | undefined): string[] {
  if (instruction === undefined) throw new Error('no such instruction');
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`${instruction.keyword} is not in exec form`);
  return parsed;
}

/** The numeric user and group the image runs as; fails unless USER is numeric. */
export function runtimeUser(stage: Stage = runtimeStage()): { uid: number; gid: number | undefined } {
  const user = stage.instructions.findLast((instruction) => instruction.keyword === 'USER');
  const match = /^(\d+)(?::(\d+))?$/.exec(user?.args ?? '');
  if (match?.[1] === undefined) throw new Error(`USER is "${user?.args ?? ''}", not numeric`);
  return { uid: Number(match[1]), gid: match[2] === undefined ? undefined : Number(match[2]) };
}
