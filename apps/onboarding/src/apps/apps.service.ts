import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { instanceToPlain } from 'class-transformer';
import { ApiError, AppCredential, AppUpdatedData, AppUpdatedV1, type AppScope, type SignatureAlg } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { inProvinceTransaction } from '@countypay/persistence';
import { generateAppId, generateAppSecret, generateWebhookSecret } from '@countypay/security';
import { AuditService } from '../audit/audit.service';
import { actorSeesTenant, auditActor, type Actor } from '../common/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination';
import { bindTenant, inScope } from '../common/scope';
import { Secrets } from '../common/secrets';
import { OnboardingConfig } from '../config/onboarding.config';
import { isCredentialLive, normalizePublicKey, rotationChanges } from '../domain/app-credential';
import { ACTIVITY_TRANSITIONS, transition } from '../domain/state-machine';
import { AppsRepository, type AppRow, type CredentialRow, type PartnerRef } from './apps.repository';

export interface CredentialView {
  credentialId: string;
  alg: SignatureAlg;
  status: 'active' | 'retiring';
  notAfter: string | null;
  publicKey?: string;
  createdAt: string;
}

export interface AppView {
  appId: string;
  partnerId: string;
  tenantId: string;
  name: string;
  /** the app's own status; it can only call the API while its partner is active too */
  status: 'active' | 'suspended';
  partnerStatus: 'active' | 'suspended';
  scopes: string[];
  callbackUrls: string[];
  ipAllowlist: string[];
  credentials: CredentialView[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedApp extends AppView {
  /** HMAC-SHA256 only: the app secret, shown this once */
  appSecret?: string;
  /** the Standard Webhooks secret (`whsec_…`), shown this once */
  webhookSecret: string;
}

export interface RotatedCredential extends AppView {
  credentialId: string;
  /** HMAC-SHA256 only: the new app secret, shown this once */
  appSecret?: string;
}

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

  async create(
    actor: Actor,
    partnerId: string,
    dto: { tenantId: string; name: string; scopes: AppScope[]; callbackUrls: string[]; ipAllowlist?: string[]; credential: CredentialInput },
    requestId?: string,
  ): Promise<CreatedApp> {
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
      await this.repo.insertCredential(em, { credentialId: material.credentialId, tenantId: dto.tenantId, appId, alg: dto.credential.alg, secretCiphertext: material.secretCiphertext, publicKey: material.publicKey });
      const full = await this.publish(em, app, partner);
      await this.audit.record(em, { tenantId: dto.tenantId, ...auditActor(actor), action: 'app.created', entity: 'app', entityId: appId, before: null, after: full, requestId });
      return full;
    });
    this.relay.wake();
    return { ...result, ...(material.secret ? { appSecret: material.secret } : {}), webhookSecret };
  }

  async get(actor: Actor, appId: string): Promise<AppView> {
    return inScope(this.ds, actor.type === 'province' ? 'province' : { tenantId: actor.tenantId }, async (em) => {
      const app = await this.repo.findApp(em, appId);
      if (!app || !actorSeesTenant(actor, app.tenant_id)) throw notFound(appId);
      return this.view(em, app);
    });
  }

  async list(actor: Actor, q: { tenantId?: string; partnerId?: string; limit?: number; cursor?: string }): Promise<Page<AppView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, ['time', 'id']) as [string, string] | undefined;
    const scope = actor.type === 'province' ? 'province' : { tenantId: actor.tenantId };
    return inScope(this.ds, scope, async (em) => {
      const rows = await this.repo.listApps(em, { tenantId: q.tenantId, partnerId: q.partnerId, after, limit: limit + 1 });
      const page = toPage(rows, limit, (r) => [r.created_at.toISOString(), r.app_id], (r) => r);
      const data: AppView[] = [];
      for (const r of page.data) data.push(await this.view(em, r));
      return { data, nextCursor: page.nextCursor };
    });
  }

  async update(actor: Actor, appId: string, dto: { name?: string; scopes?: AppScope[]; callbackUrls?: string[]; ipAllowlist?: string[] }, requestId?: string): Promise<AppView> {
    if (Object.values(dto).every((v) => v === undefined)) throw new ApiError('invalid_request', 'nothing to change: give at least one field');
    return this.change(actor, appId, 'app.updated', requestId, async (em) => this.repo.updateApp(em, appId, dto));
  }

  async setStatus(actor: Actor, appId: string, action: 'suspend' | 'resume', requestId?: string): Promise<AppView> {
    return this.change(actor, appId, action === 'suspend' ? 'app.suspended' : 'app.resumed', requestId, async (em, before) =>
      this.repo.updateApp(em, appId, { status: transition(ACTIVITY_TRANSITIONS, 'app', before.status, action) }),
    );
  }

  /** A new active credential; the previous active one retires after the grace period. */
  async rotate(actor: Actor, appId: string, dto: { alg?: SignatureAlg; publicKey?: string }, requestId?: string): Promise<RotatedCredential> {
    let material: ReturnType<AppsService['credentialMaterial']> | undefined;
    const result = await this.change(actor, appId, 'app.credential_rotated', requestId, async (em, before) => {
      const existing = await this.repo.credentials(em, [appId]);
      const alg = dto.alg ?? existing.find((c) => c.status === 'active')?.alg ?? 'HMAC-SHA256';
      material = this.credentialMaterial({ alg, publicKey: dto.publicKey }, '');
      const now = new Date();
      for (const c of existing) {
        if (c.status === 'retiring' && !isCredentialLive(credentialState(c), now)) await this.repo.setCredentialStatus(em, c.credential_id, 'revoked', c.not_after);
      }
      for (const ch of rotationChanges(existing.map(credentialState), now, this.config.CREDENTIAL_ROTATION_GRACE_SECONDS)) {
        await this.repo.setCredentialStatus(em, ch.credentialId, ch.status, ch.notAfter);
      }
      await this.repo.insertCredential(em, { credentialId: material.credentialId, tenantId: before.tenant_id, appId, alg, secretCiphertext: material.secretCiphertext, publicKey: material.publicKey });
      return this.repo.updateApp(em, appId, {});
    });
    const m = material as NonNullable<typeof material>;
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
      await bindTenant(em, app.tenant_id);
      const bumped = await this.repo.updateApp(em, app.app_id, {});
      await this.publish(em, bumped, partner);
    }
    return apps.length;
  }

  /** One change to an app: lock, apply (version + 1), publish, audit, in the province scope. */
  private async change(actor: Actor, appId: string, action: string, requestId: string | undefined, apply: (em: EntityManager, before: AppRow) => Promise<AppRow>): Promise<AppView> {
    const result = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.findApp(em, appId, true);
      if (!before) throw notFound(appId);
      await bindTenant(em, before.tenant_id);
      const beforeView = await this.view(em, before);
      const after = await apply(em, before);
      const partner = (await this.repo.findPartner(em, after.partner_id)) as PartnerRef;
      const afterView = await this.publish(em, after, partner);
      await this.audit.record(em, { tenantId: after.tenant_id, ...auditActor(actor), action, entity: 'app', entityId: appId, before: beforeView, after: afterView, requestId });
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
      const partner = (await this.repo.findPartner(em, app.partner_id)) as PartnerRef;
      const { data } = await this.eventData(em, app, partner);
      return { ...(instanceToPlain(data) as AppUpdatedData), tenantId: app.tenant_id };
    });
  }

  /** AppUpdatedV1 with the full state and the live credentials; returns the app's view. */
  private async publish(em: EntityManager, app: AppRow, partner: PartnerRef): Promise<AppView> {
    const { data, creds } = await this.eventData(em, app, partner);
    await addToOutbox(em, AppUpdatedV1, data, { tenantId: app.tenant_id });
    return toView(app, partner, creds);
  }

  private async eventData(em: EntityManager, app: AppRow, partner: PartnerRef): Promise<{ data: AppUpdatedData; creds: CredentialRow[] }> {
    const now = new Date();
    const creds = (await this.repo.credentials(em, [app.app_id])).filter((c) => isCredentialLive(credentialState(c), now));
    const data = Object.assign(new AppUpdatedData(), {
      appId: app.app_id,
      partnerId: app.partner_id,
      name: app.name,
      status: app.status === 'active' && partner.status === 'active' ? 'active' : 'suspended',
      scopes: app.scopes as AppScope[],
      callbackUrls: app.callback_urls,
      ipAllowlist: app.ip_allowlist,
      credentials: creds.map((c) =>
        Object.assign(new AppCredential(), {
          credentialId: c.credential_id,
          alg: c.alg,
          status: c.status as 'active' | 'retiring',
          ...(c.secret_ciphertext ? { secretCiphertext: c.secret_ciphertext } : {}),
          ...(c.public_key ? { publicKey: c.public_key } : {}),
          ...(c.not_after ? { notAfter: c.not_after.toISOString() } : {}),
        }),
      ),
      webhookSecretCiphertext: app.webhook_secret_ciphertext,
      version: app.version,
    });
    return { data, creds };
  }

  private async view(em: EntityManager, app: AppRow): Promise<AppView> {
    const partner = (await this.repo.findPartner(em, app.partner_id)) as PartnerRef;
    const now = new Date();
    const creds = (await this.repo.credentials(em, [app.app_id])).filter((c) => isCredentialLive(credentialState(c), now));
    return toView(app, partner, creds);
  }

  /** Validates a credential request; for HMAC makes the secret (returned once, stored encrypted). */
  private credentialMaterial(c: CredentialInput, paramPrefix: string): { credentialId: string; secret?: string; secretCiphertext: string | null; publicKey: string | null } {
    const credentialId = randomUUID();
    if (c.alg === 'HMAC-SHA256') {
      if (c.publicKey !== undefined) throw new ApiError('invalid_request', 'an HMAC-SHA256 credential has no public key: the platform makes the secret', `${paramPrefix}publicKey`);
      const secret = generateAppSecret();
      return { credentialId, secret, secretCiphertext: this.secrets.credentials.encrypt(secret), publicKey: null };
    }
    if (!c.publicKey) throw new ApiError('invalid_request', `a ${c.alg} credential needs publicKey`, `${paramPrefix}publicKey`);
    return { credentialId, secretCiphertext: null, publicKey: normalizePublicKey(c.alg, c.publicKey, `${paramPrefix}publicKey`) };
  }
}

function credentialState(c: CredentialRow): { credentialId: string; status: CredentialRow['status']; notAfter: Date | null } {
  return { credentialId: c.credential_id, status: c.status, notAfter: c.not_after };
}

function notFound(appId: string): ApiError {
  return new ApiError('not_found', `app ${appId} does not exist`, 'appId');
}

function toView(app: AppRow, partner: PartnerRef, creds: CredentialRow[]): AppView {
  return {
    appId: app.app_id,
    partnerId: app.partner_id,
    tenantId: app.tenant_id,
    name: app.name,
    status: app.status,
    partnerStatus: partner.status,
    scopes: app.scopes,
    callbackUrls: app.callback_urls,
    ipAllowlist: app.ip_allowlist,
    credentials: creds.map((c) => ({
      credentialId: c.credential_id,
      alg: c.alg,
      status: c.status as 'active' | 'retiring',
      notAfter: c.not_after ? c.not_after.toISOString() : null,
      ...(c.public_key ? { publicKey: c.public_key } : {}),
      createdAt: c.created_at.toISOString(),
    })),
    version: app.version,
    createdAt: app.created_at.toISOString(),
    updatedAt: app.updated_at.toISOString(),
  };
}
