import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { instanceToPlain } from 'class-transformer';
import { ApiError, AppCredential, AppUpdatedData, AppUpdatedV1, type SignatureAlg } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { bindTenant, inProvinceTransaction, inScope, type Page } from '@countypay/persistence';
import { generateAppId, generateAppSecret, generateWebhookSecret } from '@countypay/security';
import { actorSeesTenant, auditActor, pageRequest, type Actor } from '@countypay/service-kit';
import { AuditService } from '../audit/audit.service';
import { Secrets } from '../common/secrets';
import { OnboardingConfig } from '../config/onboarding.config';
import { isCredentialLive, normalizePublicKey, rotationChanges } from '../domain/app-credential';
import { ACTIVITY_TRANSITIONS, transition } from '../domain/state-machine';
import { AppsRepository, type AppRecord, type CredentialRecord, type PartnerRef } from './apps.repository';
import type { App, AppWithNewCredential, CreateAppRequest, CreatedApp, ListAppsQuery, RotateAppCredentialRequest, UpdateAppRequest } from './dto/app.dto';

export interface CredentialInput {
  alg: SignatureAlg;
  publicKey?: string;
}

@Injectable()
export class AppsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AppsRepository,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
    private readonly secrets: Secrets,
    private readonly config: OnboardingConfig,
  ) {}

  async create(actor: Actor, partnerId: string, dto: CreateAppRequest, requestId?: string): Promise<CreatedApp> {
    const material = this.credentialMaterial(dto.credential, 'credential.');
    const webhookSecret = generateWebhookSecret();
    const appId = generateAppId();
    const result = await inProvinceTransaction(this.ds, async (em) => {
      const partner = await this.repo.findPartner(em, partnerId, true);
      if (!partner) throw new ApiError('not_found', `partner ${partnerId} does not exist`, 'partnerId');
      if (partner.status !== 'active') throw new ApiError('partner_suspended', `partner ${partnerId} is suspended: it cannot get new apps`);
      if (!(await this.repo.tenantExists(em, dto.tenantId))) throw new ApiError('not_found', `tenant ${dto.tenantId} does not exist`, 'tenantId');
      await bindTenant(em, dto.tenantId);
      const app = await this.repo.insertApp(em, {
        appId,
        tenantId: dto.tenantId,
        partnerId,
        name: dto.name,
        scopes: dto.scopes,
        callbackUrls: dto.callbackUrls,
        ipAllowlist: dto.ipAllowlist ?? [],
        webhookSecretCiphertext: this.secrets.credentials.encrypt(webhookSecret),
      });
      await this.repo.insertCredential(em, {
        credentialId: material.credentialId,
        tenantId: dto.tenantId,
        appId,
        alg: dto.credential.alg,
        secretCiphertext: material.secretCiphertext,
        publicKey: material.publicKey,
      });
      const full = await this.publish(em, app, partner);
      await this.audit.record(em, {
        tenantId: dto.tenantId,
        ...auditActor(actor),
        action: 'app.created',
        entity: 'app',
        entityId: appId,
        before: null,
        after: full,
        requestId,
      });
      return full;
    });
    this.relay.wake();
    return { ...result, ...(material.secret ? { appSecret: material.secret } : {}), webhookSecret };
  }

  async get(actor: Actor, appId: string): Promise<App> {
    return inScope(this.ds, actor.type === 'province' ? 'province' : { tenantId: actor.tenantId }, async (em) => {
      const app = await this.repo.findApp(em, appId);
      if (!app || !actorSeesTenant(actor, app.tenantId)) throw notFound(appId);
      return (await this.views(em, [app]))[0]!;
    });
  }

  /** Province: all (filter `tenantId`, `partnerId`); county: its tenant's. Newest first. */
  async list(actor: Actor, q: ListAppsQuery): Promise<Page<App>> {
    const scope = actor.type === 'province' ? 'province' : { tenantId: actor.tenantId };
    return inScope(this.ds, scope, async (em) => {
      const page = await this.repo.listApps(em, { tenantId: q.tenantId, partnerId: q.partnerId }, pageRequest(q));
      return { data: await this.views(em, page.data), nextCursor: page.nextCursor };
    });
  }

  async update(actor: Actor, appId: string, dto: UpdateAppRequest, requestId?: string): Promise<App> {
    if (Object.values(dto).every((v) => v === undefined)) throw new ApiError('invalid_request', 'nothing to change: give at least one field');
    return this.change(actor, appId, 'app.updated', requestId, async (em) =>
      this.repo.updateApp(em, appId, { name: dto.name, scopes: dto.scopes, callbackUrls: dto.callbackUrls, ipAllowlist: dto.ipAllowlist }),
    );
  }

  async setStatus(actor: Actor, appId: string, action: 'suspend' | 'resume', requestId?: string): Promise<App> {
    return this.change(actor, appId, action === 'suspend' ? 'app.suspended' : 'app.resumed', requestId, async (em, before) =>
      this.repo.updateApp(em, appId, { status: transition(ACTIVITY_TRANSITIONS, 'app', before.status, action) }),
    );
  }

  /** A new active credential; the previous active one retires after the grace period. */
  async rotate(actor: Actor, appId: string, dto: RotateAppCredentialRequest, requestId?: string): Promise<AppWithNewCredential> {
    let material: ReturnType<AppsService['credentialMaterial']> | undefined;
    const result = await this.change(actor, appId, 'app.credential_rotated', requestId, async (em, before) => {
      const existing = await this.repo.credentials(em, [appId]);
      const alg = dto.alg ?? existing.find((c) => c.status === 'active')?.alg ?? 'HMAC-SHA256';
      material = this.credentialMaterial({ alg, publicKey: dto.publicKey }, '');
      const now = new Date();
      for (const c of existing) {
        if (c.status === 'retiring' && !isCredentialLive(c, now)) await this.repo.setCredentialStatus(em, c.credentialId, 'revoked', c.notAfter);
      }
      for (const ch of rotationChanges(existing, now, this.config.CREDENTIAL_ROTATION_GRACE_SECONDS)) {
        await this.repo.setCredentialStatus(em, ch.credentialId, ch.status, ch.notAfter);
      }
      await this.repo.insertCredential(em, {
        credentialId: material.credentialId,
        tenantId: before.tenantId,
        appId,
        alg,
        secretCiphertext: material.secretCiphertext,
        publicKey: material.publicKey,
      });
      return this.repo.updateApp(em, appId, {});
    });
    const m = material!;
    return { ...result, credentialId: m.credentialId, ...(m.secret ? { appSecret: m.secret } : {}) };
  }

  /**
   * Re-announces every app of a partner (its status changed: an app of a suspended partner
   * is published as suspended). Runs in the caller's province transaction.
   */
  async republishPartnerApps(em: EntityManager, partnerId: string): Promise<number> {
    const partner = await this.repo.findPartner(em, partnerId);
    if (!partner) return 0;
    const apps = await this.repo.appsOfPartner(em, partnerId);
    for (const app of apps) {
      await bindTenant(em, app.tenantId);
      const bumped = await this.repo.updateApp(em, app.appId, {});
      await this.publish(em, bumped, partner);
    }
    return apps.length;
  }

  /** One change to an app: lock, apply (version + 1), publish, audit, in the province scope. */
  private async change(
    actor: Actor,
    appId: string,
    action: string,
    requestId: string | undefined,
    apply: (em: EntityManager, before: AppRecord) => Promise<AppRecord>,
  ): Promise<App> {
    const result = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.findApp(em, appId, true);
      if (!before) throw notFound(appId);
      await bindTenant(em, before.tenantId);
      const [beforeView] = await this.views(em, [before]);
      const after = await apply(em, before);
      const partner = (await this.repo.findPartner(em, after.partnerId))!;
      const afterView = await this.publish(em, after, partner);
      await this.audit.record(em, {
        tenantId: after.tenantId,
        ...auditActor(actor),
        action,
        entity: 'app',
        entityId: appId,
        before: beforeView,
        after: afterView,
        requestId,
      });
      return afterView;
    });
    this.relay.wake();
    return result;
  }

  /** For the gateway: the app as AppUpdatedV1 carries it (secrets encrypted), plus its tenant. */
  async internalState(appId: string): Promise<AppUpdatedData & { tenantId: string }> {
    return inProvinceTransaction(this.ds, async (em) => {
      const app = await this.repo.findApp(em, appId);
      if (!app) throw notFound(appId);
      const partner = (await this.repo.findPartner(em, app.partnerId))!;
      const { data } = await this.eventData(em, app, partner);
      return { ...(instanceToPlain(data) as AppUpdatedData), tenantId: app.tenantId };
    });
  }

  /** AppUpdatedV1 with the full state and the live credentials; returns the app's view. */
  private async publish(em: EntityManager, app: AppRecord, partner: PartnerRef): Promise<App> {
    const { data, creds } = await this.eventData(em, app, partner);
    await addToOutbox(em, AppUpdatedV1, data, { tenantId: app.tenantId });
    return appView(app, partner, creds);
  }

  private async eventData(em: EntityManager, app: AppRecord, partner: PartnerRef): Promise<{ data: AppUpdatedData; creds: CredentialRecord[] }> {
    const now = new Date();
    const creds = (await this.repo.credentials(em, [app.appId])).filter((c) => isCredentialLive(c, now));
    const data = Object.assign(new AppUpdatedData(), {
      appId: app.appId,
      partnerId: app.partnerId,
      name: app.name,
      status: app.status === 'active' && partner.status === 'active' ? 'active' : 'suspended',
      scopes: app.scopes,
      callbackUrls: app.callbackUrls,
      ipAllowlist: app.ipAllowlist,
      credentials: creds.map((c) =>
        Object.assign(new AppCredential(), {
          credentialId: c.credentialId,
          alg: c.alg,
          status: c.status as 'active' | 'retiring',
          ...(c.secretCiphertext ? { secretCiphertext: c.secretCiphertext } : {}),
          ...(c.publicKey ? { publicKey: c.publicKey } : {}),
          ...(c.notAfter ? { notAfter: c.notAfter.toISOString() } : {}),
        }),
      ),
      webhookSecretCiphertext: app.webhookSecretCiphertext,
      version: app.version,
    });
    return { data, creds };
  }

  /** The views of some apps, with their partners and live credentials loaded in two queries. */
  private async views(em: EntityManager, apps: readonly AppRecord[]): Promise<App[]> {
    const partners = new Map(
      (
        await this.repo.partners(
          em,
          apps.map((a) => a.partnerId),
        )
      ).map((p) => [p.partnerId, p]),
    );
    const now = new Date();
    const creds = (
      await this.repo.credentials(
        em,
        apps.map((a) => a.appId),
      )
    ).filter((c) => isCredentialLive(c, now));
    return apps.map((a) =>
      appView(
        a,
        partners.get(a.partnerId)!,
        creds.filter((c) => c.appId === a.appId),
      ),
    );
  }

  /** Validates a credential request; for HMAC makes the secret (returned once, stored encrypted). */
  private credentialMaterial(
    c: CredentialInput,
    paramPrefix: string,
  ): { credentialId: string; secret?: string; secretCiphertext: string | null; publicKey: string | null } {
    const credentialId = randomUUID();
    if (c.alg === 'HMAC-SHA256') {
      if (c.publicKey !== undefined)
        throw new ApiError('invalid_request', 'an HMAC-SHA256 credential has no public key: the platform makes the secret', `${paramPrefix}publicKey`);
      const secret = generateAppSecret();
      return { credentialId, secret, secretCiphertext: this.secrets.credentials.encrypt(secret), publicKey: null };
    }
    if (!c.publicKey) throw new ApiError('invalid_request', `a ${c.alg} credential needs publicKey`, `${paramPrefix}publicKey`);
    return { credentialId, secretCiphertext: null, publicKey: normalizePublicKey(c.alg, c.publicKey, `${paramPrefix}publicKey`) };
  }
}

function notFound(appId: string): ApiError {
  return new ApiError('not_found', `app ${appId} does not exist`, 'appId');
}

function appView(app: AppRecord, partner: PartnerRef, creds: readonly CredentialRecord[]): App {
  return {
    appId: app.appId,
    partnerId: app.partnerId,
    tenantId: app.tenantId,
    name: app.name,
    status: app.status,
    partnerStatus: partner.status,
    scopes: app.scopes,
    callbackUrls: app.callbackUrls,
    ipAllowlist: app.ipAllowlist,
    credentials: creds.map((c) => ({
      credentialId: c.credentialId,
      alg: c.alg,
      status: c.status as 'active' | 'retiring',
      notAfter: c.notAfter ? c.notAfter.toISOString() : null,
      ...(c.publicKey ? { publicKey: c.publicKey } : {}),
      createdAt: c.createdAt.toISOString(),
    })),
    version: app.version,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}
