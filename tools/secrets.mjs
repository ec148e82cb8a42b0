// Local secrets, generated once per checkout into .local/secrets.json (git-ignored) and never
// printed: the services' database role password and the keys the apps use at rest.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDir } from '../deploy/local/util.mjs';

const file = join(localDir, 'secrets.json');

export function localSecrets() {
  const wanted = {
    appDbPassword: () => randomBytes(18).toString('base64url'),
    piiKey: () => randomBytes(32).toString('base64'),
    blindIndexKey: () => randomBytes(32).toString('base64'),
    credentialKey: () => randomBytes(32).toString('base64'),
  };
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  let changed = false;
  for (const [k, make] of Object.entries(wanted)) {
    if (!current[k]) {
      current[k] = make();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(localDir, { recursive: true });
    writeFileSync(file, JSON.stringify(current, null, 2), { mode: 0o600 });
  }
  return current;
}
