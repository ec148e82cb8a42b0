import { IsInt, IsString } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { ApiSchema, Nullable } from './api-operation';

describe('ApiSchema with Nullable (settlement ledger response cases)', () => {
  class LedgerEntryLike {
    @Nullable()
    @IsString()
    @ApiSchema({ description: 'the refund, for a refund entry; null for a payment', examples: ['r-1'] })
    refundId!: string | null;

    @ApiSchema({ description: 'the fee rate applied, in basis points', examples: [38] })
    @Nullable()
    @IsInt()
    feeRateBp!: number | null;

    @IsInt()
    @ApiSchema({ description: 'the amount in fen' })
    @ApiSchema({ examples: [10000] })
    amountFen!: number;
  }

  const props = targetConstructorToSchema(LedgerEntryLike).properties as Record<string, Record<string, unknown>>;

  it('keeps the description and examples and makes the type nullable, whichever decorator comes first', () => {
    expect(props.refundId).toEqual({ type: ['string', 'null'], description: 'the refund, for a refund entry; null for a payment', examples: ['r-1'] });
    expect(props.feeRateBp).toEqual({ type: ['integer', 'null'], description: 'the fee rate applied, in basis points', examples: [38] });
  });

  it('merges several ApiSchema decorators on one property', () => {
    expect(props.amountFen).toEqual({ type: 'integer', description: 'the amount in fen', examples: [10000] });
  });
});
