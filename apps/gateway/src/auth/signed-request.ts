import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  NONCE_PATTERN,
  canonicalRequest,
  checkTimestamp,
  isSignatureAlgorithm,
  type SignatureKey,
  splitRequestTarget,
  verifyRequestSignature,
} from '@countypay/security';
import type { StoredCredential } from '../registry/registry.types';

/** The five `X-CP-*` request headers, as received (any may be missing). */
export interface SignatureHeaders {
  appId?: string;
  timestamp?: string;
  nonce?: string;
  signature?: string;
  alg?: string;
}

/** Reads the signature headers from Node's lower-cased header map. */
export function signatureHeaders(headers: Record<string, string | string[] | undefined>): SignatureHeaders {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    appId: one('x-cp-app-id'),
    timestamp: one('x-cp-timestamp'),
    nonce: one('x-cp-nonce'),
    signature: one('x-cp-signature'),
    alg: one('x-cp-signature-alg'),
  };
}

/** Credentials that verify now: active ones, and retiring ones until their `notAfter`. */
export function usableCredentials(credentials: readonly StoredCredential[], nowMs: number): StoredCredential[] {
  return credentials.filter((c) => c.status === 'active' || (c.status === 'retiring' && c.notAfter !== undefined && Date.parse(c.notAfter) > nowMs));
}

export type SignatureFailure = 'invalid_signature' | 'signature_algorithm_mismatch' | 'timestamp_out_of_window';

export interface SignatureCheckInput {
  method: string;
  /** the request target as on the request line (`req.originalUrl`): raw path and raw query */
  target: string;
  body: Buffer | undefined;
  headers: SignatureHeaders;
  credentials: readonly StoredCredential[];
  nowMs: number;
  /** the verification key of a credential (an HMAC secret, decrypted in memory), undefined if none */
  keyOf: (credential: StoredCredential) => SignatureKey | undefined;
  toleranceSeconds?: number;
}

export type SignatureCheck = { ok: true; credential: StoredCredential } | { ok: false; code: SignatureFailure; message: string; param?: string };

/**
 * Checks a signed request against an app's credentials, in the order of docs/signing.md §4:
 * algorithm, timestamp window, nonce format, then the signature over the canonical string
 * rebuilt from the request as received (raw path, raw query, raw body bytes). The nonce's
 * uniqueness is checked afterwards by the nonce store, only for requests that verified.
 */
export function checkSignedRequest(input: SignatureCheckInput): SignatureCheck {
  const h = input.headers;
  for (const [value, header] of [
    [h.timestamp, 'X-CP-Timestamp'],
    [h.nonce, 'X-CP-Nonce'],
    [h.signature, 'X-CP-Signature'],
    [h.alg, 'X-CP-Signature-Alg'],
  ] as const) {
    if (!value) return { ok: false, code: 'invalid_signature', message: `the ${header} header is missing`, param: header };
  }
  const alg = h.alg as string;
  const usable = usableCredentials(input.credentials, input.nowMs);
  const candidates = isSignatureAlgorithm(alg) ? usable.filter((c) => c.alg === alg) : [];
  if (candidates.length === 0) {
    const registered = [...new Set(usable.map((c) => c.alg))].join(', ') || 'none';
    return { ok: false, code: 'signature_algorithm_mismatch', message: `this app signs with ${registered}, not ${alg}`, param: 'X-CP-Signature-Alg' };
  }
  const nowSeconds = Math.floor(input.nowMs / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  const ts = checkTimestamp(h.timestamp as string, nowSeconds, tolerance);
  if (ts !== 'ok') {
    return {
      ok: false,
      code: 'timestamp_out_of_window',
      message: `X-CP-Timestamp must be unix seconds within ${tolerance} s of the platform clock`,
      param: 'X-CP-Timestamp',
    };
  }
  if (!NONCE_PATTERN.test(h.nonce as string)) {
    return { ok: false, code: 'invalid_signature', message: 'X-CP-Nonce must be 8-64 characters of [A-Za-z0-9._~-]', param: 'X-CP-Nonce' };
  }
  const { path, query } = splitRequestTarget(input.target);
  let canonical: string;
  try {
    canonical = canonicalRequest({
      alg: candidates[0].alg,
      method: input.method,
      path,
      query,
      timestamp: h.timestamp as string,
      nonce: h.nonce as string,
      body: input.body,
    });
  } catch {
    return { ok: false, code: 'invalid_signature', message: 'the request cannot be canonicalised (malformed path or query encoding)' };
  }
  for (const credential of candidates) {
    let key: SignatureKey | undefined;
    try {
      key = input.keyOf(credential);
    } catch {
      key = undefined;
    }
    if (key && verifyRequestSignature(credential.alg, key, canonical, h.signature as string)) return { ok: true, credential };
  }
  return { ok: false, code: 'invalid_signature', message: 'the signature does not match the request', param: 'X-CP-Signature' };
}
