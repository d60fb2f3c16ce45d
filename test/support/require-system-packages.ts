import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * vitest global setup: the tests use real servers and tools (openssl, promtool, prometheus, influxd,
 * kubectl), which `scripts/setup` installs (the Debian ones) or explains how to install (kubectl). Rather
 * than let each test skip itself when one is missing — a skip reads as coverage nobody has — the whole
 * run stops here and says what to install.
 */
export function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/setup', import.meta.url));
  try {
    execFileSync('bash', [script, '--check'], { stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const output = typeof error === 'object' && error !== null && 'stdout' in error ? String(error.stdout) : String(error);
    throw new Error(
      `the tests need system packages that are missing; run scripts/setup (as root it installs the Debian ones, and it says how to install the others):\n${output}`,
      { cause: error },
    );
  }
}
