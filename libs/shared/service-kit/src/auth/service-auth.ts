import { IsNotEmpty, IsOptional, IsString, Matches, ValidateIf, registerDecorator, type ValidationArguments } from 'class-validator';
import { Sensitive } from '@countypay/config';
import { parseTrustedServiceKeys, SERVICE_ASSERTION_HEADER, ServiceAssertionSigner, ServiceAssertionVerifier, type AssertedActor } from '@countypay/security';
import type { Actor } from './actor';

function IsTrustedKeysJson(): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name: 'isTrustedKeysJson',
      target: target.constructor,
      propertyName: key as string,
      validator: {
        validate: (v: unknown) => {
          try {
            parseTrustedServiceKeys(String(v));
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (a: ValidationArguments) => {
          try {
            parseTrustedServiceKeys(String(a.value));
            return '';
          } catch (e) {
            return `${a.property} ${e instanceof Error ? e.message : 'is not valid'} (a JSON object: key id → { issuer, publicKey (base64 Ed25519 SPKI) })`;
          }
        },
      },
    });
}

/**
 * Service-to-service authentication of every service: the public keys it trusts (by key id, each
 * for one issuing service) and, for a service that calls others, its own signing key.
 */
export class ServiceAuthConfig {
  @IsString()
  @IsNotEmpty({ message: 'COUNTYPAY_S2S_TRUSTED_KEYS is required: the public keys of the services allowed to call this one' })
  @IsTrustedKeysJson()
  COUNTYPAY_S2S_TRUSTED_KEYS = '';

  /** base64 PKCS#8 Ed25519 private key: only services that call others (the gateway) have one */
  @Sensitive()
  @IsOptional()
  @IsString()
  COUNTYPAY_S2S_SIGNING_KEY = '';

  @ValidateIf((c: ServiceAuthConfig) => c.COUNTYPAY_S2S_SIGNING_KEY !== '')
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'COUNTYPAY_S2S_KEY_ID must name the signing key (1-64 of A-Z a-z 0-9 _ -)' })
  COUNTYPAY_S2S_KEY_ID = '';
}

/** What a service knows to authenticate callers and to be authenticated when it calls. */
export class ServiceAuth {
  readonly verifier: ServiceAssertionVerifier;
  private readonly signer: ServiceAssertionSigner | undefined;

  constructor(
    /** this service's name: the audience of the assertions it accepts, the issuer of those it signs */
    readonly service: string,
    config: Pick<ServiceAuthConfig, 'COUNTYPAY_S2S_TRUSTED_KEYS' | 'COUNTYPAY_S2S_SIGNING_KEY' | 'COUNTYPAY_S2S_KEY_ID'>,
  ) {
    this.verifier = new ServiceAssertionVerifier(service, parseTrustedServiceKeys(config.COUNTYPAY_S2S_TRUSTED_KEYS));
    this.signer = config.COUNTYPAY_S2S_SIGNING_KEY
      ? new ServiceAssertionSigner(service, config.COUNTYPAY_S2S_KEY_ID, config.COUNTYPAY_S2S_SIGNING_KEY)
      : undefined;
  }

  /** The header that authenticates a call of this service to `audience`, for `actor` if given. */
  assertionHeader(audience: string, actor?: Actor, requestId?: string): Record<string, string> {
    if (!this.signer) throw new Error(`${this.service} has no COUNTYPAY_S2S_SIGNING_KEY: it cannot call other services`);
    return {
      [SERVICE_ASSERTION_HEADER]: this.signer.sign(audience, { ...(actor ? { actor: assertedActor(actor) } : {}), ...(requestId ? { requestId } : {}) }),
    };
  }
}

export function assertedActor(actor: Actor): AssertedActor {
  return actor.type === 'app'
    ? { type: 'app', id: actor.id, appId: actor.appId, tenantId: actor.tenantId, partnerId: actor.partnerId, scopes: [...actor.scopes] }
    : { type: actor.type, id: actor.id, ...(actor.tenantId ? { tenantId: actor.tenantId } : {}) };
}
