import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { PageRequest } from '@countypay/persistence';
import { ApiSchema } from './api-operation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * `?limit=&cursor=` of every list (list queries extend it with their filters). Lists answer
 * `{ data, nextCursor }`, newest first unless the list says otherwise; pass `nextCursor` back as
 * `cursor` for the next page, until it is null.
 */
export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  @ApiSchema({ description: `page size, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, examples: [20] })
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @ApiSchema({
    description: "the previous page's nextCursor (opaque)",
    examples: ['WyJxci1vcmRlcnMiLCIyMDI2LTExLTI5IDA2OjAwOjAwLjEyMzQ1NiswMCIsIjBiNWMxYzBlLTdkOGEtNGY2MS05YTU3LTNmMmE1NWMwZDFlNCJd'],
  })
  cursor?: string;
}

/** The page a list query asks for. */
export function pageRequest(q: PageQuery): PageRequest {
  return { limit: q.limit ?? DEFAULT_PAGE_SIZE, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) };
}
