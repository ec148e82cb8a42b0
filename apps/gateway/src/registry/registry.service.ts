import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { ServiceUrlsConfig } from '@countypay/config';
import { AppUpdatedData, type EventEnvelope, type TenantUpdatedData } from '@countypay/contracts';
import { LOGGER, ServiceAuth } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction, isDatabaseUnavailable, NotifiedCache, type NotifiedDrop } from '@countypay/persistence';
import { isTenantId } from '@countypay/tenancy';
import { FieldCipher, type SignatureKey, hmacKey } from '@countypay/security';
import { GatewayConfig } from '../config/gateway.config';
import { RegistryRepository } from './registry.repository';
import type { AppRecord, StoredCredential } from './registry.types';

/** The key id onboarding encrypts app secrets with (no FieldCipher context). */
export const CREDENTIAL_KEY_ID = 'cred1';

export const CREDENTIAL_CIPHER = Symbol('CREDENTIAL_CIPHER');
export const REGISTRY_SERVICE_URLS = Symbol('REGISTRY_SERVICE_URLS');

/** How long an app id onboarding does not know is not asked about again. */
const UNKNOWN_APP_TTL_MS = 5000;
const UNKNOWN_APP_CACHE_MAX = 10_000;

export function credentialCipher(config: GatewayConfig): FieldCipher {
  return new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: config.COUNTYPAY_CREDENTIAL_KEY }], activeKeyId: CREDENTIAL_KEY_ID });
}

/** A cached app is re-read after this long even without a notification (belt and braces). */
const APP_CACHE_TTL_MS = 60_000;
const APP_CACHE_MAX = 50_000;

/** `apps:<appId>` or `tenants:<tenantId>` changed (the cache is keyed by app id); anything else: everything. */
function registryDrops(payload: string): NotifiedDrop<FoundApp> {
  const [table, id] = payload.split(':');
  if (table === 'apps' && id) return id;
  if (table === 'tenants' && id) return (_appId, found) => found.app.tenantId === id;
  return 'all';
}

type FoundApp = {
  app: AppRecord;
  tenantStatus: 'active' | 'suspended';
  /**
   * Set when the database could not be read and this is the last copy this gateway saw: good
   * only for signing the outage's 503 (an HMAC app's answer is signed with its own secret), never
   * for admitting the request.
   */
  stale?: true;
};

/**
 * The copy kept to sign an outage's 503 shares no credential object with the cached app, so the
 * HMAC keys made for the cached one (RegistryService.verificationKey) go with it. Copied when the
 * app is read, not taken from the cache entry when an outage needs it: by then the entry may be
 * gone or not served (a notification or a listener reset drops it, a lost listener serves nothing),
 * and keeping the entry's own credentials instead would keep their keys — a rotated-out secret's
 * too — for as long as the outage copy lives.
 */
function withoutKeys(found: FoundApp): FoundApp {
  return { ...found, app: { ...found.app, credentials: found.app.credentials.map((c) => ({ ...c })) } };
}

/**
 * Apps and tenants as onboarding publishes them. Secrets stay encrypted at rest, and in the read
 * model; they are decrypted in memory, one credential at a time, only to verify or sign. An HMAC
 * secret decrypted for an app kept in memory stays with that copy as a KeyObject (its bytes outside
 * the JavaScript heap) and goes when the copy goes: at a change to the app or its tenant, a
 * listener reset or the copy's minute (docs/adr/0029).
 */
@Injectable()
export class RegistryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly unknownUntil = new Map<string, number>();
  /**
   * Apps in memory, so a signed request costs no database read to find its app. Every change to
   * the `apps` and `tenants` tables notifies `registry_<schema>` (migration 1764500000000); each
   * gateway instance drops what changed at once, and everything when the listener reconnects
   * (`NotifiedCache`). Without a listener (not yet connected, lost) nothing is served from memory.
   */
  private readonly cache: NotifiedCache<FoundApp>;
  /**
   * The last copy of each app read from the database, kept through invalidations and listener
   * resets: only to sign the 503 of a database outage (see FoundApp.stale), never to admit.
   */
  private readonly lastKnown = new Map<string, FoundApp>();
  /**
   * The HMAC keys of credentials read from the database, made on first use; weakly held, so a key
   * lives exactly as long as the copy of the app it belongs to (the cached one, or one request's
   * when the cache is not serving). Never holds the keys of the outage copy (`withoutKeys`).
   */
  private readonly hmacKeys = new WeakMap<StoredCredential, SignatureKey>();

  constructor(
    private readonly repo: RegistryRepository,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: FieldCipher,
    @Inject(REGISTRY_SERVICE_URLS) private readonly urls: ServiceUrlsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly ds: DataSource,
    private readonly auth: ServiceAuth,
  ) {
    this.cache = new NotifiedCache<FoundApp>(ds, {
      channel: 'registry',
      max: APP_CACHE_MAX,
      ttlMs: APP_CACHE_TTL_MS,
      drops: registryDrops,
      onError: (err) => this.logger.warn({ err }, 'app registry listener: connection lost; reconnecting'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.cache.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.stop();
  }

  async onAppUpdated(event: EventEnvelope<AppUpdatedData>, em: EntityManager): Promise<void> {
    await this.repo.upsertApp(em, event.tenantId, event.data);
  }

  async onTenantUpdated(event: EventEnvelope<TenantUpdatedData>, em: EntityManager): Promise<void> {
    await this.repo.upsertTenant(em, event.data);
  }

  async findApp(appId: string): Promise<FoundApp | undefined> {
    try {
      return await this.cache.get(appId, () => this.readApp(appId));
    } catch (err) {
      // a database outage: the caller still gets the documented, signed 503 if this gateway has seen the app
      const last = this.lastKnown.get(appId);
      if (last && isDatabaseUnavailable(err)) return { ...last, stale: true };
      throw err;
    }
  }

  private async readApp(appId: string): Promise<FoundApp | undefined> {
    const tenantId = (await this.repo.tenantOfApp(appId)) ?? (await this.fetchFromOnboarding(appId));
    if (!tenantId) return undefined;
    const found = await this.repo.findApp(tenantId, appId);
    if (found) {
      if (this.lastKnown.size >= APP_CACHE_MAX) this.lastKnown.clear();
      this.lastKnown.set(appId, withoutKeys(found));
    }
    return found;
  }

  /**
   * An app registered a moment ago may not have reached this gateway's read model yet (its
   * event is still on its way): ask onboarding once, store what it says exactly as the event
   * would (the highest version wins either way). Unknown ids are remembered briefly, so a
   * stream of made-up app ids does not become a stream of calls to onboarding.
   */
  private async fetchFromOnboarding(appId: string): Promise<string | undefined> {
    const now = Date.now();
    if ((this.unknownUntil.get(appId) ?? 0) > now) return undefined;
    try {
      const found = await this.appFromOnboarding(appId);
      if (!found) {
        if (this.unknownUntil.size >= UNKNOWN_APP_CACHE_MAX) this.unknownUntil.clear();
        this.unknownUntil.set(appId, now + UNKNOWN_APP_TTL_MS);
        return undefined;
      }
      await inTenantTransaction(this.ds, found.tenantId, (em) => this.repo.upsertApp(em, found.tenantId, found.data));
      return found.tenantId;
    } catch (err) {
      this.logger.warn({ err, appId }, 'app lookup at onboarding failed');
      return undefined;
    }
  }

  /**
   * The app as onboarding knows it now (the same data its AppUpdatedV1 carries), or null when
   * onboarding has no such app. Throws when onboarding cannot be asked (the caller retries).
   */
  async appFromOnboarding(appId: string): Promise<{ tenantId: string; data: AppUpdatedData } | null> {
    const res = await fetch(`${this.urls.url('onboarding')}/internal/apps/${encodeURIComponent(appId)}`, {
      headers: this.auth.assertionHeader('onboarding'),
      signal: AbortSignal.timeout(2000),
    });
    if (res.status === 404 || res.status === 400) return null;
    if (res.status !== 200) throw new Error(`onboarding answered ${res.status} for app ${appId}`);
    const body = (await res.json()) as Record<string, unknown>;
    const { tenantId, ...rest } = body;
    const data = plainToInstance(AppUpdatedData, rest);
    if (!isTenantId(tenantId) || data.appId !== appId || (await validate(data, { whitelist: true })).length > 0) {
      throw new Error(`onboarding answered an invalid app for ${appId}`);
    }
    return { tenantId, data };
  }

  /**
   * The verification key of a credential: the HMAC key of its decrypted secret, made once per copy
   * of the app (see hmacKeys), or the public key. Throws when the secret does not decrypt.
   */
  verificationKey(credential: StoredCredential): SignatureKey | undefined {
    if (credential.alg !== 'HMAC-SHA256') return credential.publicKey;
    if (!credential.secretCiphertext) return undefined;
    let key = this.hmacKeys.get(credential);
    if (!key) {
      key = hmacKey(this.cipher.decrypt(credential.secretCiphertext));
      this.hmacKeys.set(credential, key);
    }
    return key;
  }
}
