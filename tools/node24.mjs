// Imported first by the tools: when started with an older system Node (e.g. `node tools/x.mjs`
// on a machine whose Node is 20), re-runs the same command with the Node 24 that the `node`
// devDependency installs, the one every npm script uses.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const node24 = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'node');
  if (!existsSync(node24)) {
    process.stderr.write(`error: countypay needs Node.js 24 (this is ${process.version}); run npm ci first\n`);
    process.exit(1);
  }
  const r = spawnSync(node24, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
