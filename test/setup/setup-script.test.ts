import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = new URL('../../scripts/setup', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'isthmus-setup-'));
chmodSync(dir, 0o755);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function list(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

/** The commands the script itself runs. */
const SCRIPT_TOOLS = ['bash', 'dirname', 'sed', 'id', 'cat'] as const;
let bareBin: string | undefined;

/**
 * A PATH holding only the commands the script itself runs, so that a test controls what is "installed"
 * (kubectl is on this machine) and no apt-get can run.
 */
function barePath(): string {
  if (bareBin !== undefined) return bareBin;
  const bin = join(dir, 'bare-bin');
  mkdirSync(bin, { mode: 0o755 });
  for (const tool of SCRIPT_TOOLS) {
    const found = (process.env.PATH ?? '')
      .split(':')
      .map((entry) => join(entry, tool))
      .find((candidate) => existsSync(candidate));
    if (found === undefined) throw new Error(`${tool} is not on PATH`);
    symlinkSync(found, join(bin, tool));
  }
  bareBin = bin;
  return bin;
}

function setup(args: string[], packageList: string, asUser?: 'nobody', path = process.env.PATH): Promise<Run> {
  const [command, commandArgs] =
    asUser && process.getuid?.() === 0
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script, ...args]]
      : ['bash', [script, ...args]];
  return new Promise((resolve) => {
    execFile(command, commandArgs, { env: { PATH: path, ISTHMUS_SYSTEM_PACKAGES: packageList } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/setup', () => {
  it('passes when every listed command is present', async () => {
    const result = await setup([], list('present', '# comment\nsh dash the shell\n'));
    expect(result).toMatchObject({ code: 0, stdout: 'setup: all system packages present\n' });
  });

  it('with --check, names what is missing and fails without installing', async () => {
    const result = await setup(['--check'], list('missing', 'isthmus-no-such-command isthmus-no-such-package a test server\n'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('isthmus-no-such-command (Debian package isthmus-no-such-package): a test server');
  });

  it('as a normal user, says exactly what to install', async () => {
    const result = await setup([], list('missing-user', 'isthmus-no-such-command isthmus-no-such-package\n'), 'nobody');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('apt-get install -y --no-install-recommends isthmus-no-such-package');
  });

  it('rejects a line that names no package', async () => {
    const result = await setup(['--check'], list('malformed', 'lonely-command\n'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'lonely-command' names no package");
  });

  it('lists kubectl, which Debian does not package', () => {
    const lines = readFileSync(new URL('../../scripts/system-packages', import.meta.url), 'utf8').split('\n');
    expect(lines.find((line) => line.startsWith('kubectl '))).toMatch(/^kubectl\s+-\s+\S/);
  });

  it('with --check, says how to install kubectl when it is missing', async () => {
    const result = await setup(['--check'], list('no-kubectl', 'kubectl - renders the manifests\n'), undefined, barePath());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('kubectl (not a Debian package): renders the manifests');
    expect(result.stdout).toContain('https://pkgs.k8s.io/core:/stable:');
    expect(result.stdout).toContain('sudo apt-get update && sudo apt-get install -y kubectl');
    expect(result.stdout).toContain('https://dl.k8s.io/release/');
  });

  it('installs nothing for a command Debian does not package, and says so', async () => {
    const result = await setup([], list('only-other', 'isthmus-no-such-tool - a tool\n'), undefined, barePath());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('isthmus-no-such-tool is not a Debian package');
    expect(result.stderr).toContain('nothing here installs the commands above');
    expect(result.stderr).not.toContain('apt-get');
  });

  it('passes when a command Debian does not package is present', async () => {
    const result = await setup(['--check'], list('other-present', 'bash - the shell\n'));
    expect(result).toMatchObject({ code: 0, stdout: 'setup: all system packages present\n' });
  });

  it('rejects unknown arguments', async () => {
    const result = await setup(['--frobnicate'], list('any', ''));
    expect(result.code).toBe(2);
  });
});
