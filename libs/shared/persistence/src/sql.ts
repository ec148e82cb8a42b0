import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * Typed SQL for repositories. Hot paths stay explicit SQL, visible in the repository; what this
 * module removes is the boilerplate around it: the row type written twice (a snake_case row
 * interface and a camelCase record) with a hand-written `toRecord()`, bigint and date decoding,
 * and the five ways `UPDATE … RETURNING` results were unpacked.
 *
 * A row shape is declared once, as columns:
 *
 *   const ORDER = rowOf({ id: col.uuid(), amountFen: col.bigint(), paidAt: col.timestamp().nullable() });
 *   type OrderRecord = RowType<typeof ORDER>;        // { id: string; amountFen: bigint; paidAt: Date | null }
 *   `select ${ORDER.columns('o')} from payment_orders o where o.id = $1`   // o.id, o.amount_fen, o.paid_at
 *   const order = await one(em, ORDER, sql, [id]);
 *
 * Column names default to the key in snake_case. Values come back as node-postgres decodes them
 * with the types this platform configures (int8/numeric as text, `date` as 'YYYY-MM-DD', see
 * PG_TYPES) and are decoded once here.
 */

export interface Column<T> {
  /** the column's SQL name; undefined: the key in snake_case */
  readonly name: string | undefined;
  /** the SQL expression selected (`{c}` stands for the qualified column), e.g. for a cast */
  readonly expr: string | undefined;
  decode(raw: unknown): T;
  /** the same column, which may be NULL */
  nullable(): Column<T | null>;
  /** the column under another SQL name */
  as(name: string): Column<T>;
}

function column<T>(decode: (raw: unknown) => T, name?: string, expr?: string): Column<T> {
  return {
    name,
    expr,
    decode,
    nullable: () => column<T | null>((raw) => (raw === null || raw === undefined ? null : decode(raw)), name, expr),
    as: (n: string) => column(decode, n, expr),
  };
}

function text(raw: unknown): string {
  if (typeof raw !== 'string') throw new TypeError(`expected text from the database, got ${typeof raw}`);
  return raw;
}

function bigint(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return BigInt(raw);
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  throw new TypeError(`expected an integer from the database, got ${String(raw)}`);
}

function int(raw: unknown): number {
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new TypeError(`expected a safe integer from the database, got ${String(raw)}`);
  return n;
}

function timestamp(raw: unknown): Date {
  if (raw instanceof Date) return raw;
  if (typeof raw === 'string') return new Date(raw);
  throw new TypeError(`expected a timestamp from the database, got ${typeof raw}`);
}

function date(raw: unknown): string {
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw;
  throw new TypeError(`expected a date (YYYY-MM-DD) from the database, got ${String(raw)}`);
}

function bool(raw: unknown): boolean {
  if (typeof raw !== 'boolean') throw new TypeError(`expected a boolean from the database, got ${typeof raw}`);
  return raw;
}

/** Column kinds: the SQL type on the left, the TypeScript type it decodes to on the right. */
export const col = {
  /** text, varchar, char → string */
  text: <T extends string = string>(): Column<T> => column((raw) => text(raw) as T),
  /** uuid → string */
  uuid: (): Column<string> => column(text),
  /** smallint, integer → number */
  int: (): Column<number> => column(int),
  /** real, double precision (measurements, never money) → number */
  float: (): Column<number> =>
    column((raw) => {
      const n = typeof raw === 'string' ? Number(raw) : raw;
      if (typeof n !== 'number' || Number.isNaN(n)) throw new TypeError(`expected a number from the database, got ${String(raw)}`);
      return n;
    }),
  /** bigint (money in fen, counters) → bigint */
  bigint: (): Column<bigint> => column(bigint),
  /** bigint kept as its decimal text (sequence numbers, cursors) */
  bigintText: (): Column<string> => column((raw) => bigint(raw).toString()),
  /** timestamptz → Date */
  timestamp: (): Column<Date> => column(timestamp),
  /** date → 'YYYY-MM-DD' */
  date: (): Column<string> => column(date),
  boolean: (): Column<boolean> => column(bool),
  /** bytea → Buffer */
  bytes: (): Column<Buffer> =>
    column((raw) => {
      if (!Buffer.isBuffer(raw)) throw new TypeError('expected bytes from the database');
      return raw;
    }),
  /** jsonb → the stored value, typed by the caller */
  json: <T>(): Column<T> => column((raw) => raw as T),
  /** text[] → string[] */
  textArray: <T extends string = string>(): Column<T[]> =>
    column((raw) => {
      if (!Array.isArray(raw)) throw new TypeError('expected a text array from the database');
      return raw.map((v) => text(v) as T);
    }),
  /** any SQL expression, selected under the key's name, e.g. `col.expr('count(*)', col.int())` */
  expr: <T>(sqlExpr: string, of: Column<T>): Column<T> => column(of.decode, of.name, sqlExpr),
};

export type ColumnsSpec = Record<string, Column<unknown>>;
export type RowType<R> = R extends RowShape<infer S> ? { [K in keyof S]: S[K] extends Column<infer T> ? T : never } : never;

export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A row shape: its SELECT list and its decoder. */
export class RowShape<S extends ColumnsSpec> {
  private readonly entries: ReadonlyArray<readonly [key: string, sqlName: string, column: Column<unknown>]>;

  constructor(readonly spec: S) {
    this.entries = Object.entries(spec).map(([key, c]) => {
      const sqlName = c.name ?? snakeCase(key);
      if (!IDENT.test(sqlName)) throw new Error(`not a plain column name: ${sqlName}`);
      return [key, sqlName, c] as const;
    });
  }

  /**
   * The SELECT list, each column qualified with `alias` when given (`o.amount_fen`). Expressions
   * are selected under their column name; the qualification keeps ORDER BY on the table's own
   * column even where the list selects a cast under the same name.
   */
  columns(alias?: string): string {
    const q = alias ? `${alias}.` : '';
    return this.entries.map(([, sqlName, c]) => (c.expr ? `${c.expr.replaceAll('{c}', `${q}${sqlName}`)} as ${sqlName}` : `${q}${sqlName}`)).join(', ');
  }

  /** The column names in declaration order (for INSERT lists). */
  names(): string[] {
    return this.entries.map(([, sqlName]) => sqlName);
  }

  decode(raw: Record<string, unknown>): { [K in keyof S]: S[K] extends Column<infer T> ? T : never } {
    const out: Record<string, unknown> = {};
    for (const [key, sqlName, c] of this.entries) {
      if (!(sqlName in raw)) throw new Error(`the query did not select column ${sqlName}`);
      try {
        out[key] = c.decode(raw[sqlName]);
      } catch (e) {
        throw new TypeError(`column ${sqlName}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out as { [K in keyof S]: S[K] extends Column<infer T> ? T : never };
  }
}

/** Declares a row shape once: its columns and the record type they decode to. */
export function rowOf<S extends ColumnsSpec>(spec: S): RowShape<S> {
  return new RowShape(spec);
}

/** Anything that runs SQL: a transaction's EntityManager, or a migration's QueryRunner. */
export type Queryable = EntityManager | QueryRunner;

export interface QueryResult {
  rows: Array<Record<string, unknown>>;
  /** rows inserted, updated, deleted or selected */
  rowCount: number;
}

/** bigint parameters as decimal text (node-postgres has no bigint serialisation). */
function param(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(param);
  return v;
}

function isEntityManager(q: Queryable): q is EntityManager {
  return 'transaction' in q && 'connection' in q;
}

/** Runs one statement and answers rows and row count, whatever the statement. */
export async function query(q: Queryable, sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
  const values = params.map(param);
  const runner = isEntityManager(q) ? q.queryRunner : q;
  if (runner) {
    const r = (await runner.query(sql, values, true)) as { records?: Array<Record<string, unknown>>; affected?: number };
    const rows = r.records ?? [];
    return { rows, rowCount: r.affected ?? rows.length };
  }
  // an EntityManager outside a transaction: a pooled runner for this one statement
  const em = q as EntityManager;
  const own = em.connection.createQueryRunner();
  try {
    const r = (await own.query(sql, values, true)) as { records?: Array<Record<string, unknown>>; affected?: number };
    const rows = r.records ?? [];
    return { rows, rowCount: r.affected ?? rows.length };
  } finally {
    await own.release();
  }
}

/** Every row, decoded with `shape`. */
export async function many<S extends ColumnsSpec>(q: Queryable, shape: RowShape<S>, sql: string, params: readonly unknown[] = []) {
  const r = await query(q, sql, params);
  return r.rows.map((row) => shape.decode(row));
}

/** The first row, decoded with `shape`, or undefined when there is none. */
export async function one<S extends ColumnsSpec>(q: Queryable, shape: RowShape<S>, sql: string, params: readonly unknown[] = []) {
  const r = await query(q, sql, params);
  return r.rows[0] === undefined ? undefined : shape.decode(r.rows[0]);
}

/**
 * An `INSERT`/`UPDATE`/`DELETE … RETURNING` statement: the rows it returned, decoded. A
 * conditional update that matched nothing returns [] (the caller lost a race or the state moved).
 */
export async function updateReturning<S extends ColumnsSpec>(q: Queryable, shape: RowShape<S>, sql: string, params: readonly unknown[] = []) {
  return many(q, shape, sql, params);
}

/** A statement run for its effect: how many rows it touched. */
export async function execute(q: Queryable, sql: string, params: readonly unknown[] = []): Promise<number> {
  return (await query(q, sql, params)).rowCount;
}

/** The constraint a PostgreSQL unique violation (23505) names, if `e` is one. */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const d = err.driverError ?? err;
  return d.code === '23505' && typeof d.constraint === 'string' ? d.constraint : undefined;
}

/**
 * A WHERE clause built from optional filters, with numbered parameters:
 *
 *   const w = new Where(); w.add('o.app_id = ?', f.appId); w.add('o.state = ?', f.state);
 *   `select … from payment_orders o ${w.sql()}`, w.params
 *
 * An undefined value skips its condition; `?` is replaced by the next parameter number.
 */
export class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  constructor(params: readonly unknown[] = []) {
    this.params.push(...params);
  }

  /** Adds `condition` (with one `?` per value) unless any value is undefined. */
  add(condition: string, ...values: unknown[]): this {
    if (values.some((v) => v === undefined)) return this;
    let i = 0;
    const sqlText = condition.replace(/\?/g, () => {
      this.params.push(values[i++]);
      return `$${this.params.length}`;
    });
    if (i !== values.length) throw new Error(`condition '${condition}' has ${i} placeholders for ${values.length} values`);
    this.conditions.push(sqlText);
    return this;
  }

  /** The next parameter's placeholder, for a value used outside the conditions (e.g. LIMIT). */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** `where a and b`, or '' without conditions. */
  sql(): string {
    return this.conditions.length ? `where ${this.conditions.join(' and ')}` : '';
  }

  /** `and a and b` to append to an existing WHERE, or ''. */
  and(): string {
    return this.conditions.length ? `and ${this.conditions.join(' and ')}` : '';
  }
}
