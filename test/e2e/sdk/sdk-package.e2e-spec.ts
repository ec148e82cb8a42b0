// The SDK as a partner gets it: `nx run sdk:pack` builds libs/sdk into a tarball, a scratch
// project outside the workspace installs that tarball from npm's point of view (no path aliases,
// no workspace node_modules) and a plain JavaScript script makes signed calls against the e2e
// platform and verifies webhooks with it.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gatewayUrl } from '../support/platform';
import { onboardApp, type TestApp } from '../gateway/gateway-fixtures';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const packDir = join(root, '.local', 'sdk-pack');
const sdkPackage = JSON.parse(readFileSync(join(root, 'libs/sdk/package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
const tarballName = `countypay-sdk-${sdkPackage.version}.tgz`;
/** The environment of a partner's shell: none of jest's Node options or module paths. */
const { NODE_OPTIONS: _jestOptions, NODE_PATH: _modulePath, ...partnerEnv } = process.env;

/** What the partner's script does, in plain JavaScript, knowing only the installed package. */
const PARTNER_SCRIPT = String.raw`
const { createHmac, randomUUID } = require('node:crypto');
const { CountypayClient, CountypaySignatureError, parseWebhook, verifyWebhook } = require('@countypay/sdk');

const { baseUrl, hmac, sm2, webhookSecret } = JSON.parse(process.env.PARTNER_CONFIG);
const print = (line) => console.log(JSON.stringify(line));

async function main() {
  print({ step: 'resolved', path: require.resolve('@countypay/sdk') });

  // a signed call with an HMAC-SHA256 app: the SDK signs, and checks the response's signature
  const cp = new CountypayClient({ baseUrl, appId: hmac.appId, alg: 'HMAC-SHA256', secret: hmac.secret });
  const page = await cp.merchants.list({ limit: 1 });
  print({ step: 'hmac-call', data: Array.isArray(page.data), nextCursor: page.nextCursor === null || typeof page.nextCursor === 'string' });

  // the same call signed with a wrong secret is refused (and its answer does not verify either)
  const forged = new CountypayClient({ baseUrl, appId: hmac.appId, alg: 'HMAC-SHA256', secret: hmac.secret.slice(0, -1) + (hmac.secret.endsWith('A') ? 'B' : 'A') });
  try {
    await forged.merchants.list({ limit: 1 });
    print({ step: 'forged-call', refused: false });
  } catch (err) {
    const api = err instanceof CountypaySignatureError ? err.unverified : err;
    print({ step: 'forged-call', refused: true, error: err.name, status: api && api.status, code: api && api.code });
  }

  // an SM2-SM3 app: signed with its private key, answers verified with the platform key it publishes
  const platformKey = await new CountypayClient({ baseUrl, appId: sm2.appId, alg: 'SM2-SM3', privateKey: sm2.privateKey }).platformKey();
  const gm = new CountypayClient({ baseUrl, appId: sm2.appId, alg: 'SM2-SM3', privateKey: sm2.privateKey, platformPublicKey: platformKey.publicKey });
  const sm2Page = await gm.merchants.list({ limit: 1 });
  print({ step: 'sm2-call', data: Array.isArray(sm2Page.data), platformKeyAlg: platformKey.algorithm });

  // a webhook signed the Standard Webhooks way (by hand, not with the SDK), then verified with it
  const body = JSON.stringify({ id: 'evt_' + randomUUID(), type: 'payment.succeeded', data: { orderId: 'qro_1', amountFen: 1288 } });
  const sign = (id, timestamp, raw, secret) =>
    'v1,' + createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(id + '.' + timestamp + '.' + raw).digest('base64');
  const id = 'msg_' + randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': sign(id, now, body, webhookSecret) };
  const stale = now - 600;
  print({
    step: 'webhook',
    valid: verifyWebhook(headers, Buffer.from(body), webhookSecret),
    validFetchHeaders: verifyWebhook(new Headers(headers), body, webhookSecret),
    tamperedBody: verifyWebhook(headers, body.replace('1288', '1289'), webhookSecret),
    wrongSecret: verifyWebhook(headers, body, 'whsec_' + Buffer.alloc(32, 7).toString('base64')),
    staleTimestamp: verifyWebhook({ ...headers, 'webhook-timestamp': String(stale), 'webhook-signature': sign(id, stale, body, webhookSecret) }, body, webhookSecret),
    parsedType: parseWebhook(headers, body, webhookSecret).type,
  });
}

main().then(
  () => print({ step: 'done' }),
  (err) => {
    print({ step: 'failed', error: String(err && err.stack || err) });
    process.exitCode = 1;
  },
);
`;

interface Line {
  step: string;
  [key: string]: unknown;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('@countypay/sdk as an npm package', () => {
  let scratch: string;
  let tarball: string;

  beforeAll(async () => {
    // the package's own targets: build (tsc -p libs/sdk/tsconfig.lib.json) then npm pack
    rmSync(join(packDir, tarballName), { force: true });
    const env = { ...partnerEnv, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
    await run(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run', 'sdk:pack', '--skip-nx-cache'], { cwd: root, env, maxBuffer: 16 << 20 });
    scratch = mkdtempSync(join(tmpdir(), 'countypay-partner-'));
    tarball = join(scratch, tarballName);
    copyFileSync(join(packDir, tarballName), tarball);
    // a partner's project: npm install ./countypay-sdk-<version>.tgz
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'county-partner', version: '0.0.0', private: true }, null, 2));
    await run('npm', ['install', `./${tarballName}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: scratch,
      env: partnerEnv,
      maxBuffer: 16 << 20,
    });
  }, 300_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('packs compiled JavaScript, declarations, package.json and README only', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const entries = stdout.trim().split('\n').sort();
    expect(entries).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/signing/index.js',
      ]),
    );
    const unexpected = entries.filter((e) => !/^package\/(package\.json|README\.md|dist\/[\w/.-]+\.(js|d\.ts))$/.test(e) || /spec/.test(e));
    expect(unexpected).toEqual([]);
    // every module has its declarations
    const js = entries.filter((e) => e.endsWith('.js'));
    expect(js.length).toBeGreaterThan(5);
    for (const file of js) expect(entries).toContain(file.replace(/\.js$/, '.d.ts'));
  });

  it('installs into a project outside the workspace with only its own dependencies, importing nothing else of the workspace', async () => {
    expect(relative(root, scratch).startsWith('..')).toBe(true);
    const installed = join(scratch, 'node_modules', '@countypay', 'sdk');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as typeof sdkPackage & { main: string; types: string };
    const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest).toMatchObject({ name: '@countypay/sdk', version: sdkPackage.version, main: 'dist/index.js', types: 'dist/index.d.ts' });
    // its dependencies are exactly the packages its compiled code imports (at the workspace's versions)
    const imports = filesUnder(join(installed, 'dist'))
      .filter((f) => /\.(js|d\.ts)$/.test(f))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?:require\(|from\s+|import\()\s*["']([^"']+)["']/g)].map((m) => m[1] as string))
      .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'));
    expect(imports.filter((spec) => spec.startsWith('@countypay/'))).toEqual([]);
    expect([...new Set(imports)].sort()).toEqual(Object.keys(manifest.dependencies).sort());
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      expect({ name, range }).toEqual({ name, range: rootPackage.dependencies[name] });
      expect(readdirSync(join(scratch, 'node_modules'))).toContain(name);
    }
  });

  it('its declarations type-check a partner’s strict TypeScript (NodeNext resolution)', async () => {
    writeFileSync(
      join(scratch, 'typed.ts'),
      [
        "import { CountypayClient, CountypayApiError, type Merchant, type Page, type WebhookEvent, parseWebhook, verifyWebhook } from '@countypay/sdk';",
        'export async function firstMerchant(secret: string): Promise<Merchant | undefined> {',
        "  const cp = new CountypayClient({ baseUrl: 'https://openapi.example', appId: 'app_x', alg: 'HMAC-SHA256', secret });",
        '  const page: Page<Merchant> = await cp.merchants.list({ limit: 1 });',
        '  return page.data[0];',
        '}',
        'export function onWebhook(headers: Record<string, string>, raw: Buffer, secret: string): WebhookEvent | undefined {',
        '  return verifyWebhook(headers, raw, secret) ? parseWebhook(headers, raw, secret) : undefined;',
        '}',
        'export const isApiError = (e: unknown): e is CountypayApiError => e instanceof CountypayApiError;',
        '',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--typeRoots',
      join(root, 'node_modules/@types'),
      'typed.ts',
    ];
    const result = await run(process.execPath, [tsc, ...args], { cwd: scratch, env: partnerEnv }).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    expect(result).toBe('');
  });

  it('a plain JavaScript script makes signed HMAC and SM2 calls against the platform and verifies webhooks', async () => {
    const [hmacApp, sm2App]: TestApp[] = await Promise.all([
      onboardApp({ scopes: ['merchants:read'] }),
      onboardApp({ scopes: ['merchants:read'], alg: 'SM2-SM3' }),
    ]);
    writeFileSync(join(scratch, 'partner.js'), PARTNER_SCRIPT);
    const config = {
      baseUrl: gatewayUrl(),
      hmac: { appId: hmacApp.appId, secret: hmacApp.signingKey },
      sm2: { appId: sm2App.appId, privateKey: sm2App.signingKey },
      webhookSecret: hmacApp.webhookSecret,
    };
    // the workspace's Node, as a partner's own would run it
    const { stdout, stderr } = await run(process.execPath, ['partner.js'], {
      cwd: scratch,
      env: { ...partnerEnv, PARTNER_CONFIG: JSON.stringify(config) },
    }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? String(err) }));
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
    const step = (name: string): Line | undefined => lines.find((l) => l.step === name);

    expect({ failed: step('failed'), stderr: step('done') ? '' : stderr }).toEqual({ failed: undefined, stderr: '' });
    expect(step('resolved')?.['path']).toBe(join(scratch, 'node_modules', '@countypay', 'sdk', 'dist', 'index.js'));
    expect(step('hmac-call')).toEqual({ step: 'hmac-call', data: true, nextCursor: true });
    expect(step('forged-call')).toEqual({ step: 'forged-call', refused: true, error: 'CountypaySignatureError', status: 401, code: 'invalid_signature' });
    expect(step('sm2-call')).toEqual({ step: 'sm2-call', data: true, platformKeyAlg: 'SM2-SM3' });
    expect(step('webhook')).toEqual({
      step: 'webhook',
      valid: true,
      validFetchHeaders: true,
      tamperedBody: false,
      wrongSecret: false,
      staleTimestamp: false,
      parsedType: 'payment.succeeded',
    });
    expect(step('done')).toBeDefined();
  });
});
