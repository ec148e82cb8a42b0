// `npm run test:fuzz [jest args…]`: builds, then runs test/fuzz/fuzz.e2e-spec.ts (≥ 10,000 requests
// generated from the OpenAPI document) against a platform booted the way the e2e tier boots it.
//   COUNTYPAY_FUZZ_REQUESTS=20000 npm run test:fuzz     more requests
//   COUNTYPAY_FUZZ_SEED=123456 npm run test:fuzz        reproduce a run (its seed is printed first)
//   COUNTYPAY_E2E_BASE_PORT=4300 npm run test:fuzz      beside another e2e platform
import '../../tools/node24.mjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../../tools/swc-config.mjs';

const env = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning']
    .filter(Boolean)
    .join(' '),
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  NX_DAEMON: 'false',
};
const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);
const jest = [
  join(root, 'node_modules/jest/bin/jest.js'),
  '--config',
  join(root, 'test/fuzz/jest.config.mjs'),
  '--runInBand',
  '--testTimeout=3600000',
  ...process.argv.slice(2),
];
const r = spawnSync(process.execPath, jest, { stdio: 'inherit', env, cwd: root });
process.exit(r.status ?? 1);
