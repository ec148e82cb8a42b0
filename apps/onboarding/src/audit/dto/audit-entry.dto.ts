import { IsIn, IsISO8601, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';

/** What the audit log records changes of. */
export const AUDIT_ENTITIES = ['tenant', 'operator', 'partner', 'app', 'merchant', 'store', 'terminal'] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

export const AUDIT_ACTOR_TYPES = ['province', 'county', 'app', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/** `GET /v1/admin/audit`: newest first, optionally the entries of one object. */
export class ListAuditEntriesQuery extends PageQuery {
  @IsOptional()
  @IsIn(AUDIT_ENTITIES)
  @ApiSchema({ description: 'only entries about this kind of object' })
  entity?: AuditEntity;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  // no ids hold control characters (and PostgreSQL text cannot hold NUL: it would be a 500)
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: '$property must not contain control characters' })
  @ApiSchema({ description: 'only entries about the object with this id (a merchant id, an app id, a tenant id…)', examples: ['t510121'] })
  entityId?: string;
}

/** One administrative change: who changed what, when, with the object before and after (personal data masked). */
export class AuditEntry {
  @Matches(/^[1-9]\d{0,18}$/)
  @ApiSchema({ description: "the entry's sequence number, as decimal text (later entries have larger numbers)", examples: ['1042'] })
  id!: string;

  @Nullable()
  @Matches(/^t\d{6}$/)
  @ApiSchema({ description: 'the county the change concerns; null for province-level changes (partners, province operators)', examples: ['t510121'] })
  tenantId!: string | null;

  @IsIn(AUDIT_ACTOR_TYPES)
  actorType!: AuditActorType;

  @IsString()
  @ApiSchema({ description: 'the operator id or app id that made the change', examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  actorId!: string;

  @IsString()
  @ApiSchema({ description: '`<entity>.<what happened>`', examples: ['merchant.approved'] })
  action!: string;

  @IsIn(AUDIT_ENTITIES)
  entity!: AuditEntity;

  @IsString()
  @ApiSchema({ description: 'the id of the object changed', examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  entityId!: string;

  @Nullable()
  @IsObject()
  @ApiSchema({ description: 'the object before the change (as its API shows it, personal data masked); null for a creation' })
  before!: Record<string, unknown> | null;

  @Nullable()
  @IsObject()
  @ApiSchema({ description: 'the object after the change (personal data masked)' })
  after!: Record<string, unknown> | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: 'the id of the request that made the change' })
  requestId!: string | null;

  @IsISO8601()
  createdAt!: string;
}
