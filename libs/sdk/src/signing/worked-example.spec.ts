import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyDigest, canonicalQuery, canonicalRequest, responseCanonical } from './canonical-request';
import { hmacKey, signRequest, verifyRequestSignature } from './request-signature';
import { sm2PublicKeyFromPem, sm2PublicKeyFromPrivateKey, sm2PublicKeyToPem } from './sm2';
import { signWebhook, verifyWebhook } from './webhook-signature';

// Recomputes the examples of docs/signing.md from the doc itself, so the doc cannot drift
// from the implementation: inputs and expected outputs are both read from the markdown.
const doc = readFileSync(join(__dirname, '../../../../docs/signing.md'), 'utf8');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The backticked value of a `| Label | \`value\` |` table row; the label must be unique. */
function field(label: string): string {
  const matches = [...doc.matchAll(new RegExp(`^\\| ${escapeRegExp(label)} \\| \`([^\`]+)\` \\|$`, 'gm'))];
  if (matches.length !== 1) throw new Error(`expected exactly one table row "${label}" in docs/signing.md, found ${matches.length}`);
  return matches[0]![1]!;
}

/** The content of the fenced code block right after `<!-- worked-example:<name> -->`. */
function block(name: string): string {
  const match = new RegExp(`<!-- worked-example:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match) throw new Error(`no worked-example:${name} block in docs/signing.md`);
  return match[1]!;
}

/** The JSON string literal in backticks on the line after `<!-- worked-example:<name> -->`. */
function jsonString(name: string): string {
  const match = new RegExp(`<!-- worked-example:${name} -->\\n\`("[^\`]*")\``).exec(doc);
  if (!match) throw new Error(`no worked-example:${name} string in docs/signing.md`);
  return JSON.parse(match[1]!) as string;
}

const request = {
  method: field('Method'),
  path: field('Path'),
  query: field('Raw query'),
  timestamp: field('Timestamp'),
  nonce: field('Nonce'),
  body: block('body'),
};

describe('docs/signing.md worked examples', () => {
  it('HMAC-SHA256 request: body digest, canonical query, canonical string and signature', () => {
    expect(Buffer.byteLength(request.body)).toBe(84);
    expect(bodyDigest('HMAC-SHA256', request.body)).toBe(field('Body digest (SHA-256)'));
    expect(canonicalQuery(request.query)).toBe(field('Canonical query'));
    const canonical = canonicalRequest({ alg: 'HMAC-SHA256', ...request });
    expect(canonical).toBe(jsonString('canonical'));
    expect(Buffer.byteLength(canonical)).toBe(201);
    expect(signRequest('HMAC-SHA256', field('App secret'), canonical)).toBe(field('Signature'));
    expect(verifyRequestSignature('HMAC-SHA256', field('App secret'), canonical, field('Signature'))).toBe(true);
    // the gateway's form of the key (made once per app): the same signature
    expect(signRequest('HMAC-SHA256', hmacKey(field('App secret')), canonical)).toBe(field('Signature'));
    expect(verifyRequestSignature('HMAC-SHA256', hmacKey(field('App secret')), canonical, field('Signature'))).toBe(true);
  });

  it('shows the same canonical string line by line and in the headers block', () => {
    const lines = jsonString('canonical').split('\n').slice(0, -1);
    expect(doc).toContain(['```text', ...lines.map((line) => `${line}⏎`), '```'].join('\n'));
    expect(doc).toContain(`X-CP-Signature: ${field('Signature')}\n`);
    expect(doc).toContain(`X-CP-App-Id: ${field('App id')}\n`);
  });

  it('HMAC-SHA256 response: canonical string and signature', () => {
    const body = block('response-body');
    expect(bodyDigest('HMAC-SHA256', body)).toBe(field('Response body digest (SHA-256)'));
    const canonical = responseCanonical({
      alg: 'HMAC-SHA256',
      status: Number(field('Status')),
      requestId: field('Request id'),
      timestamp: field('Response timestamp'),
      requestNonce: request.nonce,
      body,
    });
    expect(canonical).toBe(jsonString('response-canonical'));
    expect(signRequest('HMAC-SHA256', field('App secret'), canonical)).toBe(field('Response signature'));
    expect(signRequest('HMAC-SHA256', hmacKey(field('App secret')), canonical)).toBe(field('Response signature'));
  });

  it('SM2-SM3: key pair, PEM, SM3 digest, canonical string, and the sample signature verifies', () => {
    const publicKey = field('SM2 public key');
    expect(sm2PublicKeyFromPrivateKey(field('SM2 private key'))).toBe(publicKey);
    expect(sm2PublicKeyToPem(publicKey).trim()).toBe(block('sm2-pem'));
    expect(sm2PublicKeyFromPem(block('sm2-pem'))).toBe(publicKey);
    expect(bodyDigest('SM2-SM3', request.body)).toBe(field('Body digest (SM3)'));
    const canonical = canonicalRequest({ alg: 'SM2-SM3', ...request });
    expect(canonical).toBe(jsonString('sm2-canonical'));
    expect(verifyRequestSignature('SM2-SM3', publicKey, canonical, field('Sample SM2 signature'))).toBe(true);
    const fresh = signRequest('SM2-SM3', field('SM2 private key'), canonical);
    expect(verifyRequestSignature('SM2-SM3', publicKey, canonical, fresh)).toBe(true);
  });

  it('Standard Webhooks example: signature and verification', () => {
    const input = {
      secret: field('Webhook secret'),
      webhookId: field('webhook-id'),
      timestamp: Number(field('webhook-timestamp')),
      body: block('webhook-body'),
    };
    expect(signWebhook(input)).toBe(field('webhook-signature'));
    const headers = { 'webhook-id': input.webhookId, 'webhook-timestamp': String(input.timestamp), 'webhook-signature': field('webhook-signature') };
    expect(verifyWebhook({ secret: input.secret, headers, body: input.body, nowSeconds: input.timestamp + 60 })).toEqual({ ok: true });
  });
});
