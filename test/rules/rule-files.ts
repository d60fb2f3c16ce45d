import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT: string = fileURLToPath(new URL('../..', import.meta.url));
export const RULES_DIR: string = join(ROOT, 'rules');
export const RULE_TESTS_DIR: string = join(RULES_DIR, 'tests');

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

export interface RuleFile {
  readonly path: string;
  readonly groups: readonly RuleGroup[];
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, where: string): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(where, 'expected a map');
  for (const [key, entry] of Object.entries(value)) if (typeof entry !== 'string') fail(where, `${key} is not a string`);
  return value as Readonly<Record<string, string>>;
}

function toRule(value: unknown, where: string): Rule {
  if (!isRecord(value) || typeof value.expr !== 'string') fail(where, 'a rule needs an expr');
  const labels = stringMap(value.labels, `${where} labels`);
  if (typeof value.record === 'string') return { record: value.record, expr: value.expr, ...(labels === undefined ? {} : { labels }) };
  if (typeof value.alert !== 'string') fail(where, 'a rule is a record or an alert');
  const annotations = stringMap(value.annotations, `${where} annotations`);
  return {
    alert: value.alert,
    expr: value.expr,
    ...(typeof value.for === 'string' ? { for: value.for } : {}),
    ...(labels === undefined ? {} : { labels }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

/** Parses a Prometheus rule file into typed groups (throws on anything unexpected). */
export function parseRuleFile(text: string, path: string): RuleFile {
  const parsed: unknown = parse(text);
  if (!isRecord(parsed) || !Array.isArray(parsed.groups)) fail(path, 'no groups');
  const groups = parsed.groups.map((group: unknown, index): RuleGroup => {
    const where = `${path} group ${index}`;
    if (!isRecord(group) || typeof group.name !== 'string' || !Array.isArray(group.rules)) fail(where, 'a group needs a name and rules');
    return {
      name: group.name,
      ...(typeof group.interval === 'string' ? { interval: group.interval } : {}),
      rules: group.rules.map((rule: unknown, ruleIndex) => toRule(rule, `${where} rule ${ruleIndex}`)),
    };
  });
  return { path, groups };
}

export function ruleFilePaths(): string[] {
  return readdirSync(RULES_DIR)
    .filter((file) => file.endsWith('.rules.yaml'))
    .sort()
    .map((file) => join(RULES_DIR, file));
}

export function loadRuleFiles(): RuleFile[] {
  return ruleFilePaths().map((path) => parseRuleFile(readFileSync(path, 'utf8'), path));
}

export function allRules(files: readonly RuleFile[] = loadRuleFiles()): Rule[] {
  return files.flatMap((file) => file.groups.flatMap((group) => group.rules));
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

export function alertingRules(files?: readonly RuleFile[]): AlertingRule[] {
  return allRules(files).filter(isAlertingRule);
}

export function recordNames(files?: readonly RuleFile[]): Set<string> {
  return new Set(allRules(files).flatMap((rule) => ('record' in rule ? [rule.record] : [])));
}

export function ruleTestPaths(): string[] {
  return readdirSync(RULE_TESTS_DIR)
    .filter((file) => file.endsWith('.test.yaml'))
    .sort()
    .map((file) => join(RULE_TESTS_DIR, file));
}
