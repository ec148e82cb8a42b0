// Local secrets, generated once per checkout into .local/secrets.json (git-ignored) and never
// printed: the services' database role password and the keys the apps use at rest.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDir } from '../deploy/local/util.mjs';

const file = join(localDir, 'secrets.json');

/**
 * The secrets as one app's environment variables (see each app's config class). Every app trusts
 * the service-assertion keys of the services that call others — the gateway, qr-payment and
 * acquiring (they call credit for holds), and settlement (it asks acquiring to make up an order,
 * 补单); each of those holds its own private half.
 * `service` undefined: the variables every app shares.
 */
export function secretsEnv(s = localSecrets(), service = undefined) {
  const callers = { gateway: s.gatewayS2s, 'qr-payment': s.qrPaymentS2s, acquiring: s.acquiringS2s, settlement: s.settlementS2s };
  const own = callers[service];
  return {
    COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify(Object.fromEntries(Object.entries(callers).map(([issuer, k]) => [k.kid, { issuer, publicKey: k.publicKey }]))),
    ...(own ? { COUNTYPAY_S2S_SIGNING_KEY: own.privateKey, COUNTYPAY_S2S_KEY_ID: own.kid } : {}),
    COUNTYPAY_PII_KEY: s.piiKey,
    COUNTYPAY_BLIND_INDEX_KEY: s.blindIndexKey,
    COUNTYPAY_CREDENTIAL_KEY: s.credentialKey,
    COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY: s.platformSm2.privateKey,
    COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY: s.platformSm2.publicKey,
    SANDBOX_NOTIFY_SECRET: s.sandboxNotifySecret,
    COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN: s.provinceOperatorToken,
    COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD: s.provinceConsolePassword,
  };
}

function s2sKey(prefix) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    kid: `${prefix}-${randomBytes(4).toString('hex')}`,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export function localSecrets() {
  const wanted = {
    appDbPassword: () => randomBytes(18).toString('base64url'),
    piiKey: () => randomBytes(32).toString('base64'),
    blindIndexKey: () => randomBytes(32).toString('base64'),
    credentialKey: () => randomBytes(32).toString('base64'),
    provinceOperatorToken: () => `cpo_${randomBytes(32).toString('base64url')}`,
    // the ops console's sign-in of the bootstrap province operator (user name `province`)
    provinceConsolePassword: () => randomBytes(12).toString('base64url'),
    sandboxNotifySecret: () => randomBytes(24).toString('base64url'),
    platformSm2: () => createRequire(import.meta.url)('sm-crypto-v2').sm2.generateKeyPairHex(),
    gatewayS2s: () => s2sKey('gw'),
    qrPaymentS2s: () => s2sKey('qr'),
    acquiringS2s: () => s2sKey('acq'),
    settlementS2s: () => s2sKey('stl'),
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
