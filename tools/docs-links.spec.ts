import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Documentation is read on a fresh clone: every relative link in a Markdown file of the repository
// (and every file a comment in a config names) must point at a file inside the repository.
const ROOT = join(__dirname, '..');
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.md'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/') && existsSync(join(ROOT, f)));

describe('links in the repository', () => {
  it.each(files)('%s links only to files inside the repository', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    const problems: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (!target || /^[a-z]+:/i.test(target)) continue; // https:, mailto:, in-page anchors
      const abs = resolve(dirname(join(ROOT, file)), decodeURIComponent(target));
      if (relative(ROOT, abs).startsWith('..')) problems.push(`${target} is outside the repository`);
      else if (!existsSync(abs)) problems.push(`${target} does not exist`);
    }
    expect(problems).toEqual([]);
  });

  it('names only documents that exist in config comments', () => {
    for (const config of ['eslint.config.mjs', 'jest.config.mjs']) {
      for (const m of readFileSync(join(ROOT, config), 'utf8').matchAll(/\b((?:docs\/)?[\w./-]+\.md)\b/g))
        expect([config, existsSync(join(ROOT, m[1]!))]).toEqual([config, true]);
    }
  });
});
