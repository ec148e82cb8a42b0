import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateServiceKeyPair } from '@countypay/security';
import { runNode } from '@countypay/testing';

const root = join(__dirname, '..', '..');

/**
 * Starts a built app with `env` (a promise of how it ended). Each start is a cold Node start of a
 * whole app, a few seconds of mostly one core: the tests start theirs at once in beforeAll (at most
 * one per core at a time) and each awaits its own.
 */
function start(app: string, env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return runNode([join(root, `dist/apps/${app}/src/main.js`)], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env }, timeoutMs: 60_000 }).then(
    (r) => ({
      status: r.status,
      stderr: r.stderr,
    }),
  );
}

const gatewayKey = generateServiceKeyPair();
const good = {
  PORT: '4999',
  DATABASE_URL: 'postgres://cp_x_app:secret-pw@127.0.0.1:5432/countypay',
  DATABASE_SCHEMA: 'gateway',
  KAFKA_BROKERS: '127.0.0.1:9092',
  COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({ gw1: { issuer: 'gateway', publicKey: gatewayKey.publicKey } }),
};

const APPS = ['gateway', 'onboarding', 'qr-payment', 'acquiring', 'credit', 'settlement', 'channel-sandbox'];
const { COUNTYPAY_S2S_TRUSTED_KEYS: _trusted, ...withoutTrust } = good;
let badPort: Map<string, ReturnType<typeof start>>;
let missingTrust: ReturnType<typeof start>;
let forgedKeys: ReturnType<typeof start>;
let badBrokers: ReturnType<typeof start>;

describe('service config (built apps)', () => {
  beforeAll(() => {
    expect(spawnSync(process.execPath, [join(root, 'tools/build.mjs'), '--quiet']).status).toBe(0);
    badPort = new Map(APPS.map((app): [string, ReturnType<typeof start>] => [app, start(app, { ...good, PORT: 'eighty' })]));
    missingTrust = start('qr-payment', withoutTrust);
    forgedKeys = start('gateway', {
      ...good,
      COUNTYPAY_S2S_TRUSTED_KEYS: '{"gw1":{"issuer":"gateway","publicKey":"AAAA"}}',
      COUNTYPAY_S2S_SIGNING_KEY: gatewayKey.privateKey,
      COUNTYPAY_S2S_KEY_ID: 'bad id!',
    });
    badBrokers = start('settlement', { ...good, KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://u:secret-pw@h/db' });
  });

  it.each(APPS)('%s refuses to start on a bad port and names the variable', async (app) => {
    const r = await badPort.get(app)!;
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(`${app}: refusing to start`);
    expect(r.stderr).toMatch(/PORT: .*got 'eighty'/);
  });

  it('refuses to start without the keys of the services allowed to call it, and never prints a signing key', async () => {
    const missing = await missingTrust;
    expect(missing.status).toBe(78);
    expect(missing.stderr).toMatch(/COUNTYPAY_S2S_TRUSTED_KEYS/);
    const forged = await forgedKeys;
    expect(forged.status).toBe(78);
    expect(forged.stderr).toMatch(/COUNTYPAY_S2S_TRUSTED_KEYS key gw1/);
    expect(forged.stderr).toMatch(/COUNTYPAY_S2S_KEY_ID/);
    expect(forged.stderr).not.toContain(gatewayKey.privateKey);
  });

  it('names a malformed Kafka broker list and never prints the database password', async () => {
    const r = await badBrokers;
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('KAFKA_BROKERS');
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).not.toContain('secret-pw');
  });
});
