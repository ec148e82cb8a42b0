import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import type { ErrorCode } from '@countypay/contracts';
import { AcquiringOrder } from '../orders/dto/acquiring-order.dto';
import { orderScope } from '../orders/order-scope';
import { BindCardRequest, CardAgreement, CardBinding, QuickPayConfirmRequest, QuickPaySmsRequest, SmsCodeRequest, SmsSent } from './dto/quickpay.dto';
import { AgreementRevocationService } from './agreement-revocation.service';
import { QuickpayService } from './quickpay.service';

const TAG = 'Online acquiring';
const ACTS = { actors: ['app'], scopes: ['acquiring:pay'] } as const;
const CODE_ERRORS: ErrorCode[] = ['sms_code_invalid', 'sms_code_expired', 'sms_code_used', 'sms_code_locked'];
const SEND_ERRORS: ErrorCode[] = ['sms_resend_too_soon', 'sms_send_limit_reached'];

/** Bank-card quick pay with agreement signing (快捷/协议支付). */
@Controller('acquiring')
export class QuickpayController {
  constructor(
    private readonly quickpay: QuickpayService,
    private readonly revocation: AgreementRevocationService,
  ) {}

  @Post('cards')
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'bindAcquiringCard',
    summary: "Bind a payer's county bank debit card (绑卡): the bank checks card, name, ID number and reserved mobile, then an SMS code goes to that mobile",
    description:
      'Answers the pending agreement; confirm it with the SMS code. Never send CVV2, PIN or track data; the card is kept encrypted and shown as BIN + last 4.',
    tag: TAG,
    response: CardBinding,
    errors: ['card_verification_failed', 'invalid_bank_account', 'invalid_id_number', ...SEND_ERRORS, 'channel_timeout', 'channel_error'],
  })
  bind(@Auth() actor: Actor, @Body() dto: BindCardRequest): Promise<CardBinding> {
    return this.quickpay.bind(orderScope(actor), dto);
  }

  @Post('cards/:agreementId/sms')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'resendAcquiringCardCode',
    summary: 'Send a new binding SMS code (no sooner than 60 s after the last)',
    tag: TAG,
    response: SmsSent,
    errors: [...SEND_ERRORS, 'agreement_not_active'],
  })
  resend(@Auth() actor: Actor, @Param('agreementId', uuidParam('card agreement')) id: string): Promise<SmsSent> {
    return this.quickpay.resendBindCode(orderScope(actor), id);
  }

  @Post('cards/:agreementId/confirm')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'confirmAcquiringCard',
    summary: 'Confirm a binding with its SMS code: the agreement becomes active (the token to pay with)',
    tag: TAG,
    response: CardAgreement,
    errors: [...CODE_ERRORS, 'agreement_not_active'],
  })
  confirm(@Auth() actor: Actor, @Param('agreementId', uuidParam('card agreement')) id: string, @Body() dto: SmsCodeRequest): Promise<CardAgreement> {
    return this.quickpay.confirmBinding(orderScope(actor), id, dto.smsCode);
  }

  @Get('cards/:agreementId')
  @Authenticated(ACTS)
  @ApiOperation({ operationId: 'getAcquiringCard', summary: 'A card agreement (BIN + last 4 only)', tag: TAG, response: CardAgreement })
  get(@Auth() actor: Actor, @Param('agreementId', uuidParam('card agreement')) id: string): Promise<CardAgreement> {
    return this.quickpay.get(orderScope(actor), id);
  }

  @Post('cards/:agreementId/unbind')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'unbindAcquiringCard',
    summary: 'Unbind a card (解约): the agreement is revoked at the county bank and cannot pay any more',
    description:
      'Paying is refused from this call on. The answer is `revoked` once the county bank confirmed the revocation, else `unbinding` (the bank did not answer in time): the platform retries until the bank confirms. Repeating the call is harmless.',
    tag: TAG,
    response: CardAgreement,
  })
  unbind(@Auth() actor: Actor, @Param('agreementId', uuidParam('card agreement')) id: string): Promise<CardAgreement> {
    return this.revocation.unbind(orderScope(actor), id);
  }

  @Post('orders/:id/quickpay/sms')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'sendAcquiringQuickPayCode',
    summary: "Send the SMS code of a quick payment: bound to this order, its amount and the card; the card's daily limit is checked first",
    tag: TAG,
    response: SmsSent,
    errors: [...SEND_ERRORS, 'agreement_not_active', 'quickpay_limit_exceeded', 'order_not_payable', 'order_expired'],
  })
  sendPayCode(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string, @Body() dto: QuickPaySmsRequest): Promise<SmsSent> {
    return this.quickpay.sendPayCode(orderScope(actor), id, dto.agreementId);
  }

  @Post('orders/:id/quickpay')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'payAcquiringOrderByCard',
    summary: 'Pay an order by card quick pay with the agreement and the SMS code (协议支付)',
    description: 'The daily limit by verification strength (¥5,000 two factors, ¥1,000 fewer, per card, per tenant config) is refused before any bank call.',
    tag: TAG,
    response: AcquiringOrder,
    errors: [...CODE_ERRORS, 'agreement_not_active', 'quickpay_limit_exceeded', 'order_not_payable', 'order_expired', 'channel_not_enabled', 'channel_error'],
  })
  pay(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string, @Body() dto: QuickPayConfirmRequest): Promise<AcquiringOrder> {
    return this.quickpay.pay(orderScope(actor), id, dto);
  }
}
