// `npm run lint`: builds the Nx project graph first (the module-boundary rule reads it and is
// silently skipped without it), then ESLint over the whole workspace with --max-warnings 0.
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
const r = spawnSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), ...(args.length ? args : ['.']), '--max-warnings', '0'], { env, cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
