import { tenantRlsSql } from '@countypay/persistence';

export interface OnboardingReadModelOptions {
  /** keep the tenant's merchants (with stores and terminals) too; false: tenant configurations only */
  merchants: boolean;
  /**
   * keep the rows read in memory (per tenant), dropped when a row changes: the service's migration
   * must have created the notify triggers (`onboardingReadModelNotifySql`). Nothing is served from
   * memory while the listener is not connected.
   */
  cache?: boolean;
}

/** The channel a read model's changes are notified on, per schema (`PgListener.channelFor(ds, READ_MODEL_CHANNEL)`). */
export const READ_MODEL_CHANNEL = 'readmodel';

/**
 * Triggers that notify `readmodel_<schema>` of every insert or update of the read model's rows,
 * with `<table>:<tenant id>[:<merchant id>]` as payload (for `cache: true`; a service's migration).
 */
export function onboardingReadModelNotifySql(opts: Pick<OnboardingReadModelOptions, 'merchants'>): string[] {
  return [
    `create function read_model_notify() returns trigger language plpgsql as $$
     begin
       perform pg_notify('${READ_MODEL_CHANNEL}_' || tg_table_schema,
         tg_table_name || ':' || new.tenant_id || coalesce(':' || (to_jsonb(new)->>'merchant_id'), ''));
       return null;
     end $$`,
    `create trigger tenant_configs_read_model_notify after insert or update on tenant_configs for each row execute function read_model_notify()`,
    ...(opts.merchants
      ? [`create trigger merchants_read_model_notify after insert or update on merchants for each row execute function read_model_notify()`]
      : []),
  ];
}

export function onboardingReadModelNotifyDownSql(opts: Pick<OnboardingReadModelOptions, 'merchants'>): string[] {
  return [
    ...(opts.merchants ? [`drop trigger merchants_read_model_notify on merchants`] : []),
    `drop trigger tenant_configs_read_model_notify on tenant_configs`,
    `drop function read_model_notify()`,
  ];
}

/**
 * The tables of the onboarding read model, for a service's own migration (run it once, from a
 * migration of that service; never edit the migration afterwards — a later shape change is a
 * new migration). Tenant-owned, row-level security FORCEd like every tenant table.
 *
 * - `tenant_configs`: one row per county, from `onboarding.tenant-updated`, highest version kept.
 * - `merchants` (`merchants: true`): one row per merchant, stores and terminals as JSON, from
 *   `onboarding.merchant-updated`, highest version kept.
 *
 * `source_event_id` names the event that wrote the row (tracing a read model back to its event).
 */
export function onboardingReadModelTablesSql(opts: OnboardingReadModelOptions): string[] {
  return [
    `create table tenant_configs (
      tenant_id text primary key,
      name text not null default '',
      status text not null check (status in ('active', 'suspended')),
      config jsonb not null,
      version int not null check (version >= 1),
      source_event_id uuid not null,
      updated_at timestamptz not null default now()
    )`,
    ...tenantRlsSql('tenant_configs'),
    ...(opts.merchants ? onboardingMerchantsTableSql() : []),
  ];
}

/**
 * The `merchants` table alone: for a service that kept tenant configurations only and now keeps
 * merchants too (a new migration of that service).
 */
export function onboardingMerchantsTableSql(): string[] {
  return [
    `create table merchants (
      tenant_id text not null,
      merchant_id uuid not null,
      legal_name text not null,
      mcc char(4) not null,
      city text not null,
      status text not null,
      stores jsonb not null default '[]'::jsonb,
      version int not null check (version >= 1),
      source_event_id uuid not null,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, merchant_id)
    )`,
    ...tenantRlsSql('merchants'),
  ];
}
