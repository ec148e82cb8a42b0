// Runs every service's migrations (or the named ones) against the admin URL of the local
// infrastructure: each service gets its schema, its non-owner role and its tables. The
// onboarding migrations also seed the 99 county tenants. Needs a build (npm run build).
//   node tools/migrate.mjs [service…]      (COUNTYPAY_DB_NAME picks the database)
import './node24.mjs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { infraUp } from '../deploy/local/infra.mjs';
import { root } from './swc-config.mjs';
import { SERVICES } from './services.mjs';
import { localSecrets } from './secrets.mjs';

const require = createRequire(import.meta.url);

export async function migrateAll({ adminUrl, only = [] }) {
  const { migrateService } = require(join(root, 'dist/libs/shared/persistence/src/index.js'));
  const { appDbPassword } = localSecrets();
  for (const svc of SERVICES.filter((s) => only.length === 0 || only.includes(s.name))) {
    const { migrations, SCHEMA } = require(join(root, `dist/apps/${svc.name}/src/data-source.js`));
    const ran = await migrateService({ adminUrl, schema: SCHEMA, appPassword: appDbPassword, migrations });
    console.log(`migrate: ${svc.name.padEnd(16)} schema ${SCHEMA.padEnd(16)} ${ran.length ? `applied ${ran.join(', ')}` : 'up to date'}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const info = await infraUp();
  await migrateAll({ adminUrl: info.adminUrl, only: process.argv.slice(2).filter((a) => !a.startsWith('-')) });
  process.exit(0);
}
