/**
 * The README's promises that can rot: the two commands are exactly what CI runs and what package.json
 * defines, and every relative link in README.md and docs/*.md points at a file that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** The lines of the README's fenced code blocks, trimmed. */
function codeLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```[^\n]*\n([^]*?)^```$/gm)];
  return blocks.flatMap((block) => (block[1] ?? '').split('\n').map((line) => line.trim()));
}

/** Link targets of `[text](target)`, outside code spans and blocks; anchors and queries removed. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[^]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.replace(/[#?].*$/, ''))
    .filter((target) => target !== '');
}

const MARKDOWN_FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

describe('README.md', () => {
  it('gives exactly the two commands: the demo and the tests that CI runs', () => {
    const lines = codeLines(read('README.md'));
    const commands = lines.filter((line) => line.startsWith('npm ci')).map((line) => line.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const ci = read('.ci/run').split('\n').map((line) => line.trim());
    expect(ci).toContain('npm ci && npm test');
  });

  it('names npm scripts that package.json defines', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toMatch(/bin\/isthmus\.js .*demo$/);
    const named = [...read('README.md').matchAll(/npm (?:run ([a-z:]+)|(start|test)\b)/g)].map((match) => match[1] ?? match[2] ?? '');
    expect(named.length).toBeGreaterThan(3);
    expect([...new Set(named)].filter((name) => !(name in scripts))).toEqual([]);
  });
});

describe.each(MARKDOWN_FILES)('relative links in %s', (file) => {
  it('point at files that exist', () => {
    const links = relativeLinks(read(file));
    const missing = links.filter((target) => !existsSync(join(ROOT, dirname(file), target)));
    expect(missing.map((target) => relative(ROOT, join(ROOT, dirname(file), target)))).toEqual([]);
  });
});
