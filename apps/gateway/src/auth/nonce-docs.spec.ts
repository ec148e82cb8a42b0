import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS } from '@countypay/security';
import { NONCE_TTL_SECONDS } from './nonce.repository';

// docs/signing.md is what partners build from: its anti-replay figures must be the gateway's.
describe('the signing spec states the anti-replay figures the gateway uses', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'signing.md'), 'utf8').replace(/\s+/g, ' ');

  it('nonce memory', () => {
    const stated = /nonce is remembered for (\d+) minutes/.exec(doc);
    expect(stated?.[1]).toBe(String(NONCE_TTL_SECONDS / 60));
    // remembered longer than the whole timestamp window on both sides, so no replay is ever accepted
    expect(NONCE_TTL_SECONDS).toBeGreaterThan(2 * DEFAULT_TIMESTAMP_TOLERANCE_SECONDS);
  });
});
