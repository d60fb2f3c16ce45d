/**
 * Refreshes test/security/advisory-snapshot.json, the offline fallback of the dependency audit test:
 * runs `npm audit --json` and, when the registry answers, records today's date, every package in
 * package-lock.json, and the advisories npm reports, added to those already recorded (they stay: a
 * recorded advisory keeps guarding against going back to an affected version). When the audit service
 * does not answer, nothing is written and the exit status is 1.
 *
 *   node test/security/refresh-advisory-snapshot.ts
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lockfilePackages, parseAuditOutput } from './audit-assessment.ts';
import type { AdvisorySnapshot } from './audit-assessment.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const snapshotFile = fileURLToPath(new URL('advisory-snapshot.json', import.meta.url));

const stdout = await new Promise<string>((resolve) => {
  // npm audit exits 1 when it finds something; the JSON on stdout is what counts.
  execFile('npm', ['audit', '--json'], { cwd: root, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (_error, output) => {
    resolve(output);
  });
});
const outcome = parseAuditOutput(stdout);
if (outcome.kind === 'unavailable') {
  process.stderr.write(`the audit service did not answer (${outcome.reason}); ${snapshotFile} is unchanged\n`);
  process.exit(1);
}
const previous = JSON.parse(readFileSync(snapshotFile, 'utf8')) as AdvisorySnapshot;
const advisories = new Map(previous.advisories.map((advisory) => [`${advisory.id} ${advisory.package}`, advisory]));
for (const advisory of outcome.advisories) advisories.set(`${advisory.id} ${advisory.package}`, advisory);
const installed = lockfilePackages(JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as unknown);
const snapshot: AdvisorySnapshot = {
  takenAt: new Date().toISOString().slice(0, 10),
  source: 'npm audit --json (the registry bulk advisory endpoint), added to the advisories recorded before',
  packages: [...installed].flatMap(([name, versions]) => [...versions].map((version) => `${name}@${version}`)).sort(),
  advisories: [...advisories.values()].sort((a, b) => a.package.localeCompare(b.package) || a.id.localeCompare(b.id)),
};
writeFileSync(snapshotFile, `${JSON.stringify(snapshot, null, 2)}\n`);
process.stdout.write(`${snapshotFile}: ${String(snapshot.advisories.length)} advisories, ${String(snapshot.packages.length)} packages, taken ${snapshot.takenAt}\n`);
