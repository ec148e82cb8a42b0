import { Injectable } from '@nestjs/common';
import {
  type SignatureAlgorithm,
  type SignatureKey,
  responseCanonical,
  signResponse,
  sm2PublicKeyFromPrivateKey,
  sm2PublicKeyToPem,
} from '@countypay/security';
import { GatewayConfig } from '../config/gateway.config';

/** How responses to one app are signed: HMAC apps with their own secret, the others with the platform's SM2 key. */
export interface ResponseSigning {
  /** the app's request algorithm */
  appAlg: SignatureAlgorithm;
  /** the decrypted app secret (or its `hmacKey`), for HMAC-SHA256 apps */
  hmacSecret?: SignatureKey;
}

export interface ResponseToSign {
  status: number;
  requestId: string;
  /** the request's nonce when it was well formed, else '' */
  requestNonce: string;
  body: Buffer;
  nowMs: number;
}

/**
 * The platform side of docs/signing.md §5. RSA-SHA256 apps get SM2-SM3 response signatures
 * too: the platform has no RSA key pair configured (the response's X-CP-Signature-Alg says so).
 */
@Injectable()
export class ResponseSigner {
  readonly platformPublicKey: string;

  constructor(private readonly config: GatewayConfig) {
    this.platformPublicKey = config.COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY || sm2PublicKeyFromPrivateKey(config.COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY);
  }

  get platformPublicKeyPem(): string {
    return sm2PublicKeyToPem(this.platformPublicKey);
  }

  /** The three response headers (`X-CP-Timestamp`, `X-CP-Signature-Alg`, `X-CP-Signature`). */
  sign(signing: ResponseSigning, r: ResponseToSign): Record<string, string> {
    const hmac = signing.appAlg === 'HMAC-SHA256' && signing.hmacSecret !== undefined;
    const alg: SignatureAlgorithm = hmac ? 'HMAC-SHA256' : 'SM2-SM3';
    const key = hmac ? (signing.hmacSecret as SignatureKey) : this.config.COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY;
    const timestamp = String(Math.floor(r.nowMs / 1000));
    const canonical = responseCanonical({ alg, status: r.status, requestId: r.requestId, timestamp, requestNonce: r.requestNonce, body: r.body });
    return { 'X-CP-Timestamp': timestamp, 'X-CP-Signature-Alg': alg, 'X-CP-Signature': signResponse(alg, key, canonical) };
  }
}
