import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inProvinceTransaction } from '@countypay/persistence';
import { auditActor, LOGGER, type Actor } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { AuditService } from '../audit/audit.service';
import {
  afterFailure,
  csrfMatches,
  decoyHash,
  hashPassword,
  isLocked,
  newSessionTokens,
  sessionExpiry,
  SESSION_TOKEN_PATTERN,
  tokenDigest,
  verifyPassword,
} from '../domain/console-credentials';
import { BOOTSTRAP_OPERATOR_ID, OperatorsService } from '../operators/operators.service';
import { ConsoleAccountsConfig } from './console-accounts.config';
import { ConsoleAccountsRepository, type ConsoleAccountRecord } from './console-accounts.repository';
import type {
  ConsoleLogin,
  ConsoleOperator,
  ConsoleSessionView,
  ConsoleSignedIn,
  ResolveConsoleSessionRequest,
  SetConsoleLoginRequest,
} from './dto/console-account.dto';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const BOOTSTRAP_CONSOLE_USERNAME = 'province';

/**
 * Operators' console sign-in: passwords (scrypt), lock-out after five wrong ones, cookie sessions
 * with a CSRF token, sign-out — each step audited in the same transaction as its change.
 */
@Injectable()
export class ConsoleAccountsService implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ConsoleAccountsRepository,
    private readonly audit: AuditService,
    private readonly operators: OperatorsService,
    private readonly config: ConsoleAccountsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Gives the bootstrap province operator its console login (user `province`) once, if a password is configured. */
  async onApplicationBootstrap(): Promise<void> {
    const password = this.config.COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD;
    if (!password) return;
    await this.operators.onApplicationBootstrap(); // the bootstrap row first (idempotent)
    const set = await inProvinceTransaction(this.ds, (em) =>
      this.repo.ensureBootstrapLogin(em, BOOTSTRAP_OPERATOR_ID, BOOTSTRAP_CONSOLE_USERNAME, () => hashPassword(password)),
    );
    if (set) this.logger.info({ operatorId: BOOTSTRAP_OPERATOR_ID, username: BOOTSTRAP_CONSOLE_USERNAME }, 'bootstrap console login set');
  }

  /** Sets (or resets) an operator's console login; unlocks it and ends its sessions. */
  async setLogin(actor: Actor, operatorId: string, dto: SetConsoleLoginRequest, requestId?: string): Promise<ConsoleLogin> {
    const passwordHash = await hashPassword(dto.password);
    return inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, operatorId);
      if (!before) throw new ApiError('not_found', `operator ${operatorId} does not exist`, 'operatorId');
      let after: ConsoleAccountRecord | undefined;
      try {
        after = await this.repo.setLogin(em, operatorId, dto.username, passwordHash);
      } catch (e) {
        if ((e as { driverError?: { code?: string }; code?: string }).driverError?.code === '23505' || (e as { code?: string }).code === '23505')
          throw new ApiError('conflict', `the user name ${dto.username} is taken`, 'username');
        throw e;
      }
      await this.repo.revokeAllSessions(em, operatorId);
      await this.audit.record(em, {
        tenantId: before.tenantId,
        ...auditActor(actor),
        action: 'operator.console_login_set',
        entity: 'operator',
        entityId: operatorId,
        before: { username: before.username, lockedUntil: before.lockedUntil?.toISOString() ?? null },
        after: { username: after!.username, lockedUntil: null },
        requestId,
      });
      return { operatorId, username: after!.username!, lockedUntil: null };
    });
  }

  /** A sign-in attempt: 401 invalid_credentials (wrong name or password alike), 423 account_locked. */
  async signIn(username: string, password: string, requestId?: string): Promise<ConsoleSignedIn> {
    const name = username.trim().toLowerCase();
    const invalid = new ApiError('invalid_credentials', 'the user name or the password is wrong');
    const now = new Date();
    // the hash is checked outside the transaction (it takes a while): the row is read twice
    const found = await inProvinceTransaction(this.ds, (em) => this.repo.findByUsername(em, name));
    const passwordOk = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
    const outcome = await inProvinceTransaction(this.ds, async (em) => {
      const account = found ? await this.repo.find(em, found.operatorId) : undefined;
      if (!account || account.status !== 'active' || !account.passwordHash || account.username !== name) {
        await this.audit.record(em, {
          tenantId: account?.tenantId ?? null,
          actorType: 'system',
          actorId: 'console',
          action: 'console.sign_in_failed',
          entity: 'operator',
          entityId: account?.operatorId ?? `username:${name.slice(0, 64)}`,
          before: null,
          after: { reason: account ? 'disabled' : 'unknown_user' },
          requestId,
        });
        return { kind: 'invalid' as const };
      }
      if (isLocked(account, now)) {
        await this.auditAccount(em, account, 'console.sign_in_refused_locked', { lockedUntil: account.lockedUntil!.toISOString() }, requestId);
        return { kind: 'locked' as const, until: account.lockedUntil! };
      }
      if (!passwordOk) {
        const next = afterFailure(account, now);
        await this.repo.recordFailure(em, account.operatorId, next.failedSignIns, next.lockedUntil);
        await this.auditAccount(em, account, 'console.sign_in_failed', { failedSignIns: next.failedSignIns }, requestId);
        if (next.lockedNow) {
          await this.auditAccount(em, account, 'console.account_locked', { lockedUntil: next.lockedUntil!.toISOString() }, requestId);
          return { kind: 'locked' as const, until: next.lockedUntil! };
        }
        return { kind: 'invalid' as const };
      }
      await this.repo.recordSuccess(em, account.operatorId);
      const tokens = newSessionTokens();
      const expiresAt = sessionExpiry(now, now);
      await this.repo.insertSession(em, {
        sessionHash: tokenDigest(tokens.sessionToken),
        csrfHash: tokenDigest(tokens.csrfToken),
        operatorId: account.operatorId,
        expiresAt,
      });
      await this.auditAccount(em, account, 'console.signed_in', { expiresAt: expiresAt.toISOString() }, requestId);
      return { kind: 'ok' as const, tokens, expiresAt, account };
    });
    // the failure's audit and counter must commit: the refusal is answered after the transaction
    if (outcome.kind === 'invalid') throw invalid;
    if (outcome.kind === 'locked') throw new ApiError('account_locked', `too many wrong passwords: the account is locked until ${outcome.until.toISOString()}`);
    return { ...outcome.tokens, expiresAt: outcome.expiresAt.toISOString(), operator: operatorOf(outcome.account) };
  }

  /**
   * The operator of a live session (sliding expiry). An unsafe request must bring the session's
   * CSRF token (403 invalid_csrf_token) and is audited as the console action it is.
   */
  async resolve(dto: ResolveConsoleSessionRequest, requestId?: string): Promise<ConsoleSessionView> {
    if (!SESSION_TOKEN_PATTERN.test(dto.sessionToken)) throw new ApiError('invalid_console_session', 'sign in again');
    const method = (dto.method ?? 'GET').toUpperCase();
    const result = await inProvinceTransaction(this.ds, async (em) => {
      const hash = tokenDigest(dto.sessionToken);
      const live = await this.repo.findLiveSession(em, hash);
      if (!live || live.account.status !== 'active') return undefined;
      if (UNSAFE.has(method) && !csrfMatches(dto.csrfToken, live.session.csrfHash)) return 'csrf' as const;
      const expiresAt = sessionExpiry(live.session.createdAt, new Date());
      await this.repo.touchSession(em, hash, expiresAt);
      if (UNSAFE.has(method)) await this.auditAccount(em, live.account, 'console.action', { method, path: (dto.path ?? '').slice(0, 300) }, requestId);
      return { operator: operatorOf(live.account), expiresAt: expiresAt.toISOString() };
    });
    if (!result) throw new ApiError('invalid_console_session', 'the session has ended: sign in again');
    if (result === 'csrf') throw new ApiError('invalid_csrf_token', 'the X-CSRF-Token header does not match this session', 'X-CSRF-Token');
    return result;
  }

  async signOut(sessionToken: string, requestId?: string): Promise<void> {
    if (!SESSION_TOKEN_PATTERN.test(sessionToken)) return;
    await inProvinceTransaction(this.ds, async (em) => {
      const operatorId = await this.repo.revokeSession(em, tokenDigest(sessionToken));
      if (!operatorId) return;
      const account = await this.repo.find(em, operatorId);
      if (account) await this.auditAccount(em, account, 'console.signed_out', {}, requestId);
    });
  }

  private auditAccount(em: EntityManager, account: ConsoleAccountRecord, action: string, after: Record<string, unknown>, requestId?: string): Promise<void> {
    return this.audit.record(em, {
      tenantId: account.tenantId,
      actorType: account.role,
      actorId: account.operatorId,
      action,
      entity: 'operator',
      entityId: account.operatorId,
      before: null,
      after,
      requestId,
    });
  }
}

function operatorOf(a: ConsoleAccountRecord): ConsoleOperator {
  return { operatorId: a.operatorId, role: a.role, tenantId: a.tenantId, name: a.name, username: a.username ?? '' };
}
