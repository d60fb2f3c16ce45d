/**
 * `isthmus lint FILE… | -`: checks the Isthmus annotations in Kubernetes manifests, for CI and GitOps.
 *
 * Reading files is the only effect; everything else (`lintManifestText`, `formatText`, `exitCodeFor`) is a
 * pure function of the text, so it is tested without a file system.
 */
import { readFile, stat } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { Severity } from '../../domain/problem.ts';
import { displayKey, isInvisible, quote } from '../../domain/quote.ts';
import { isIsthmusRelated, parseNamespaceAnnotations, parseServiceAnnotations } from '../../domain/slo-annotations.ts';
import type { Color } from '../../domain/color.ts';
import type { ServiceIntent } from '../../domain/slo.ts';
import { parseManifests } from '../../kube/manifests.ts';
import type { ManifestObject } from '../../kube/manifests.ts';
import type { CliIo } from '../cli-io.ts';
import type { CommandContext } from '../main.ts';

export const STDIN_NAME = '<stdin>';

/**
 * Manifest bundles (a whole `kustomize build`, CRDs included) reach a few megabytes; a Kubernetes object
 * itself is capped near 1.5 MB by etcd. A bigger file is almost certainly not a manifest.
 */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Codes of findings about the input itself, next to the annotation codes of `slo-annotations.ts`. */
export const INPUT_CODES = {
  unreadable: 'Unreadable',
  invalidManifest: 'InvalidManifest',
  invalidAnnotationValue: 'InvalidAnnotationValue',
} as const;

export interface ObjectRef {
  readonly kind: 'Service' | 'Namespace';
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

export interface LintFinding {
  readonly file: string;
  /** 1-based; undefined when the finding is about the whole file (it could not be read). */
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly severity: Severity;
  readonly code: string;
  /** The annotation key the finding is about, when there is one. */
  readonly key: string | undefined;
  readonly object: ObjectRef | undefined;
  readonly message: string;
}

export interface ServiceReport {
  readonly file: string;
  readonly line: number;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly intent: ServiceIntent;
}

export interface NamespaceReport {
  readonly file: string;
  readonly line: number;
  readonly name: string | undefined;
  readonly allowedTunnels: readonly Color[] | undefined;
}

export interface FileReport {
  readonly file: string;
  /** False when the file could not be read or parsed completely: the run then exits 2. */
  readonly readable: boolean;
  readonly findings: readonly LintFinding[];
  readonly services: readonly ServiceReport[];
  readonly namespaces: readonly NamespaceReport[];
}

interface LintOptions {
  readonly strict?: boolean;
  readonly quiet?: boolean;
  readonly output: OutputFormat;
}

const HELP = `
Checks the Isthmus annotations (isthmus.io/..., policy.sdwan.cisco.com/tunnel) of every Service, and
isthmus.io/allowed-tunnels of every Namespace, in multi-document YAML or JSON manifests, including the
items of a kind: List. Each finding is printed as FILE:LINE: SEVERITY: MESSAGE, the line being that of
the annotation key; a summary goes to stderr.

Exit codes:
  0  no errors (warnings are allowed unless --strict)
  1  errors found (with --strict, warnings too)
  2  unreadable input (missing file, YAML syntax error, a document that is not an object), or bad usage

Examples:
  $ isthmus lint deploy/app.yaml deploy/services.json
  $ kustomize build overlays/prod | isthmus lint --strict -
  $ isthmus lint -o json --quiet deploy/app.yaml
`;

export function registerLintCommand(program: Command, context: CommandContext): void {
  program
    .command('lint')
    .description('validate Isthmus annotations in Kubernetes manifests (YAML or JSON), for CI and GitOps')
    .argument('<files...>', 'manifest files to check; - reads standard input')
    .option('--strict', 'fail on warnings too')
    .option('-q, --quiet', 'do not print the summary line on stderr')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .addHelpText('after', HELP)
    .action(async (files: string[], options: LintOptions) => {
      context.exitCode = await runLint(files, options, context.io);
    });
}

async function runLint(files: readonly string[], options: LintOptions, io: CliIo): Promise<number> {
  let stdin: Promise<string> | undefined;
  const reports: FileReport[] = [];
  for (const file of files) {
    if (file === '-') {
      // Standard input can be read only once; a second `-` sees the same text.
      stdin ??= io.readStdin();
      reports.push(lintManifestText(STDIN_NAME, await stdin));
    } else {
      const read = await readManifestFile(file);
      reports.push(read.ok ? lintManifestText(file, read.text) : unreadableReport(file, read.reason));
    }
  }
  const summary = summarize(reports);
  io.stdout(options.output === 'json' ? formatJson(reports, summary) : formatText(reports));
  if (options.quiet !== true) io.stderr(`${formatSummary(summary)}\n`);
  return exitCodeFor(summary, options.strict === true);
}

type ReadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

async function readManifestFile(file: string): Promise<ReadResult> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { ok: false, reason: 'is a directory; name the manifest files (e.g. dir/*.yaml)' };
    if (info.size > MAX_MANIFEST_BYTES) return { ok: false, reason: `is too large (${info.size} bytes; at most ${MAX_MANIFEST_BYTES})` };
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (error) {
    return { ok: false, reason: describeFsError(error) };
  }
}

function describeFsError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'cannot be read: no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}

function unreadableReport(file: string, reason: string): FileReport {
  const finding: LintFinding = {
    file,
    line: undefined,
    column: undefined,
    severity: 'error',
    code: INPUT_CODES.unreadable,
    key: undefined,
    object: undefined,
    message: reason,
  };
  return { file, readable: false, findings: [finding], services: [], namespaces: [] };
}

/** Lints one manifest text; `file` is only used to label findings. */
export function lintManifestText(file: string, text: string): FileReport {
  const parsed = parseManifests(text);
  const findings: LintFinding[] = parsed.errors.map((error) => ({
    file,
    line: error.position?.line,
    column: error.position?.column,
    severity: 'error',
    code: INPUT_CODES.unreadable,
    key: undefined,
    object: undefined,
    message: `cannot be parsed: ${error.message}`,
  }));
  const services: ServiceReport[] = [];
  const namespaces: NamespaceReport[] = [];
  for (const object of parsed.objects) {
    const kind = checkedKind(object.value);
    if (kind === undefined) continue;
    const metadata = asRecord(object.value.metadata);
    const ref: ObjectRef = { kind, namespace: stringOrUndefined(metadata?.namespace), name: stringOrUndefined(metadata?.name) };
    const context = { file, object, ref, findings };
    const annotations = readAnnotations(context, metadata?.annotations);
    if (kind === 'Service') {
      const result = parseServiceAnnotations(annotations);
      for (const problem of result.problems) addFinding(context, problem.severity, problem.code, problem.key, problem.message);
      services.push({ file, line: object.position.line, namespace: ref.namespace, name: ref.name, intent: result.intent });
    } else {
      const result = parseNamespaceAnnotations(annotations);
      for (const problem of result.problems) addFinding(context, problem.severity, problem.code, problem.key, problem.message);
      namespaces.push({ file, line: object.position.line, name: ref.name, allowedTunnels: result.allowedTunnels });
    }
  }
  // Findings in source order; a stable sort keeps the parser's order for findings on the same line.
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { file, readable: parsed.errors.length === 0, findings, services, namespaces };
}

interface ObjectContext {
  readonly file: string;
  readonly object: ManifestObject;
  readonly ref: ObjectRef;
  readonly findings: LintFinding[];
}

function addFinding(context: ObjectContext, severity: Severity, code: string, key: string | undefined, message: string): void {
  const path = key === undefined ? ['metadata', 'annotations'] : ['metadata', 'annotations', key];
  const position = context.object.locate(path);
  context.findings.push({
    file: context.file,
    line: position.line,
    column: position.column,
    severity,
    code,
    key,
    object: context.ref,
    message,
  });
}

/**
 * Only core `v1` Services and Namespaces carry Isthmus annotations (a Knative `Service` does not);
 * a missing apiVersion is tolerated, as in a kustomize patch.
 */
function checkedKind(value: Readonly<Record<string, unknown>>): ObjectRef['kind'] | undefined {
  if (value.apiVersion !== undefined && value.apiVersion !== 'v1') return undefined;
  return value.kind === 'Service' || value.kind === 'Namespace' ? value.kind : undefined;
}

/**
 * The annotations as strings. Kubernetes rejects a number or boolean annotation value (`max-latency: 50`,
 * `fallback: no` in YAML 1.1), so for Isthmus keys that is an error; the value's text as written is still
 * checked, so the findings also say what the value should look like.
 */
function readAnnotations(context: ObjectContext, raw: unknown): Record<string, string> {
  const annotations = Object.create(null) as Record<string, string>;
  if (raw === undefined || raw === null) return annotations;
  const record = asRecord(raw);
  if (record === undefined) {
    addFinding(context, 'error', INPUT_CODES.invalidManifest, undefined, 'metadata.annotations is not a mapping; expected key: value pairs with string values');
    return annotations;
  }
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') {
      annotations[key] = value;
      continue;
    }
    // A null value (`key:` with nothing after it) decodes as "" in Kubernetes: the parser says what is wrong.
    if (value === null) {
      annotations[key] = '';
      continue;
    }
    // YAML 1.1 reads `2024-01-01` as a timestamp; Kubernetes keeps it as the string written.
    if (value instanceof Date) {
      annotations[key] = context.object.sourceText(['metadata', 'annotations', key]) ?? value.toISOString();
      continue;
    }
    if (!isIsthmusRelated(key)) continue;
    const scalar = typeof value === 'number' || typeof value === 'boolean';
    const text = scalar ? (context.object.sourceText(['metadata', 'annotations', key]) ?? String(value)) : undefined;
    const what = scalar ? `a ${typeof value}` : Array.isArray(value) ? 'a list' : 'a mapping';
    const fix = text === undefined ? 'expected a string' : `expected a string: quote it, ${quote(text)}`;
    addFinding(context, 'error', INPUT_CODES.invalidAnnotationValue, key, `${displayKey(key)}: the value is ${what}, but Kubernetes accepts only strings as annotation values; ${fix}`);
    if (text !== undefined) annotations[key] = text;
  }
  return annotations;
}

export interface LintSummary {
  readonly files: number;
  readonly services: number;
  readonly namespaces: number;
  readonly errors: number;
  readonly warnings: number;
  readonly unreadable: number;
}

export function summarize(reports: readonly FileReport[]): LintSummary {
  const findings = reports.flatMap((report) => report.findings);
  return {
    files: reports.length,
    services: reports.reduce((sum, report) => sum + report.services.length, 0),
    namespaces: reports.reduce((sum, report) => sum + report.namespaces.length, 0),
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
    unreadable: reports.filter((report) => !report.readable).length,
  };
}

/** Unreadable input wins over findings: CI must not mistake a partly checked set for a verdict. */
export function exitCodeFor(summary: LintSummary, strict: boolean): number {
  if (summary.unreadable > 0) return 2;
  if (summary.errors > 0 || (strict && summary.warnings > 0)) return 1;
  return 0;
}

export function formatSummary(summary: LintSummary): string {
  const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return [count(summary.files, 'file'), count(summary.services, 'service'), count(summary.errors, 'error'), count(summary.warnings, 'warning')].join(', ');
}

/** `file:line: severity: Kind namespace/name: message`, one line per finding. */
export function formatText(reports: readonly FileReport[]): string {
  let out = '';
  for (const report of reports) {
    for (const finding of report.findings) {
      const where = finding.line === undefined ? displayFile(finding.file) : `${displayFile(finding.file)}:${finding.line}`;
      const what = finding.object === undefined ? '' : `${describeObject(finding.object)}: `;
      out += `${where}: ${finding.severity}: ${what}${finding.message}\n`;
    }
  }
  return out;
}

export function formatJson(reports: readonly FileReport[], summary: LintSummary): string {
  const document = {
    summary,
    findings: reports.flatMap((report) => report.findings),
    services: reports.flatMap((report) => report.services),
    namespaces: reports.flatMap((report) => report.namespaces),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** `Service shop/web`; a missing namespace is left out (kubectl or kustomize sets it at apply time). */
function describeObject(ref: ObjectRef): string {
  const name = ref.name === undefined ? '<unnamed>' : displayName(ref.name);
  return ref.namespace === undefined || ref.kind === 'Namespace' ? `${ref.kind} ${name}` : `${ref.kind} ${displayName(ref.namespace)}/${name}`;
}

/** Kubernetes names are DNS labels or subdomains; anything else is quoted so it cannot forge output lines. */
function displayName(name: string): string {
  return /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name) ? name : quote(name);
}

/** File names come from the command line and are shown as given, unless they hold invisible characters. */
function displayFile(file: string): string {
  for (const char of file) {
    if (isInvisible(char.codePointAt(0) ?? 0)) return quote(file);
  }
  return file;
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
