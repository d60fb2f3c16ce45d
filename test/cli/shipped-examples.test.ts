import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

// What the README and deploy/ show users must pass the checks they are told to run.
describe('shipped examples', () => {
  it('deploy/examples/services.yaml lints clean, even with --strict', async () => {
    const result = await runCli(['lint', '--strict', 'deploy/examples/services.yaml']);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('1 file, 4 services, 0 errors, 0 warnings\n');
    expect(result.code).toBe(0);
  });

  it('deploy/config.example.yaml is a valid configuration', async () => {
    const result = await runCli(['config', 'validate', '--no-check-secrets', '--config', 'deploy/config.example.yaml']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
