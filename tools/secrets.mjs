// Local secrets, generated once per checkout into .local/secrets.json (git-ignored) and never
// printed: the services' database role password and the keys the apps use at rest.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDir } from '../deploy/local/util.mjs';

const file = join(localDir, 'secrets.json');

/** The secrets as the apps' environment variables (see each app's config class). */
export function secretsEnv(s = localSecrets()) {
  return {
    COUNTYPAY_PII_KEY: s.piiKey,
    COUNTYPAY_BLIND_INDEX_KEY: s.blindIndexKey,
    COUNTYPAY_CREDENTIAL_KEY: s.credentialKey,
    COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY: s.platformSm2.privateKey,
    COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY: s.platformSm2.publicKey,
    SANDBOX_NOTIFY_SECRET: s.sandboxNotifySecret,
    COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN: s.provinceOperatorToken,
  };
}

export function localSecrets() {
  const wanted = {
    appDbPassword: () => randomBytes(18).toString('base64url'),
    piiKey: () => randomBytes(32).toString('base64'),
    blindIndexKey: () => randomBytes(32).toString('base64'),
    credentialKey: () => randomBytes(32).toString('base64'),
    provinceOperatorToken: () => `cpo_${randomBytes(32).toString('base64url')}`,
    sandboxNotifySecret: () => randomBytes(24).toString('base64url'),
    platformSm2: () => createRequire(import.meta.url)('sm-crypto-v2').sm2.generateKeyPairHex(),
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
