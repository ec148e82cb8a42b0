// Development: build, migrate and run ONE app in the foreground with the local infrastructure.
//   node tools/run-app.mjs <service> [--port 5201] [--db countypay_dev] [--urls '{"onboarding":"http://127.0.0.1:5202"}']
// Its consumer groups get the prefix dev-<port>, so it does not take events from `npm start`'s apps.
import './node24.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraUp } from '../deploy/local/infra.mjs';
import { migrateAll } from './migrate.mjs';
import { localSecrets, secretsEnv } from './secrets.mjs';
import { SERVICES } from './services.mjs';
import { root } from './swc-config.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string' }, db: { type: 'string', default: 'countypay_dev' }, urls: { type: 'string', default: '{}' } },
});
const svc = SERVICES.find((s) => s.name === positionals[0]);
if (!svc) {
  console.error(`usage: node tools/run-app.mjs <${SERVICES.map((s) => s.name).join('|')}> [--port N] [--db NAME]`);
  process.exit(2);
}
if (spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);
const infra = await infraUp({ database: values.db });
await migrateAll({ adminUrl: infra.adminUrl, only: [svc.name] });
const secrets = localSecrets();
const port = values.port ?? String(5000 + svc.offset);
const u = new URL(infra.adminUrl);
u.username = `cp_${svc.schema}_app`;
u.password = secrets.appDbPassword;
const child = spawn(process.execPath, ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', join(root, `dist/apps/${svc.name}/src/main.js`)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: port,
    DATABASE_URL: u.toString(),
    DATABASE_SCHEMA: svc.schema,
    KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_GROUP_PREFIX: `dev-${port}`,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    COUNTYPAY_SERVICE_URLS: values.urls,
    ...secretsEnv(secrets, svc.name),
  },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
