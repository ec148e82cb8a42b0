import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateServiceKeyPair } from '@countypay/security';

const root = join(__dirname, '..', '..');

function start(app: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, `dist/apps/${app}/src/main.js`)], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
  });
  return { status: r.status, stderr: r.stderr };
}

const gatewayKey = generateServiceKeyPair();
const good = {
  PORT: '4999',
  DATABASE_URL: 'postgres://cp_x_app:secret-pw@127.0.0.1:5432/countypay',
  DATABASE_SCHEMA: 'gateway',
  KAFKA_BROKERS: '127.0.0.1:9092',
  COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({ gw1: { issuer: 'gateway', publicKey: gatewayKey.publicKey } }),
};

describe('service config (built apps)', () => {
  beforeAll(() => {
    expect(spawnSync(process.execPath, [join(root, 'tools/build.mjs'), '--quiet']).status).toBe(0);
  });

  it.each(['gateway', 'onboarding', 'qr-payment', 'acquiring', 'credit', 'settlement', 'channel-sandbox'])(
    '%s refuses to start on a bad port and names the variable',
    (app) => {
      const r = start(app, { ...good, PORT: 'eighty' });
      expect(r.status).toBe(78);
      expect(r.stderr).toContain(`${app}: refusing to start`);
      expect(r.stderr).toMatch(/PORT: .*got 'eighty'/);
    },
  );

  it('refuses to start without the keys of the services allowed to call it, and never prints a signing key', () => {
    const { COUNTYPAY_S2S_TRUSTED_KEYS: _trusted, ...withoutTrust } = good;
    const missing = start('qr-payment', withoutTrust);
    expect(missing.status).toBe(78);
    expect(missing.stderr).toMatch(/COUNTYPAY_S2S_TRUSTED_KEYS/);
    const forged = start('gateway', {
      ...good,
      COUNTYPAY_S2S_TRUSTED_KEYS: '{"gw1":{"issuer":"gateway","publicKey":"AAAA"}}',
      COUNTYPAY_S2S_SIGNING_KEY: gatewayKey.privateKey,
      COUNTYPAY_S2S_KEY_ID: 'bad id!',
    });
    expect(forged.status).toBe(78);
    expect(forged.stderr).toMatch(/COUNTYPAY_S2S_TRUSTED_KEYS key gw1/);
    expect(forged.stderr).toMatch(/COUNTYPAY_S2S_KEY_ID/);
    expect(forged.stderr).not.toContain(gatewayKey.privateKey);
  });

  it('names a malformed Kafka broker list and never prints the database password', () => {
    const r = start('settlement', { ...good, KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://u:secret-pw@h/db' });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('KAFKA_BROKERS');
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).not.toContain('secret-pw');
  });
});
