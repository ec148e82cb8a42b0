// Compiles apps/ (but the browser console, which Vite builds), libs/ and tools/*.ts to dist/ with swc (type checking is `npm run typecheck`).
// Incremental: a file is recompiled only when its source is newer than its output.
import './node24.mjs';
import { transformFile } from '@swc/core';
import { mkdir, readdir, stat, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { root, swcOptions } from './swc-config.mjs';

const SKIP = /\.(spec|int-spec|e2e-spec)\.ts$|\.d\.ts$/;
const ASSETS = /\.(json|csv|sql|html)$/;
const out = join(root, 'dist');

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === 'dist') continue;
      yield* walk(p);
    } else yield p;
  }
}

async function newer(src, dst) {
  try {
    const [s, d] = await Promise.all([stat(src), stat(dst)]);
    return s.mtimeMs > d.mtimeMs;
  } catch {
    return true;
  }
}

const started = Date.now();
let compiled = 0;
const options = swcOptions();
const jobs = [];
for (const top of ['apps', 'libs', 'tools', 'test/fixtures', 'test/load', 'test/chaos', 'deploy/k8s']) {
  for await (const file of walk(join(root, top))) {
    const rel = relative(root, file);
    if (rel.startsWith('apps/console/')) continue; // the ops console is a browser app: Vite builds it into dist/console
    if (file.endsWith('.ts') && !SKIP.test(file)) {
      const dst = join(out, rel.replace(/\.ts$/, '.js'));
      if (!(await newer(file, dst))) continue;
      jobs.push(
        (async () => {
          const res = await transformFile(file, { ...options, filename: file, sourceFileName: relative(dirname(dst), file) });
          await mkdir(dirname(dst), { recursive: true });
          await writeFile(dst, res.code + `\n//# sourceMappingURL=${dst.split('/').pop()}.map\n`);
          if (res.map) await writeFile(dst + '.map', res.map);
          compiled++;
        })(),
      );
    } else if (ASSETS.test(file) && top !== 'tools') {
      const dst = join(out, rel);
      if (!(await newer(file, dst))) continue;
      await mkdir(dirname(dst), { recursive: true });
      await copyFile(file, dst);
    }
  }
}
await Promise.all(jobs);
if (!process.argv.includes('--quiet')) {
  console.log(`build: ${compiled} file(s) compiled to dist/ in ${Date.now() - started} ms`);
}
