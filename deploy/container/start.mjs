// The container image's command (deploy/container/Containerfile):
//   start.mjs <app>        runs one service in this process: dist/apps/<app>/src/main.js
//   start.mjs migrate …    the release step: every service's migrations and the Kafka topics
//                          (deploy/container/migrate.mjs; the Kubernetes migration Job runs it)
// The service reads its configuration from the environment (see each app's config classes);
// SIGTERM drains it (libs/shared/service-kit: HTTP first, then consumers, relay, database) and it
// exits 0. tini, the image's entrypoint, forwards the signal and reaps.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from '../../tools/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [command, ...rest] = process.argv.slice(2);

if (command === 'migrate') {
  const { runMigrate } = await import('./migrate.mjs');
  process.exit(await runMigrate({ root, args: rest, env: process.env }));
}

const service = SERVICES.find((s) => s.name === command);
if (!service) {
  process.stderr.write(`usage: start.mjs <${SERVICES.map((s) => s.name).join('|')}> | migrate [service…] [--skip-topics]\n`);
  process.exit(2);
}
const main = join(root, 'dist', 'apps', service.name, 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`${service.name}: ${main} is missing (build first: npm run build)\n`);
  process.exit(1);
}
// main.js loads its tracing first, then Nest; it stays in this process (one process per container)
createRequire(import.meta.url)(main);
