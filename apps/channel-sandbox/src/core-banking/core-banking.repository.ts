import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** TypeORM answers an UPDATE … RETURNING with `[rows, affected]` on PostgreSQL: the rows. */
async function updateReturning<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await em.query(sql, params)) as [T[], number];
  return rows;
}

export type AccountStatus = 'normal' | 'frozen';
export type EntryKind = 'payment_debit' | 'refund_credit' | 'reversal_credit' | 'payout_credit';

export interface AccountRow {
  accountNo: string;
  holderName: string;
  balanceFen: bigint;
  status: AccountStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface EntryRow {
  accountNo: string;
  reference: string;
  kind: EntryKind;
  amountFen: bigint;
  at: Date;
}

interface RawAccount {
  account_no: string;
  holder_name: string;
  balance_fen: string;
  status: AccountStatus;
  created_at: Date;
  updated_at: Date;
}

interface RawEntry {
  account_no: string;
  reference: string;
  kind: EntryKind;
  amount_fen: string;
  at: Date;
}

const account = (r: RawAccount): AccountRow => ({
  accountNo: r.account_no,
  holderName: r.holder_name,
  balanceFen: BigInt(r.balance_fen),
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const entry = (r: RawEntry): EntryRow => ({ accountNo: r.account_no, reference: r.reference, kind: r.kind, amountFen: BigInt(r.amount_fen), at: r.at });

/** County core banking: deposit accounts and their entries. RLS scopes every query to the transaction's tenant. */
@Injectable()
export class CoreBankingRepository {
  async insertAccount(
    em: EntityManager,
    tenantId: string,
    a: { accountNo: string; holderName: string; balanceFen: bigint; status: AccountStatus },
  ): Promise<AccountRow | undefined> {
    const rows: RawAccount[] = await em.query(
      `insert into core_accounts (tenant_id, account_no, holder_name, balance_fen, status) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, account_no) do nothing
       returning account_no, holder_name, balance_fen, status, created_at, updated_at`,
      [tenantId, a.accountNo, a.holderName, a.balanceFen.toString(), a.status],
    );
    return rows[0] && account(rows[0]);
  }

  async findAccount(em: EntityManager, accountNo: string): Promise<AccountRow | undefined> {
    const rows: RawAccount[] = await em.query(
      `select account_no, holder_name, balance_fen, status, created_at, updated_at from core_accounts where account_no = $1`,
      [accountNo],
    );
    return rows[0] && account(rows[0]);
  }

  /** The account whose number ends the payer code (the longest such number). */
  async findAccountEndingCode(em: EntityManager, payerCode: string): Promise<string | undefined> {
    const rows: Array<{ account_no: string }> = await em.query(
      `select account_no from core_accounts where right($1, length(account_no)) = account_no order by length(account_no) desc limit 1`,
      [payerCode],
    );
    return rows[0]?.account_no;
  }

  /** The debit: ONE conditional UPDATE, refused (no row) on a frozen account or a short balance. */
  async debit(em: EntityManager, accountNo: string, amountFen: bigint): Promise<bigint | undefined> {
    const rows: Array<{ balance_fen: string }> = await updateReturning(
      em,
      `update core_accounts set balance_fen = balance_fen - $2, updated_at = now()
        where account_no = $1 and status = 'normal' and balance_fen >= $2
        returning balance_fen`,
      [accountNo, amountFen.toString()],
    );
    return rows[0] ? BigInt(rows[0].balance_fen) : undefined;
  }

  async credit(em: EntityManager, accountNo: string, amountFen: bigint): Promise<bigint | undefined> {
    const rows: Array<{ balance_fen: string }> = await updateReturning(
      em,
      `update core_accounts set balance_fen = balance_fen + $2, updated_at = now() where account_no = $1 returning balance_fen`,
      [accountNo, amountFen.toString()],
    );
    return rows[0] ? BigInt(rows[0].balance_fen) : undefined;
  }

  /** Records an entry once per reference; undefined when the reference is already taken. */
  async insertEntry(
    em: EntityManager,
    tenantId: string,
    e: { accountNo: string; reference: string; kind: EntryKind; amountFen: bigint },
  ): Promise<EntryRow | undefined> {
    const rows: RawEntry[] = await em.query(
      `insert into core_account_entries (tenant_id, account_no, reference, kind, amount_fen) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, reference) do nothing
       returning account_no, reference, kind, amount_fen, at`,
      [tenantId, e.accountNo, e.reference, e.kind, e.amountFen.toString()],
    );
    return rows[0] && entry(rows[0]);
  }

  async findEntry(em: EntityManager, reference: string): Promise<EntryRow | undefined> {
    const rows: RawEntry[] = await em.query(`select account_no, reference, kind, amount_fen, at from core_account_entries where reference = $1`, [reference]);
    return rows[0] && entry(rows[0]);
  }

  async entries(em: EntityManager, accountNo: string, limit: number): Promise<EntryRow[]> {
    const rows: RawEntry[] = await em.query(
      `select account_no, reference, kind, amount_fen, at from core_account_entries where account_no = $1 order by entry_id desc limit $2`,
      [accountNo, limit],
    );
    return rows.map(entry);
  }
}
