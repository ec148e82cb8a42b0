import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Service-to-service authentication. A service never trusts a caller because it reached its
 * port: the caller (the gateway, or a service calling another) attaches a short-lived assertion
 * it signs with its own Ed25519 key — who it is (`iss`), which service it is for (`aud`), until
 * when (`exp`, at most a minute), and the actor it vouches for (the partner app or operator it
 * authenticated). Every service verifies it with the public keys it trusts, by key id, so keys
 * rotate without downtime: trust the new key everywhere, switch the signer, drop the old key.
 *
 * The token: `v1.<kid>.<base64url(JSON claims)>.<base64url(Ed25519 signature of "v1.<kid>.<claims>")>`.
 */

export const SERVICE_ASSERTION_HEADER = 'x-cp-assertion';

/** The actor a caller vouches for (the same shape the services' `Actor` has). */
export interface AssertedActor {
  type: 'app' | 'county' | 'province';
  id: string;
  tenantId?: string;
  appId?: string;
  partnerId?: string;
  scopes?: string[];
}

export interface ServiceAssertionClaims {
  /** the calling service */
  iss: string;
  /** the service it is for */
  aud: string;
  /** unix seconds */
  iat: number;
  exp: number;
  /** the actor the caller authenticated, when it acts for one */
  act?: AssertedActor;
  /** the request id, for logs */
  rid?: string;
}

export type AssertionCheck = { ok: true; claims: ServiceAssertionClaims } | { ok: false; reason: string };

/** At most this long-lived; verifiers refuse longer ones. */
export const MAX_ASSERTION_TTL_SECONDS = 60;
/** Clock skew allowed between services. */
const SKEW_SECONDS = 30;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** A new Ed25519 key pair as base64 DER (PKCS#8 private, SPKI public). */
export function generateServiceKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

function privateKeyOf(b64: string): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the service signing key must be an Ed25519 key');
  return key;
}

function publicKeyOf(b64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('a trusted service key must be an Ed25519 key');
  return key;
}

export class ServiceAssertionSigner {
  private readonly key: KeyObject;

  constructor(
    readonly issuer: string,
    readonly kid: string,
    privateKeyBase64: string,
  ) {
    if (!KID.test(kid)) throw new Error(`not a key id: ${kid}`);
    this.key = privateKeyOf(privateKeyBase64);
  }

  /** An assertion for `audience`, vouching for `actor` if given. */
  sign(audience: string, opts: { actor?: AssertedActor; requestId?: string; ttlSeconds?: number; nowMs?: number } = {}): string {
    const iat = Math.floor((opts.nowMs ?? Date.now()) / 1000);
    const claims: ServiceAssertionClaims = {
      iss: this.issuer,
      aud: audience,
      iat,
      exp: iat + Math.min(opts.ttlSeconds ?? MAX_ASSERTION_TTL_SECONDS, MAX_ASSERTION_TTL_SECONDS),
      ...(opts.actor ? { act: opts.actor } : {}),
      ...(opts.requestId ? { rid: opts.requestId.slice(0, 100) } : {}),
    };
    const signed = `v1.${this.kid}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
    return `${signed}.${sign(null, Buffer.from(signed, 'utf8'), this.key).toString('base64url')}`;
  }
}

/** The public keys a service trusts, by key id, each with the one issuer it may sign for. */
export type TrustedServiceKeys = Record<string, { issuer: string; publicKey: string }>;

/** Parses the JSON form of TrustedServiceKeys (COUNTYPAY_S2S_TRUSTED_KEYS); throws saying what is wrong. */
export function parseTrustedServiceKeys(json: string): TrustedServiceKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0)
    throw new Error('must be a non-empty JSON object of key id → { issuer, publicKey }');
  for (const [kid, v] of Object.entries(parsed as Record<string, unknown>)) {
    const e = v as { issuer?: unknown; publicKey?: unknown };
    if (!KID.test(kid) || typeof e?.issuer !== 'string' || typeof e.publicKey !== 'string')
      throw new Error(`key ${kid.slice(0, 64)} needs a string issuer and publicKey`);
    try {
      publicKeyOf(e.publicKey);
    } catch (err) {
      throw new Error(`key ${kid}: ${err instanceof Error ? err.message : 'not an Ed25519 SPKI key'}`);
    }
  }
  return parsed as TrustedServiceKeys;
}

export class ServiceAssertionVerifier {
  private readonly keys = new Map<string, { issuer: string; key: KeyObject }>();

  constructor(
    /** this service: assertions for another audience are refused */
    readonly self: string,
    trusted: TrustedServiceKeys,
  ) {
    for (const [kid, t] of Object.entries(trusted)) this.keys.set(kid, { issuer: t.issuer, key: publicKeyOf(t.publicKey) });
  }

  verify(token: string | undefined, nowMs = Date.now()): AssertionCheck {
    if (!token) return { ok: false, reason: 'no service assertion' };
    if (token.length > 4096) return { ok: false, reason: 'the service assertion is too long' };
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1' || !KID.test(parts[1]!) || !B64URL.test(parts[2]!) || !B64URL.test(parts[3]!))
      return { ok: false, reason: 'malformed service assertion' };
    const [, kid, body, sig] = parts as [string, string, string, string];
    const trusted = this.keys.get(kid);
    if (!trusted) return { ok: false, reason: `unknown key id ${kid}` };
    if (!verify(null, Buffer.from(`v1.${kid}.${body}`, 'utf8'), trusted.key, Buffer.from(sig, 'base64url'))) return { ok: false, reason: 'bad signature' };
    let claims: ServiceAssertionClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ServiceAssertionClaims;
    } catch {
      return { ok: false, reason: 'malformed claims' };
    }
    if (claims.iss !== trusted.issuer) return { ok: false, reason: `key ${kid} does not sign for ${String(claims.iss)}` };
    if (claims.aud !== this.self) return { ok: false, reason: `the assertion is for ${String(claims.aud)}, not ${this.self}` };
    const now = Math.floor(nowMs / 1000);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return { ok: false, reason: 'malformed claims' };
    if (claims.exp - claims.iat > MAX_ASSERTION_TTL_SECONDS) return { ok: false, reason: 'the assertion lives too long' };
    if (claims.iat > now + SKEW_SECONDS) return { ok: false, reason: 'the assertion is from the future' };
    if (claims.exp < now - SKEW_SECONDS) return { ok: false, reason: 'the assertion has expired' };
    return { ok: true, claims };
  }
}
