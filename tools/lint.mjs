// `npm run lint`: builds the Nx project graph first (the module-boundary rule reads it and is
// silently skipped without it), then ESLint over the whole workspace (or the given paths) with
// --max-warnings 0, then Prettier's check of the same files (.prettierrc.json, .prettierignore).
import './node24.mjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './swc-config.mjs';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const graph = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { env, cwd: root, encoding: 'utf8' });
if (graph.status !== 0) {
  process.stderr.write(graph.stderr);
  process.exit(graph.status ?? 1);
}
const args = process.argv.slice(2);
// typed linting keeps a TypeScript program per tsconfig (services, console, tests): more than V8's default heap
const eslint = spawnSync(
  process.execPath,
  ['--max-old-space-size=8192', join(root, 'node_modules/eslint/bin/eslint.js'), ...(args.length ? args : ['.']), '--max-warnings', '0'],
  {
    env,
    cwd: root,
    stdio: 'inherit',
  },
);
if (eslint.status !== 0) process.exit(eslint.status ?? 1);
const patterns = (args.length ? args : ['.']).map((p) =>
  p.endsWith('.ts') || p.endsWith('.mjs') || p.endsWith('.json') ? p : `${p.replace(/\/$/, '')}/**/*.{ts,mjs,json}`,
);
const prettier = spawnSync(
  process.execPath,
  [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level', 'warn', '--no-error-on-unmatched-pattern', ...patterns],
  { env, cwd: root, stdio: 'inherit' },
);
if (prettier.status !== 0) process.stderr.write('formatting differs from Prettier: run `npm run format`\n');
process.exit(prettier.status ?? 1);
