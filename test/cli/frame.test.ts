import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const run = promisify(execFile);

describe('isthmus command frame', () => {
  it('prints help with the global options', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: isthmus');
    expect(result.stdout).toContain('--log-level');
    expect(result.stdout).toContain('--log-format');
  });

  it('prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('exits 2 with a hint on an unknown option', async () => {
    const result = await runCli(['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });

  it('rejects a log level outside the list', async () => {
    const result = await runCli(['--log-level', 'loud', '--help']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are trace, debug, info, warn, error, fatal, silent');
  });

  it('runs as a real process through bin/isthmus.js', async () => {
    const { stdout } = await run(process.execPath, ['bin/isthmus.js', '--version']);
    expect(stdout).toBe('0.1.0\n');
  });
});
