// `npm test`: typecheck, lint, then the three jest tiers — unit, integration (real PostgreSQL +
// Kafka, started by the int global setup if needed) and end-to-end (the whole platform booted as
// `npm start` does). Ends with one summary line `tests: N passed, N failed, N skipped`.
//   node tools/test.mjs unit|int|e2e [jest args…]     one tier only
//   node tools/test.mjs static                         typecheck and lint only
import './node24.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './swc-config.mjs';

const tiers = ['unit', 'int', 'e2e'];
const [first, ...rest] = process.argv.slice(2);
const only = [...tiers, 'static'].includes(first) ? first : undefined;
const extra = only ? rest : process.argv.slice(2);
const selected = only === 'static' ? [] : only ? [only] : tiers;
const runStatic = !only || only === 'static';

const env = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning']
    .filter(Boolean)
    .join(' '),
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  NX_DAEMON: 'false',
};
const resultsDir = join(root, '.local', 'test-results');
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(title, args, stepEnv = env) {
  console.log(`\n== ${title} ==`);
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: stepEnv, cwd: root });
  console.log(`== ${title}: ${r.status === 0 ? 'ok' : 'FAILED'} (${Math.round((Date.now() - started) / 1000)} s) ==`);
  return r.status === 0;
}

/** Runs steps at once (each a single process, mostly on one core), each one's output shown whole when it ends, in order. */
async function concurrently(steps) {
  console.log(`\n== ${steps.map((s) => s.title).join(' ‖ ')} (at once) ==`);
  const runs = steps.map(({ title, args, env: stepEnv = env }) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { env: stepEnv, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    return new Promise((resolve) => {
      child.on('error', (err) => {
        out.push(Buffer.from(`${err.message}\n`));
        resolve({ title, ok: false, out, secs: Math.round((Date.now() - started) / 1000) });
      });
      child.on('close', (code) => resolve({ title, ok: code === 0, out, secs: Math.round((Date.now() - started) / 1000) }));
    });
  });
  let ok = true;
  for (const run of runs) {
    const r = await run;
    console.log(`\n== ${r.title} ==`);
    process.stdout.write(Buffer.concat(r.out));
    console.log(`== ${r.title}: ${r.ok ? 'ok' : 'FAILED'} (${r.secs} s) ==`);
    ok &&= r.ok;
  }
  return ok;
}

function finish(ok) {
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(ok ? 0 : 1);
}

// the type check, the lint (its own typed programs) and the build (swc, for the e2e platform) share
// nothing and each keeps about one core busy: run at once, they take as long as the lint alone
const before = [];
if (runStatic) {
  const { NODE_OPTIONS: _ignored, ...plain } = env;
  before.push({ title: 'typecheck', args: [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], env: plain });
  before.push({ title: 'lint', args: [join(root, 'tools/lint.mjs')], env: plain });
}
if (selected.includes('e2e')) before.push({ title: 'build', args: [join(root, 'tools/build.mjs')] });
if (before.length === 1 && !step(before[0].title, before[0].args, before[0].env)) finish(false);
if (before.length > 1 && !(await concurrently(before))) finish(false);

mkdirSync(resultsDir, { recursive: true });
for (const tier of selected) {
  const out = join(resultsDir, `${tier}.json`);
  rmSync(out, { force: true });
  const args = [
    join(root, 'node_modules/jest/bin/jest.js'),
    '--selectProjects',
    tier,
    '--json',
    `--outputFile=${out}`,
    ...(tier === 'unit' ? ['--testTimeout=30000'] : ['--runInBand', `--testTimeout=${tier === 'e2e' ? 180000 : 120000}`]),
    ...extra,
  ];
  const ok = step(`${tier} tests`, args);
  try {
    const res = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += res.numPassedTests;
    totals.failed += res.numFailedTests + (res.numRuntimeErrorTestSuites ?? 0);
    totals.skipped += res.numPendingTests + res.numTodoTests;
  } catch {
    totals.failed += 1; // jest did not even report
  }
  if (!ok) finish(false);
}
finish(true);
