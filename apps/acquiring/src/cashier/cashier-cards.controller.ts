import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { ErrorCode } from '@countypay/contracts';
import { ApiOperation, PublicRoute, tenantParam, uuidParam } from '@countypay/service-kit';
import { BindCardRequest, CardAgreement, CardBinding, QuickPayConfirmRequest, QuickPaySmsRequest, SmsCodeRequest, SmsSent } from '../quickpay/dto/quickpay.dto';
import { CashierKnownCardsRequest, CashierOutcome } from './cashier-cards.dto';
import { CashierCardsService } from './cashier-cards.service';

const TAG = 'Online acquiring';
const CODE_ERRORS: ErrorCode[] = ['sms_code_invalid', 'sms_code_expired', 'sms_code_used', 'sms_code_locked'];
const SEND_ERRORS: ErrorCode[] = ['sms_resend_too_soon', 'sms_send_limit_reached'];
const ORDER_ERRORS: ErrorCode[] = ['not_found', 'order_not_payable', 'order_expired'];

/**
 * Card quick pay at the hosted cashier (public, rate-limited by the gateway like every public
 * route; the order id is the capability). Card data is posted here once, to bind; the page and
 * the answers show BIN + last 4 only.
 */
@Controller('acquiring/cashier/:tenantCode/:orderId')
export class CashierCardsController {
  constructor(private readonly cards: CashierCardsService) {}

  @Post('cards')
  @PublicRoute()
  @ApiOperation({
    operationId: 'bindCashierCard',
    summary: 'The payer binds a county bank debit card at the cashier: the bank checks the four elements, then an SMS code goes to the reserved mobile',
    description: 'Never send CVV2, PIN or track data. The card is kept encrypted and shown as BIN + last 4.',
    tag: TAG,
    response: CardBinding,
    errors: [...ORDER_ERRORS, 'card_verification_failed', 'invalid_bank_account', 'invalid_id_number', ...SEND_ERRORS, 'channel_timeout', 'channel_error'],
  })
  bind(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: BindCardRequest,
  ): Promise<CardBinding> {
    return this.cards.bind(tenantId, orderId, dto);
  }

  @Post('cards/known')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'knownCashierCards',
    summary: "The cards this payer's browser bound before that can still pay (BIN + last 4 only)",
    tag: TAG,
    response: { array: CardAgreement },
    errors: ['not_found'],
  })
  known(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: CashierKnownCardsRequest,
  ): Promise<CardAgreement[]> {
    return this.cards.known(tenantId, orderId, dto.agreementIds);
  }

  @Post('cards/:agreementId/sms')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'resendCashierCardCode',
    summary: 'A new binding SMS code (no sooner than 60 s)',
    tag: TAG,
    response: SmsSent,
    errors: [...ORDER_ERRORS, ...SEND_ERRORS, 'agreement_not_active'],
  })
  resend(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Param('agreementId', uuidParam('card agreement')) agreementId: string,
  ): Promise<SmsSent> {
    return this.cards.resendBindCode(tenantId, orderId, agreementId);
  }

  @Post('cards/:agreementId/confirm')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'confirmCashierCard',
    summary: 'Confirm the binding with its SMS code: the card can pay',
    tag: TAG,
    response: CardAgreement,
    errors: [...ORDER_ERRORS, ...CODE_ERRORS, 'agreement_not_active'],
  })
  confirm(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Param('agreementId', uuidParam('card agreement')) agreementId: string,
    @Body() dto: SmsCodeRequest,
  ): Promise<CardAgreement> {
    return this.cards.confirmBinding(tenantId, orderId, agreementId, dto.smsCode);
  }

  @Post('quickpay/sms')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'sendCashierQuickPayCode',
    summary: "The payment SMS code for this order, its amount and the chosen card (the card's daily limit is checked first)",
    tag: TAG,
    response: SmsSent,
    errors: [...ORDER_ERRORS, ...SEND_ERRORS, 'agreement_not_active', 'quickpay_limit_exceeded'],
  })
  sendPayCode(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: QuickPaySmsRequest,
  ): Promise<SmsSent> {
    return this.cards.sendPayCode(tenantId, orderId, dto.agreementId);
  }

  @Post('quickpay')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'payCashierByCard',
    summary: 'Pay the order by card quick pay with the chosen card and the payment SMS code',
    tag: TAG,
    response: CashierOutcome,
    errors: [...ORDER_ERRORS, ...CODE_ERRORS, 'agreement_not_active', 'quickpay_limit_exceeded', 'channel_not_enabled', 'channel_error'],
  })
  pay(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: QuickPayConfirmRequest,
  ): Promise<CashierOutcome> {
    return this.cards.pay(tenantId, orderId, dto);
  }
}
