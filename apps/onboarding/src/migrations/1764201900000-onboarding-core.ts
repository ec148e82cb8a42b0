import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTNER_KINDS, SIGNATURE_ALGS } from '@countypay/contracts';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';

const list = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ');

/**
 * Operators, partners, partner apps and their credentials, merchants with stores and
 * terminals, and the audit log.
 *
 * - `operators` and `partners` are province-level (no tenant RLS): an operator token is looked
 *   up before any tenant is known, and a partner may have apps in several counties. Both are
 *   reachable only in the province scope (partners are readable by every scope).
 * - `apps`, `app_credentials`, `merchants`, `stores`, `terminals` are tenant-owned (tenant RLS)
 *   and also visible in the province scope.
 * - `audit_log` rows carry the tenant they concern, or NULL for province-level changes
 *   (partners, province operators), which only the province scope can see.
 */
export class OnboardingCore1764201900000 implements MigrationInterface {
  name = 'OnboardingCore1764201900000';

  async up(q: QueryRunner): Promise<void> {
    const ddl: string[] = [
      `create table operators (
        operator_id uuid primary key,
        role text not null check (role in ('province', 'county')),
        tenant_id text references tenants (tenant_id),
        name text not null check (length(name) between 1 and 100),
        token_hash char(64) not null unique,
        status text not null default 'active' check (status in ('active', 'disabled')),
        bootstrap boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((role = 'county') = (tenant_id is not null))
      )`,
      `create unique index operators_bootstrap_idx on operators (bootstrap) where bootstrap`,
      `alter table operators enable row level security`,
      `alter table operators force row level security`,
      ...provinceRlsSql('operators'),

      `create table partners (
        partner_id uuid primary key,
        name text not null,
        kind text not null check (kind in (${list(PARTNER_KINDS)})),
        status text not null default 'active' check (status in ('active', 'suspended')),
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index partners_page_idx on partners (created_at, partner_id)`,
      `alter table partners enable row level security`,
      `alter table partners force row level security`,
      ...provinceRlsSql('partners'),
      `create policy partners_read on partners for select using (true)`,

      `create table apps (
        app_id text primary key check (app_id ~ '^app_[0-9a-z]{20}$'),
        tenant_id text not null references tenants (tenant_id),
        partner_id uuid not null references partners (partner_id),
        name text not null,
        status text not null default 'active' check (status in ('active', 'suspended')),
        scopes text[] not null,
        callback_urls text[] not null,
        ip_allowlist text[] not null default '{}',
        webhook_secret_ciphertext text not null,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index apps_partner_idx on apps (partner_id)`,
      `create index apps_page_idx on apps (created_at, app_id)`,
      ...tenantRlsSql('apps'),
      ...provinceRlsSql('apps'),

      `create table app_credentials (
        credential_id uuid primary key,
        tenant_id text not null,
        app_id text not null references apps (app_id),
        alg text not null check (alg in (${list(SIGNATURE_ALGS)})),
        secret_ciphertext text,
        public_key text,
        status text not null check (status in ('active', 'retiring', 'revoked')),
        not_after timestamptz,
        created_at timestamptz not null default now(),
        check ((alg = 'HMAC-SHA256') = (secret_ciphertext is not null)),
        check ((alg = 'HMAC-SHA256') = (public_key is null))
      )`,
      `create unique index app_credentials_one_active on app_credentials (app_id) where status = 'active'`,
      ...tenantRlsSql('app_credentials'),
      ...provinceRlsSql('app_credentials'),

      `create table merchants (
        merchant_id uuid primary key,
        tenant_id text not null references tenants (tenant_id),
        partner_id uuid references partners (partner_id),
        legal_name text not null,
        uscc_ciphertext text not null,
        uscc_index char(64) not null,
        legal_rep_name_ciphertext text not null,
        legal_rep_id_number_ciphertext text not null,
        phone_ciphertext text not null,
        mcc char(4) not null check (mcc ~ '^[0-9]{4}$'),
        address text not null,
        city text not null,
        settlement_account_no_ciphertext text not null,
        settlement_account_name_ciphertext text not null,
        settlement_bank_name text not null,
        status text not null default 'pending_review' check (status in ('pending_review', 'active', 'suspended', 'closed', 'rejected')),
        status_reason text,
        risk_level text not null default 'low' check (risk_level in ('low', 'medium', 'high')),
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint merchants_uscc_unique unique (tenant_id, uscc_index)
      )`,
      `create index merchants_page_idx on merchants (tenant_id, created_at, merchant_id)`,
      `create index merchants_partner_idx on merchants (tenant_id, partner_id)`,
      ...tenantRlsSql('merchants'),
      ...provinceRlsSql('merchants'),

      `create table stores (
        store_id uuid primary key,
        tenant_id text not null,
        merchant_id uuid not null references merchants (merchant_id),
        name text not null,
        status text not null default 'active' check (status in ('active', 'disabled')),
        created_at timestamptz not null default now()
      )`,
      `create index stores_merchant_idx on stores (merchant_id, created_at)`,
      ...tenantRlsSql('stores'),
      ...provinceRlsSql('stores'),

      `create table terminals (
        terminal_id uuid primary key,
        tenant_id text not null,
        store_id uuid not null references stores (store_id),
        merchant_id uuid not null references merchants (merchant_id),
        serial_no text not null,
        status text not null default 'active' check (status in ('active', 'disabled')),
        created_at timestamptz not null default now(),
        constraint terminals_serial_unique unique (tenant_id, serial_no)
      )`,
      `create index terminals_store_idx on terminals (store_id, created_at)`,
      ...tenantRlsSql('terminals'),
      ...provinceRlsSql('terminals'),

      `create table audit_log (
        seq bigserial primary key,
        tenant_id text,
        actor_type text not null check (actor_type in ('province', 'county', 'app', 'system')),
        actor_id text not null,
        action text not null,
        entity text not null,
        entity_id text not null,
        before jsonb,
        after jsonb,
        request_id text,
        created_at timestamptz not null default now()
      )`,
      `create index audit_log_entity_idx on audit_log (entity, entity_id, seq)`,
      ...tenantRlsSql('audit_log'),
      ...provinceRlsSql('audit_log'),
    ];
    for (const sql of ddl) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists audit_log, terminals, stores, merchants, app_credentials, apps, partners, operators');
  }
}
