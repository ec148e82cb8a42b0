import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { lineScope } from '../lines/lines.controller';
import { CreateRepaymentRequest, CreditRepayment } from './repayments.dto';
import { RepaymentsService } from './repayments.service';

@Controller('credit/lines/:id/repayments')
export class RepaymentsController {
  constructor(private readonly repayments: RepaymentsService) {}

  @Post()
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'createCreditRepayment',
    summary: "Repay now from the customer's repayment account: what is due, or a payoff with interest only to today",
    tag: 'Credit',
    response: CreditRepayment,
    errors: ['repayment_exceeds_due', 'repayment_declined'],
  })
  repay(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string, @Body() dto: CreateRepaymentRequest): Promise<CreditRepayment> {
    return this.repayments.repay(lineScope(actor), id, dto);
  }
}
