import { IsOptional, IsUUID } from 'class-validator';
import { ApiSchema, PageQuery } from '@countypay/service-kit';

/** `GET /v1/ledger/entries`: the tenant's journal entries, newest first, optionally of one order. */
export class ListLedgerEntriesQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'only the entries of this payment order (its payment and its refunds)', examples: ['3f6c2a9e-1b4d-4e8a-9c71-5d2e8f0a6b13'] })
  orderId?: string;
}
