import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';

const MERCHANT_EXAMPLE = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';

export class ListEscrowPositionsQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: "only this merchant's orders (a merchant of another county is a 404)", examples: [MERCHANT_EXAMPLE] })
  merchantId?: string;

  @IsOptional()
  @IsIn(['held', 'finished'])
  @ApiSchema({ description: 'held: something may still be split or released; finished: the remainder was released' })
  position?: 'held' | 'finished';
}

/** One shared paid order's escrow, as operators see it. */
export class EscrowPositionRow {
  @IsUUID()
  orderId!: string;

  @IsString()
  @ApiSchema({ examples: ['MALL-20261129-0001'] })
  outTradeNo!: string;

  @IsUUID()
  merchantId!: string;

  @IsInt()
  @Min(0)
  amountFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the fee under the county’s plan' })
  feeFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'still held in escrow' })
  heldFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'split to receivers, net of reversals' })
  splitFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'released to the order’s merchant' })
  releasedFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'taken back from splits by refunds (分账回退)' })
  reversedFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'refunded straight from the escrow' })
  refundedFromEscrowFen!: number;

  @IsISO8601()
  paidAt!: string;

  @Nullable()
  @IsISO8601()
  @ApiSchema({ description: 'when the remainder was released; null while held' })
  finishedAt!: string | null;
}

/** A merchant's escrow over all its shared paid orders. */
export class MerchantEscrowSummary {
  @IsUUID()
  merchantId!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂县农特产商城有限公司'] })
  merchantName!: string;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'shared paid orders' })
  orders!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'of which still held (not finished)' })
  heldOrders!: number;

  @IsInt()
  @Min(0)
  amountFen!: number;

  @IsInt()
  @Min(0)
  feeFen!: number;

  @IsInt()
  @Min(0)
  heldFen!: number;

  @IsInt()
  @Min(0)
  splitFen!: number;

  @IsInt()
  @Min(0)
  releasedFen!: number;

  @IsInt()
  @Min(0)
  reversedFen!: number;

  @IsInt()
  @Min(0)
  refundedFromEscrowFen!: number;
}
