import { ArrayMaxSize, IsArray, IsIn, IsUUID } from 'class-validator';
import { ApiSchema } from '@countypay/service-kit';
import { ORDER_STATES, type OrderState } from '../domain/order-state';

/** The card agreements this browser bound before (kept by the page): the cashier shows the active ones of this partner. */
export class CashierKnownCardsRequest {
  @IsArray()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  @ApiSchema({ description: 'agreement ids remembered by the payer’s browser (at most 10)', examples: [['5d1f0e9b-8a7c-4b2e-9c1a-4f3d4e8ba6c5']] })
  agreementIds!: string[];
}

/** What the payer sees after confirming a payment at the cashier. */
export class CashierOutcome {
  @IsIn(ORDER_STATES)
  @ApiSchema({ description: 'succeeded, failed, or paying while the bank has not answered yet (the page keeps polling)' })
  status!: OrderState;
}
