import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, one, query, rowOf, updateReturning, type RowType } from '@countypay/persistence';
import type { OperatorRole, OperatorStatus } from '../operators/dto/operator.dto';

const ACCOUNT = rowOf({
  operatorId: col.uuid(),
  role: col.text<OperatorRole>(),
  tenantId: col.text().nullable(),
  name: col.text(),
  status: col.text<OperatorStatus>(),
  username: col.text().nullable(),
  passwordHash: col.text().nullable(),
  failedSignIns: col.int(),
  lockedUntil: col.timestamp().nullable(),
});
export type ConsoleAccountRecord = RowType<typeof ACCOUNT>;

const SESSION = rowOf({
  sessionHash: col.text(),
  csrfHash: col.text(),
  operatorId: col.uuid(),
  createdAt: col.timestamp(),
  lastSeenAt: col.timestamp(),
  expiresAt: col.timestamp(),
});
export type ConsoleSessionRecord = RowType<typeof SESSION>;

/** Operators' console logins and sessions: province-level rows, every query in the province scope. */
@Injectable()
export class ConsoleAccountsRepository {
  findByUsername(em: EntityManager, username: string): Promise<ConsoleAccountRecord | undefined> {
    return one(em, ACCOUNT, `select ${ACCOUNT.columns('o')} from operators o where o.username = $1 for update`, [username]);
  }

  find(em: EntityManager, operatorId: string): Promise<ConsoleAccountRecord | undefined> {
    return one(em, ACCOUNT, `select ${ACCOUNT.columns('o')} from operators o where o.operator_id = $1 for update`, [operatorId]);
  }

  async setLogin(em: EntityManager, operatorId: string, username: string, passwordHash: string): Promise<ConsoleAccountRecord | undefined> {
    const [row] = await updateReturning(
      em,
      ACCOUNT,
      `update operators o set username = $2, password_hash = $3, failed_sign_ins = 0, locked_until = null, updated_at = now()
        where o.operator_id = $1 returning ${ACCOUNT.columns('o')}`,
      [operatorId, username, passwordHash],
    );
    return row;
  }

  /** Sets the bootstrap province operator's login unless it already has one. */
  async ensureBootstrapLogin(em: EntityManager, operatorId: string, username: string, passwordHash: () => Promise<string>): Promise<boolean> {
    const row = await one(em, ACCOUNT, `select ${ACCOUNT.columns('o')} from operators o where o.operator_id = $1 for update`, [operatorId]);
    if (!row || row.passwordHash) return false;
    await execute(em, `update operators set username = $2, password_hash = $3 where operator_id = $1`, [operatorId, username, await passwordHash()]);
    return true;
  }

  async recordFailure(em: EntityManager, operatorId: string, failedSignIns: number, lockedUntil: Date | null): Promise<void> {
    await execute(em, `update operators set failed_sign_ins = $2, locked_until = $3 where operator_id = $1`, [operatorId, failedSignIns, lockedUntil]);
  }

  async recordSuccess(em: EntityManager, operatorId: string): Promise<void> {
    await execute(em, `update operators set failed_sign_ins = 0, locked_until = null, last_sign_in_at = now() where operator_id = $1`, [operatorId]);
  }

  async insertSession(em: EntityManager, s: { sessionHash: string; csrfHash: string; operatorId: string; expiresAt: Date }): Promise<void> {
    await execute(em, `insert into console_sessions (session_hash, csrf_hash, operator_id, expires_at) values ($1, $2, $3, $4)`, [
      s.sessionHash,
      s.csrfHash,
      s.operatorId,
      s.expiresAt,
    ]);
  }

  /** A live session (not revoked, not expired) and its operator, locked for the touch. */
  async findLiveSession(em: EntityManager, sessionHash: string): Promise<{ session: ConsoleSessionRecord; account: ConsoleAccountRecord } | undefined> {
    const session = await one(
      em,
      SESSION,
      `select ${SESSION.columns('s')} from console_sessions s where s.session_hash = $1 and s.revoked_at is null and s.expires_at > now() for update`,
      [sessionHash],
    );
    if (!session) return undefined;
    const account = await one(em, ACCOUNT, `select ${ACCOUNT.columns('o')} from operators o where o.operator_id = $1`, [session.operatorId]);
    return account ? { session, account } : undefined;
  }

  async touchSession(em: EntityManager, sessionHash: string, expiresAt: Date): Promise<void> {
    await execute(em, `update console_sessions set last_seen_at = now(), expires_at = $2 where session_hash = $1`, [sessionHash, expiresAt]);
  }

  async revokeSession(em: EntityManager, sessionHash: string): Promise<string | undefined> {
    const r = await query(em, `update console_sessions set revoked_at = now() where session_hash = $1 and revoked_at is null returning operator_id`, [
      sessionHash,
    ]);
    const id = r.rows[0]?.['operator_id'];
    return typeof id === 'string' ? id : undefined;
  }

  async revokeAllSessions(em: EntityManager, operatorId: string): Promise<void> {
    await execute(em, `update console_sessions set revoked_at = now() where operator_id = $1 and revoked_at is null`, [operatorId]);
  }
}
