import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiError } from '@countypay/contracts';

/** `?limit=&cursor=`: at most 100 per page (default 20); the cursor is opaque. */
export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** Every list answers `{ data, nextCursor }`; `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Encodes the sort key of the last row of a page. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The kinds of sort-key parts: an ISO timestamp, an id, a UUID, a sequence number. */
export type CursorPart = 'time' | 'id' | 'uuid' | 'seq';

const PART_CHECK: Record<CursorPart, (v: string) => boolean> = {
  time: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  id: (v) => /^[A-Za-z0-9_-]{1,64}$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v),
  seq: (v) => /^\d{1,18}$/.test(v),
};

/** Decodes a cursor made by encodeCursor with parts of the given kinds; anything else is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined, parts: readonly CursorPart[]): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts.length && key.every((k, i) => typeof k === 'string' && PART_CHECK[parts[i] as CursorPart](k))) return key as string[];
  } catch {
    // fall through
  }
  throw new ApiError('invalid_request', 'cursor is not a cursor this list returned', 'cursor');
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => string[], view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { data: shown.map(view), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}
