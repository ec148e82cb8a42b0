// Benchmark: one signed read (GET /v1/merchants) through the gateway, HMAC-SHA256 vs SM2-SM3,
// against a running platform (npm start). Onboards a bench partner with one app per algorithm,
// then, for each algorithm, runs a fixed number of concurrent workers for a fixed time and prints
// throughput and latency percentiles (client-side: signing + gateway verification, nonce store,
// rate limit, proxy to onboarding, response signing, SDK response verification).
//   npm run bench:gateway -- [--seconds 15] [--concurrency 8]
// The per-app rate limit (600/min by default) caps a bench: start the platform with
//   GATEWAY_RATE_LIMIT_APP_PER_MINUTE=1000000 GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE=1000000 npm start
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CountypayApiError, CountypayClient, CountypayOperatorClient } from '@countypay/sdk';
import { generateSm2KeyPair } from '@countypay/security';

interface Secrets {
  provinceOperatorToken: string;
  platformSm2: { publicKey: string };
}

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '15' }, concurrency: { type: 'string', default: '8' }, url: { type: 'string' } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const baseUrl = values.url ?? process.env.COUNTYPAY_URL ?? 'http://127.0.0.1:4000';
const secrets = JSON.parse(readFileSync(join(__dirname, '..', '..', '.local', 'secrets.json'), 'utf8')) as Secrets;
const TENANT = 't510121';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function waitUntilKnown(client: CountypayClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.request('GET', '/v1/merchants', { query: { limit: 1 } });
      return;
    } catch (e) {
      if (!(e instanceof CountypayApiError) || e.code !== 'unknown_app' || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function run(label: string, client: CountypayClient): Promise<void> {
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  const progress = setInterval(() => process.stdout.write(`  ${label}: ${latencies.length} requests, ${errors} errors…\n`), 5000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const t0 = process.hrtime.bigint();
        try {
          await client.request('GET', '/v1/merchants', { query: { limit: 10 } });
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch {
          errors++;
        }
      }
    }),
  );
  clearInterval(progress);
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  process.stdout.write(
    `${label.padEnd(12)} ${String(latencies.length).padStart(6)} ok  ${String(errors).padStart(4)} errors  ` +
      `${(latencies.length / elapsed).toFixed(1).padStart(7)} req/s   p50 ${ms(percentile(latencies, 50))}  p95 ${ms(percentile(latencies, 95))}  p99 ${ms(percentile(latencies, 99))}\n`,
  );
}

async function main(): Promise<void> {
  const operator = new CountypayOperatorClient({ baseUrl, token: secrets.provinceOperatorToken });
  const partner = await operator.request<{ partnerId: string }>('POST', '/v1/admin/partners', {
    body: { name: `bench-${Date.now()}`, kind: 'regional_platform' },
  });
  const scopes = ['merchants:read'];
  const hmac = await operator.request<{ appId: string; appSecret: string }>('POST', `/v1/admin/partners/${partner.partnerId}/apps`, {
    body: { tenantId: TENANT, name: 'bench hmac', scopes, callbackUrls: [], credential: { alg: 'HMAC-SHA256' } },
  });
  const keys = generateSm2KeyPair();
  const sm2 = await operator.request<{ appId: string }>('POST', `/v1/admin/partners/${partner.partnerId}/apps`, {
    body: { tenantId: TENANT, name: 'bench sm2', scopes, callbackUrls: [], credential: { alg: 'SM2-SM3', publicKey: keys.publicKey } },
  });
  const clients = {
    'HMAC-SHA256': new CountypayClient({ baseUrl, appId: hmac.appId, alg: 'HMAC-SHA256', secret: hmac.appSecret }),
    'SM2-SM3': new CountypayClient({
      baseUrl,
      appId: sm2.appId,
      alg: 'SM2-SM3',
      privateKey: keys.privateKey,
      platformPublicKey: secrets.platformSm2.publicKey,
    }),
  };
  for (const c of Object.values(clients)) await waitUntilKnown(c);
  process.stdout.write(
    `signed read GET /v1/merchants through ${baseUrl}: ${concurrency} workers × ${seconds} s per algorithm, load ${loadavg()[0].toFixed(2)} on ${cpus().length} cores\n`,
  );
  for (const [label, client] of Object.entries(clients)) {
    await run(label, client);
  }
  process.stdout.write(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
