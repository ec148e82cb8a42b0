// `npm test`: unit, then integration (real PostgreSQL + Kafka, started by the int global
// setup if needed), then end-to-end (the whole platform booted as `npm start` does).
// `node tools/test.mjs unit|int|e2e [jest args…]` runs one tier.
import './node24.mjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './swc-config.mjs';

const tiers = ['unit', 'int', 'e2e'];
const [first, ...rest] = process.argv.slice(2);
const selected = tiers.includes(first) ? [first] : tiers;
const extra = tiers.includes(first) ? rest : process.argv.slice(2);

const env = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning']
    .filter(Boolean)
    .join(' '),
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  NX_DAEMON: 'false',
};

if (selected.includes('e2e')) {
  const b = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit', env });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

for (const tier of selected) {
  console.log(`\n== ${tier} tests ==`);
  const args = [join(root, 'node_modules/jest/bin/jest.js'), '--selectProjects', tier, ...(tier === 'unit' ? [] : ['--runInBand', `--testTimeout=${tier === 'e2e' ? 120000 : 90000}`]), ...extra];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env, cwd: root });
  if (r.status !== 0) {
    console.error(`\n${tier} tests failed`);
    process.exit(r.status ?? 1);
  }
}
