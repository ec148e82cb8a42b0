import { ApiError } from '@countypay/contracts';
import { query, type ColumnsSpec, type Queryable, type RowShape, type Where } from './sql';

/**
 * Cursor (keyset) pagination — the one way every list of the platform pages.
 *
 * A list declares its sort key once, as table columns that are NOT NULL and unique together
 * (the last one a unique id or sequence):
 *
 *   const NEWEST_FIRST = new Keyset('qr-orders', [{ sql: 'o.created_at', type: 'timestamp' }, { sql: 'o.id', type: 'uuid' }], 'desc');
 *   return pageQuery(em, ORDER, { from: 'payment_orders o', where, keyset: NEWEST_FIRST, page });
 *
 * The database compares the keys in their own types (a sequence as bigint, never as text —
 * text sorts 1000 before 999), the ORDER BY uses the qualified table columns (never an output
 * alias), and the cursor carries the last row's key exactly as PostgreSQL printed it
 * (timestamps to the microsecond, which a JavaScript Date would round to the millisecond).
 * Pages are therefore strictly ordered, disjoint and together complete, also when many rows
 * share a timestamp and when sequences cross 999→1000 or 9999→10000.
 *
 * The cursor is opaque to clients: base64url of `[list name, …key values]`. A cursor of another
 * list, or anything that does not decode to well-formed key values, is a 400 naming `cursor`.
 */

export type KeyType = 'timestamp' | 'uuid' | 'bigint' | 'text';

export interface KeyColumn {
  /** the qualified column, e.g. `o.created_at` */
  sql: string;
  type: KeyType;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** Every list answers `{ data, nextCursor }`; `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const SQL_TYPE: Record<KeyType, string> = { timestamp: 'timestamptz', uuid: 'uuid', bigint: 'bigint', text: 'text' };

const VALID: Record<KeyType, (v: string) => boolean> = {
  timestamp: validTimestamp,
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v),
  bigint: (v) => /^-?\d{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n && BigInt(v) >= -9223372036854775808n,
  text: (v) => v.length <= 200 && !/[\u0000-\u001f]/.test(v),
};

/** A timestamptz as PostgreSQL prints it (`2026-11-29 06:00:00.123456+08`), every field in range. */
function validTimestamp(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:([+-])(\d{2})(?::?(\d{2}))?|Z)$/.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    Number(m[9] ?? 0) <= 15 &&
    Number(m[10] ?? 0) <= 59
  );
}

const COLUMN = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

function invalidCursor(): ApiError {
  return new ApiError('invalid_request', 'cursor is not a nextCursor this list returned', 'cursor');
}

export class Keyset {
  constructor(
    /** names the list inside its cursors, so one list's cursor is refused by another */
    readonly list: string,
    readonly keys: readonly KeyColumn[],
    readonly direction: 'asc' | 'desc',
  ) {
    if (keys.length === 0) throw new Error('a keyset needs at least one key column');
    for (const k of keys) if (!COLUMN.test(k.sql)) throw new Error(`not a plain (qualified) column: ${k.sql}`);
  }

  /** `o.created_at desc, o.id desc` */
  orderBy(): string {
    return this.keys.map((k) => `${k.sql} ${this.direction}`).join(', ');
  }

  /** The key columns as PostgreSQL prints them, selected beside the row as `_page_key_<i>`. */
  selectKeys(): string {
    return this.keys.map((k, i) => `${k.sql}::text as _page_key_${i}`).join(', ');
  }

  /** Adds "after the cursor's row" to `where`: `(o.created_at, o.id) < ($n::timestamptz, $m::uuid)`. */
  addAfter(where: Where, cursor: string | undefined): void {
    if (cursor === undefined) return;
    const values = this.decode(cursor);
    const cols = this.keys.map((k) => k.sql).join(', ');
    const placeholders = this.keys.map((k) => `?::${SQL_TYPE[k.type]}`).join(', ');
    where.add(`(${cols}) ${this.direction === 'desc' ? '<' : '>'} (${placeholders})`, ...values);
  }

  encode(values: readonly string[]): string {
    return Buffer.from(JSON.stringify([this.list, ...values]), 'utf8').toString('base64url');
  }

  /** The key values of a cursor of this list; anything else is a 400 naming `cursor`. */
  decode(cursor: string): string[] {
    if (cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (!Array.isArray(parsed) || parsed.length !== this.keys.length + 1 || parsed[0] !== this.list) throw invalidCursor();
    const values = parsed.slice(1);
    if (!values.every((v, i): v is string => typeof v === 'string' && VALID[this.keys[i]!.type](v))) throw invalidCursor();
    return values as string[];
  }
}

/**
 * One page of `shape` rows: `select <shape>, <keys> from <from> <where + after cursor> order by
 * <keyset> limit <limit + 1>`; the extra row only tells whether there is a next page.
 */
export async function pageQuery<S extends ColumnsSpec>(
  q: Queryable,
  shape: RowShape<S>,
  opts: { select?: string; from: string; where: Where; keyset: Keyset; page: PageRequest },
): Promise<Page<ReturnType<RowShape<S>['decode']>>> {
  const { where, keyset, page } = opts;
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) throw new Error(`page limit must be a positive integer, not ${page.limit}`);
  keyset.addAfter(where, page.cursor);
  const limit = where.bind(page.limit + 1);
  const r = await query(
    q,
    `select ${opts.select ?? shape.columns(aliasOf(opts.from))}, ${keyset.selectKeys()} from ${opts.from} ${where.sql()} order by ${keyset.orderBy()} limit ${limit}`,
    where.params,
  );
  const more = r.rows.length > page.limit;
  const shown = more ? r.rows.slice(0, page.limit) : r.rows;
  const last = shown[shown.length - 1];
  return {
    data: shown.map((row) => shape.decode(row)),
    nextCursor: more && last ? keyset.encode(keyset.keys.map((_, i) => String(last[`_page_key_${i}`]))) : null,
  };
}

/** `payment_orders o` → `o`; `journal_entries` → `journal_entries`. */
function aliasOf(from: string): string | undefined {
  const m = /^\s*[a-z_][a-z0-9_.]*(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?\s*$/i.exec(from);
  if (!m) return undefined;
  return m[1];
}
