import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, InternalRoute, uuidParam, type Actor } from '@countypay/service-kit';
import { lineScope } from '../lines/lines.controller';
import {
  CreditDrawdown,
  CreditDrawdownRefund,
  CreditHold,
  CreditQuote,
  CreditQuoteRequest,
  InternalHoldActionRequest,
  InternalHoldRequest,
  InternalQuoteRequest,
  InternalRefundRequest,
  PayWithCreditRequest,
  RefundDrawdownRequest,
} from './dto/holds.dto';
import { HoldsService } from './holds.service';

const PAY_ERRORS = [
  'credit_insufficient',
  'credit_line_not_active',
  'credit_line_expired',
  'out_of_region',
  'installments_not_allowed',
  'apr_above_ceiling',
] as const;

@Controller('credit')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post('lines/:id/quote')
  @HttpCode(200)
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'quoteCreditPayment',
    summary: 'The repayment schedule and annualised rate (APR) of a purchase on credit, to show before the customer confirms',
    tag: 'Credit',
    response: CreditQuote,
    errors: [...PAY_ERRORS],
  })
  quote(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string, @Body() dto: CreditQuoteRequest): Promise<CreditQuote> {
    return this.holds.quote(lineScope(actor), id, dto);
  }

  @Post('lines/:id/payments')
  @Authenticated({ actors: ['app'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'payWithCredit',
    summary: "Pay a purchase with the customer's credit line: the drawdown and its schedule (the same outTradeNo is the same payment)",
    tag: 'Credit',
    response: CreditDrawdown,
    errors: [...PAY_ERRORS, 'conflict'],
  })
  pay(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string, @Body() dto: PayWithCreditRequest): Promise<CreditDrawdown> {
    return this.holds.payWithCredit(lineScope(actor), id, dto);
  }

  @Get('drawdowns/:id')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({ operationId: 'getCreditDrawdown', summary: 'A drawdown: its schedule, repayments, classification', tag: 'Credit', response: CreditDrawdown })
  drawdown(@Auth() actor: Actor, @Param('id', uuidParam('drawdown')) id: string): Promise<CreditDrawdown> {
    return this.holds.drawdown(lineScope(actor), id);
  }

  @Post('drawdowns/:id/reverse')
  @HttpCode(200)
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['refunds:write'] })
  @ApiOperation({
    operationId: 'reverseCreditDrawdown',
    summary: 'Full refund before the drawdown is billed: the drawdown is reversed and the credit restored',
    tag: 'Credit',
    response: CreditDrawdown,
    errors: ['invalid_state_transition'],
  })
  async reverse(@Auth() actor: Actor, @Param('id', uuidParam('drawdown')) id: string): Promise<CreditDrawdown> {
    await this.holds.drawdown(lineScope(actor), id);
    return this.holds.reverse(lineScope(actor).tenantId, id);
  }

  @Post('drawdowns/:id/refunds')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['refunds:write'] })
  @ApiOperation({
    operationId: 'refundCreditDrawdown',
    summary:
      'Refund a drawdown, full or partial, before or after billing: principal first (the billed installments, then the last ones), the interest on the refunded principal returned pro rata',
    tag: 'Credit',
    response: CreditDrawdownRefund,
    errors: ['refund_exceeds_refundable', 'refund_amount_invalid', 'invalid_state_transition'],
  })
  refund(@Auth() actor: Actor, @Param('id', uuidParam('drawdown')) id: string, @Body() dto: RefundDrawdownRequest): Promise<CreditDrawdownRefund> {
    return this.holds.refund(lineScope(actor), id, dto);
  }

  // --- service to service: online acquiring and QR payment offer credit as a payment method ---

  @Post('internal/quote')
  @HttpCode(200)
  @InternalRoute({ callers: ['acquiring', 'qr-payment'] })
  quoteInternal(@Body() dto: InternalQuoteRequest): Promise<CreditQuote> {
    return this.holds.internalQuote(dto);
  }

  @Post('internal/holds')
  @InternalRoute({ callers: ['acquiring', 'qr-payment'] })
  hold(@Body() dto: InternalHoldRequest): Promise<CreditHold> {
    return this.holds.internalHold(dto);
  }

  @Post('internal/holds/:id/capture')
  @HttpCode(200)
  @InternalRoute({ callers: ['acquiring', 'qr-payment'] })
  capture(@Param('id', uuidParam('credit hold')) id: string, @Body() dto: InternalHoldActionRequest): Promise<CreditDrawdown> {
    return this.holds.capture(dto.tenantId, id);
  }

  @Post('internal/holds/:id/release')
  @HttpCode(200)
  @InternalRoute({ callers: ['acquiring', 'qr-payment'] })
  release(@Param('id', uuidParam('credit hold')) id: string, @Body() dto: InternalHoldActionRequest): Promise<CreditHold> {
    return this.holds.release(dto.tenantId, id, dto.reason ?? 'payment_closed');
  }

  @Post('internal/drawdowns/:id/refunds')
  @InternalRoute({ callers: ['acquiring', 'qr-payment'] })
  refundInternal(@Param('id', uuidParam('drawdown')) id: string, @Body() dto: InternalRefundRequest): Promise<CreditDrawdownRefund> {
    return this.holds.refund({ tenantId: dto.tenantId, appId: '', seesAllApps: true }, id, { outRefundNo: dto.outRefundNo, amountFen: dto.amountFen });
  }

  @Post('internal/drawdowns/:id/reverse')
  @HttpCode(200)
  @InternalRoute({ callers: ['acquiring', 'qr-payment'] })
  reverseInternal(@Param('id', uuidParam('drawdown')) id: string, @Body() dto: InternalHoldActionRequest): Promise<CreditDrawdown> {
    return this.holds.reverse(dto.tenantId, id);
  }
}
