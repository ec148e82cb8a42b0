import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql } from '@countypay/persistence';

/**
 * Console sign-in for operators (issue 11): a user name and a scrypt password hash beside the
 * bearer token (which stays for automation), the failed-attempt counter and lock-out, and the
 * console's cookie sessions (only SHA-256 digests of the session and CSRF tokens are stored).
 * Province-level rows, like `operators`.
 */
export class ConsoleAccounts1764600000000 implements MigrationInterface {
  name = 'ConsoleAccounts1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const ddl = [
      `alter table operators
         add column username text check (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
         add column password_hash text,
         add column failed_sign_ins integer not null default 0,
         add column locked_until timestamptz,
         add column last_sign_in_at timestamptz`,
      `create unique index operators_username_idx on operators (username) where username is not null`,
      `create table console_sessions (
         session_hash char(64) primary key,
         csrf_hash char(64) not null,
         operator_id uuid not null references operators (operator_id),
         created_at timestamptz not null default now(),
         last_seen_at timestamptz not null default now(),
         expires_at timestamptz not null,
         revoked_at timestamptz
       )`,
      `create index console_sessions_operator_idx on console_sessions (operator_id)`,
      `alter table console_sessions enable row level security`,
      `alter table console_sessions force row level security`,
      ...provinceRlsSql('console_sessions'),
    ];
    for (const sql of ddl) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists console_sessions');
    await q.query('drop index if exists operators_username_idx');
    await q.query(
      'alter table operators drop column if exists username, drop column if exists password_hash, drop column if exists failed_sign_ins, drop column if exists locked_until, drop column if exists last_sign_in_at',
    );
  }
}
