import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { ErrorCode } from '@countypay/contracts';
import { ApiOperation, PublicRoute, tenantParam, uuidParam } from '@countypay/service-kit';
import { CashierOutcome } from '../cashier/cashier-cards.dto';
import { SmsSent } from '../quickpay/dto/quickpay.dto';
import { CashierCreditConfirmRequest, CashierCreditConsentRequest, CashierCreditOffers, CashierCreditOffersRequest } from './credit-payment.dto';
import { CreditPaymentService } from './credit-payment.service';

const TAG = 'Online acquiring';
const ORDER_ERRORS: ErrorCode[] = ['not_found', 'order_not_payable', 'order_expired'];
const LINE_ERRORS: ErrorCode[] = [
  'credit_insufficient',
  'credit_line_not_active',
  'credit_line_expired',
  'out_of_region',
  'installments_not_allowed',
  'apr_above_ceiling',
];

/**
 * County credit payment at the hosted cashier (public, rate-limited by the gateway; the order id
 * is the capability): consent by SMS code to the line's reserved mobile, the plans with schedule
 * and APR, then the confirmation that holds and draws the credit.
 */
@Controller('acquiring/cashier/:tenantCode/:orderId/credit')
export class CashierCreditController {
  constructor(private readonly credit: CreditPaymentService) {}

  @Post('sms')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'sendCashierCreditCode',
    summary: 'The payer names their county credit line (customer number + reserved mobile): the consent code goes to that mobile',
    tag: TAG,
    response: SmsSent,
    errors: [...ORDER_ERRORS, 'credit_line_not_active', 'sms_resend_too_soon', 'sms_send_limit_reached', 'service_unavailable'],
  })
  sms(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: CashierCreditConsentRequest,
  ): Promise<SmsSent> {
    return this.credit.sendConsentCode(tenantId, orderId, dto.customerRef, dto.mobile);
  }

  @Post('offers')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'getCashierCreditOffers',
    summary: 'With the consent code: the installment plans of this order on the line, each with its schedule and APR (年化利率), before confirming',
    tag: TAG,
    response: CashierCreditOffers,
    errors: [...ORDER_ERRORS, 'sms_code_invalid', 'sms_code_expired', 'sms_code_used', 'sms_code_locked', ...LINE_ERRORS, 'service_unavailable'],
  })
  offers(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: CashierCreditOffersRequest,
  ): Promise<CashierCreditOffers> {
    return this.credit.offers(tenantId, orderId, dto.customerRef, dto.smsCode);
  }

  @Post('confirm')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'confirmCashierCredit',
    summary: 'The payer confirms a plan: credit holds the amount, the order is paid and the hold becomes a drawdown',
    tag: TAG,
    response: CashierOutcome,
    errors: [...ORDER_ERRORS, 'sms_code_expired', ...LINE_ERRORS, 'channel_not_enabled', 'channel_timeout'],
  })
  async confirm(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: CashierCreditConfirmRequest,
  ): Promise<CashierOutcome> {
    return { status: (await this.credit.confirm(tenantId, orderId, dto.installments)).state };
  }
}
