/**
 * What `npm audit --json` says about the dependency tree, and the offline fallback: a dated snapshot of
 * advisories matched against the versions in package-lock.json. Pure functions, so the decisions are
 * unit-tested on recorded audit outputs (clean, a high finding, the endpoint refusing).
 */

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/** One advisory against one package: the versions it affects as an npm semver range. */
export interface Advisory {
  /** GHSA id, npm advisory number or CVE. */
  readonly id: string;
  readonly package: string;
  readonly severity: Severity;
  /** e.g. `<2.5.4 || >=3.0.0 <3.0.4`. */
  readonly range: string;
  readonly title: string;
  readonly url: string;
}

export type AuditOutcome =
  | { readonly kind: 'answered'; readonly advisories: readonly Advisory[] }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The committed fallback (test/security/advisory-snapshot.json). */
export interface AdvisorySnapshot {
  /** ISO date the advisories were taken. */
  readonly takenAt: string;
  /** Where they came from: `npm audit` (the refresh script), or how they were gathered by hand. */
  readonly source: string;
  /** `name@version` of every package in the lockfile when the snapshot was taken. */
  readonly packages: readonly string[];
  readonly advisories: readonly Advisory[];
}

export interface AdvisoryHit {
  readonly advisory: Advisory;
  readonly version: string;
}

const SEVERITIES: readonly Severity[] = ['info', 'low', 'moderate', 'high', 'critical'];

export function isHighOrCritical(advisory: Advisory): boolean {
  return advisory.severity === 'high' || advisory.severity === 'critical';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/**
 * Reads the stdout of `npm audit --json` (npm 7 and later, report version 2). An answer lists every
 * advisory found (empty when clean); anything else — the registry refusing or failing (npm prints its
 * error as JSON then), no network, no output, not JSON — means the audit service gave no answer.
 */
export function parseAuditOutput(stdout: string): AuditOutcome {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { kind: 'unavailable', reason: stdout.trim() === '' ? 'npm audit printed nothing' : 'npm audit did not print JSON' };
  }
  if (!isRecord(report)) return { kind: 'unavailable', reason: 'npm audit printed no report' };
  if (report.auditReportVersion !== 2 || !isRecord(report.vulnerabilities)) {
    const error = isRecord(report.error) ? report.error : report;
    const reason = text(report.message) || [text(error.code), text(error.summary)].filter((part) => part !== '').join(': ');
    return { kind: 'unavailable', reason: reason === '' ? 'npm audit printed no report' : reason };
  }
  const advisories = new Map<string, Advisory>();
  for (const [name, entry] of Object.entries(report.vulnerabilities)) {
    if (!isRecord(entry) || !Array.isArray(entry.via)) continue;
    // `via` holds advisories (objects) and the names of vulnerable dependencies (strings, listed on their own).
    for (const via of entry.via) {
      if (!isRecord(via)) continue;
      const severity = SEVERITIES.find((candidate) => candidate === via.severity) ?? 'critical';
      const advisory: Advisory = { id: text(via.source) || text(via.url), package: text(via.name) || name, severity, range: text(via.range), title: text(via.title), url: text(via.url) };
      advisories.set(`${advisory.id} ${advisory.package}`, advisory);
    }
  }
  return { kind: 'answered', advisories: [...advisories.values()] };
}

/** Every installed package and its versions, from package-lock.json (lockfileVersion 2 or 3). */
export function lockfilePackages(lockfile: unknown): ReadonlyMap<string, ReadonlySet<string>> {
  const packages = new Map<string, Set<string>>();
  const entries = isRecord(lockfile) && isRecord(lockfile.packages) ? lockfile.packages : {};
  for (const [path, entry] of Object.entries(entries)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || !isRecord(entry) || typeof entry.version !== 'string' || entry.link === true) continue;
    const name = path.slice(at + 'node_modules/'.length);
    const versions = packages.get(name) ?? new Set<string>();
    versions.add(entry.version);
    packages.set(name, versions);
  }
  return packages;
}

/** The snapshot's high and critical advisories that affect a version installed now. */
export function snapshotHits(snapshot: AdvisorySnapshot, installed: ReadonlyMap<string, ReadonlySet<string>>): AdvisoryHit[] {
  return snapshot.advisories.filter(isHighOrCritical).flatMap((advisory) =>
    [...(installed.get(advisory.package) ?? [])].filter((version) => satisfies(version, advisory.range)).map((version) => ({ advisory, version })),
  );
}

/** Installed `name@version`s the snapshot was not taken for: what it cannot speak about. */
export function uncovered(snapshot: AdvisorySnapshot, installed: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const covered = new Set(snapshot.packages);
  return [...installed].flatMap(([name, versions]) => [...versions].map((version) => `${name}@${version}`)).filter((entry) => !covered.has(entry));
}

type Triple = readonly [number, number, number];

function parseVersion(version: string): { readonly triple: Triple; readonly prerelease: boolean } | undefined {
  const match = /^v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (match === null) return undefined;
  const part = (value: string | undefined): number => (value === undefined || /^[xX*]$/.test(value) ? 0 : Number(value));
  return { triple: [part(match[1]), part(match[2]), part(match[3])], prerelease: match[4] !== undefined };
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `version` lies in an advisory range: comparator sets (`>=1.2.0 <1.2.5`) joined by `||`, with
 * `<`, `<=`, `>`, `>=`, `=` or a bare version, and `*` for all. That is the whole grammar advisories use;
 * a range it cannot read counts as matching, so an unreadable advisory is looked at rather than ignored.
 * A prerelease is compared by its version core, which errs towards reporting.
 */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  if (parsed === undefined) return true;
  return range.split('||').some((set) => {
    const comparators = set.trim().split(/\s+/).filter((token) => token !== '');
    return comparators.every((comparator) => {
      if (comparator === '*' || comparator === '') return true;
      const match = /^(<=|>=|<|>|=)?(.+)$/.exec(comparator);
      const bound = match?.[2] === undefined ? undefined : parseVersion(match[2]);
      if (bound === undefined) return true;
      const order = compare(parsed.triple, bound.triple);
      switch (match?.[1]) {
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
        default:
          return order === 0;
      }
    });
  });
}

/** One line per finding, for a failure message. */
export function describeAdvisories(advisories: readonly { readonly advisory: Advisory; readonly version?: string }[]): string {
  return advisories.map(({ advisory, version }) => `${advisory.severity}: ${advisory.package}${version === undefined ? '' : `@${version}`} (${advisory.range}) ${advisory.id} ${advisory.title} ${advisory.url}`).join('\n');
}
