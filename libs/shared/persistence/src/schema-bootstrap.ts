import { Client } from 'pg';
import { appRoleName } from './rls';

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Prepares a service's schema on the admin connection: the schema itself, the service's
 * non-owner login role (it gets data rights, never ownership, so FORCE row-level security
 * binds it) and default privileges so that the tables migrations create are usable by it.
 * Existing grants are not touched again, so a migration may narrow them (e.g. an append-only
 * ledger revokes update and delete) and a later bootstrap does not undo that.
 */
export async function bootstrapServiceSchema(adminUrl: string, schema: string, appPassword: string): Promise<string> {
  const role = appRoleName(schema);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // roles are cluster-wide: serialise concurrent bootstraps (tests, several services)
    await client.query('select pg_advisory_lock(hashtext($1))', ['countypay.bootstrap']);
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    const pw = appPassword.replace(/'/g, "''");
    if (rowCount === 0) await client.query(`create role ${ident(role)} login password '${pw}' nosuperuser nobypassrls`);
    else await client.query(`alter role ${ident(role)} login password '${pw}' nosuperuser nobypassrls`);
    await client.query(`create schema if not exists ${ident(schema)}`);
    await client.query(`grant usage on schema ${ident(schema)} to ${ident(role)}`);
    await client.query(`alter default privileges in schema ${ident(schema)} grant select, insert, update, delete on tables to ${ident(role)}`);
    await client.query(`alter default privileges in schema ${ident(schema)} grant usage, select on sequences to ${ident(role)}`);
    await client.query('select pg_advisory_unlock(hashtext($1))', ['countypay.bootstrap']);
  } finally {
    await client.end();
  }
  return role;
}

/** The app's connection URL: the admin URL's server and database with the service role. */
export function appDatabaseUrl(adminUrl: string, schema: string, appPassword: string): string {
  const u = new URL(adminUrl);
  u.username = appRoleName(schema);
  u.password = appPassword;
  return u.toString();
}
