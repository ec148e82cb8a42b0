// The Java signing example for partners (docs/examples/java-signing): built with Maven
// (BouncyCastle from Maven Central), it must reproduce the worked examples of docs/signing.md
// byte for byte — read from the doc here, not copied — and make a live signed call that the
// e2e platform's gateway accepts.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyRequestSignature } from '@countypay/sdk';
import { gatewayUrl } from '../support/platform';
import { onboardApp } from '../gateway/gateway-fixtures';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const example = join(root, 'docs/examples/java-signing');
const jar = join(example, 'target/countypay-signing-example.jar');

const missing = ['java', 'mvn'].filter((tool) => {
  const r = spawnSync(tool, ['-version'], { stdio: 'ignore' });
  return r.error !== undefined || r.status !== 0;
});
if (missing.length > 0) {
  console.warn(`SKIPPED: the Java signing example needs ${missing.join(' and ')} on the PATH (apt-get install -y openjdk-17-jdk-headless maven)`);
}
const describeWithJava = missing.length > 0 ? describe.skip : describe;

const doc = readFileSync(join(root, 'docs/signing.md'), 'utf8');

/** docs/signing.md's value for a label: a `| label | \`value\` |` table row, or the JSON string literal after `<!-- worked-example:label -->`. */
function documented(label: string): string {
  const rows = doc.split('\n').flatMap((line) => {
    const cells = line.split(' | ');
    return cells.length === 2 && cells[0] === `| ${label}` && /^`[^`]+` \|$/.test(cells[1] as string) ? [(cells[1] as string).slice(1, -3)] : [];
  });
  if (rows.length === 1) return rows[0] as string;
  const marker = doc.indexOf(`<!-- worked-example:${label} -->\n\``);
  if (rows.length === 0 && marker !== -1) {
    const start = doc.indexOf('`', marker) + 1;
    return JSON.parse(doc.slice(start, doc.indexOf('`', start))) as string;
  }
  throw new Error(`docs/signing.md has ${rows.length} rows "${label}" and ${marker === -1 ? 'no' : 'a'} worked-example:${label} string`);
}

/** The example's `Label: value` lines. */
function parse(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0 && !line.startsWith('#')) out.set(line.slice(0, at), line.slice(at + 2));
  }
  return out;
}

describeWithJava('Java signing example (docs/examples/java-signing)', () => {
  beforeAll(async () => {
    // the first build downloads BouncyCastle and Maven's plugins from Maven Central; clean, so
    // that no class compiled from another version of the sources survives
    await run('mvn', ['-q', '-B', 'clean', 'package'], { cwd: example, maxBuffer: 16 << 20 });
  }, 600_000);

  it('reproduces every value of the worked examples in docs/signing.md', async () => {
    const { stdout } = await run('java', ['-jar', jar], { cwd: example });
    const printed = parse(stdout);

    // §6 request and response, §7 SM2-SM3 digest and key, §9 webhook: byte for byte
    for (const label of [
      'Canonical query',
      'Body digest (SHA-256)',
      'Signature',
      'Response body digest (SHA-256)',
      'Response signature',
      'SM2 public key',
      'Body digest (SM3)',
      'webhook-signature',
    ]) {
      expect({ label, value: printed.get(label) }).toEqual({ label, value: documented(label) });
    }
    // the canonical strings, printed as JSON string literals like the doc's
    for (const label of ['canonical', 'response-canonical', 'sm2-canonical']) {
      expect({ label, value: JSON.parse(printed.get(label) ?? 'null') as unknown }).toEqual({ label, value: documented(label) });
    }

    // SM2 signatures are randomised: BouncyCastle accepts the doc's sample, and the SDK (the
    // platform's own code) accepts BouncyCastle's fresh one
    expect(printed.get('Sample SM2 signature verifies')).toBe('true');
    expect(printed.get('Fresh SM2 signature verifies')).toBe('true');
    const fresh = printed.get('Fresh SM2 signature') ?? '';
    expect(fresh).not.toBe(documented('Sample SM2 signature'));
    expect(verifyRequestSignature('SM2-SM3', documented('SM2 public key'), documented('sm2-canonical'), fresh)).toBe(true);
    expect(verifyRequestSignature('SM2-SM3', documented('SM2 public key'), documented('canonical'), fresh)).toBe(false);
    expect(printed.get('Webhook verifies')).toBe('true');
  });

  it('makes a live signed call that the gateway accepts, and verifies the signed answer', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    const { stdout } = await run('java', ['-jar', jar, '--call', gatewayUrl(), app.appId, app.signingKey], { cwd: example });
    const printed = parse(stdout);
    expect({ status: printed.get('HTTP'), verified: printed.get('Response signature verifies') }).toEqual({ status: '200', verified: 'true' });
    expect(JSON.parse(printed.get('Body') ?? '{}')).toMatchObject({ data: expect.any(Array) });
    expect(printed.get('X-CP-Request-Id')).toMatch(/\S/);

    // signed with another secret: refused, and the example says so with its exit status
    const forged = `${app.signingKey.slice(0, -1)}${app.signingKey.endsWith('A') ? 'B' : 'A'}`;
    const refused = await run('java', ['-jar', jar, '--call', gatewayUrl(), app.appId, forged], { cwd: example }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (err: { code?: number; stdout?: string }) => ({ code: err.code, stdout: err.stdout ?? '' }),
    );
    expect(refused.code).toBe(1);
    expect(parse(refused.stdout).get('HTTP')).toBe('401');
    expect(JSON.parse(parse(refused.stdout).get('Body') ?? '{}')).toMatchObject({ error: { code: 'invalid_signature' } });
  });
});
