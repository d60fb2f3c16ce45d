import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

function setup(args: string[], packageList: string, asUser?: 'nobody'): Promise<Run> {
  const [command, commandArgs] =
    asUser && process.getuid?.() === 0
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script, ...args]]
      : ['bash', [script, ...args]];
  return new Promise((resolve) => {
    execFile(command, commandArgs, { env: { PATH: process.env.PATH, ISTHMUS_SYSTEM_PACKAGES: packageList } }, (error, stdout, stderr) => {
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

  it('rejects unknown arguments', async () => {
    const result = await setup(['--frobnicate'], list('any', ''));
    expect(result.code).toBe(2);
  });
});
