import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { ErrorCode } from '@countypay/contracts';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { AcquiringOrder } from '../orders/dto/acquiring-order.dto';
import { orderScope } from '../orders/order-scope';
import { QuickPayPasswordRequest, SetPaymentPasswordRequest } from './dto/payment-password.dto';
import { CardAgreement, SmsSent } from './dto/quickpay.dto';
import { PaymentPasswordService } from './payment-password.service';

const TAG = 'Online acquiring';
const ACTS = { actors: ['app'], scopes: ['acquiring:pay'] } as const;
const CODE_ERRORS: ErrorCode[] = ['sms_code_invalid', 'sms_code_expired', 'sms_code_used', 'sms_code_locked'];
const PASSWORD_ERRORS: ErrorCode[] = ['payment_password_not_enabled', 'payment_password_not_set', 'payment_password_invalid', 'payment_password_locked'];

/** The payment password (支付密码) of card quick pay, where the county accepts it instead of the SMS code. */
@Controller('acquiring')
export class PaymentPasswordController {
  constructor(private readonly passwords: PaymentPasswordService) {}

  @Post('cards/:agreementId/password/sms')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'sendAcquiringCardPasswordCode',
    summary: "Send the SMS code that confirms setting a card agreement's payment password (设置支付密码)",
    description: "Only where the county accepts payment passwords (tenant config `quickPayPassword`). The code goes to the card's bank-reserved mobile.",
    tag: TAG,
    response: SmsSent,
    errors: ['payment_password_not_enabled', 'agreement_not_active', 'sms_resend_too_soon', 'sms_send_limit_reached'],
  })
  sendCode(@Auth() actor: Actor, @Param('agreementId', uuidParam('card agreement')) id: string): Promise<SmsSent> {
    return this.passwords.sendSetCode(orderScope(actor), id);
  }

  @Post('cards/:agreementId/password')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'setAcquiringCardPassword',
    summary: "Set (or reset) a card agreement's 6-digit payment password with the SMS code; a locked password is unlocked",
    description: 'The password is kept only as a slow salted hash and never shown again. One digit six times or a run like 123456 is refused.',
    tag: TAG,
    response: CardAgreement,
    errors: [...CODE_ERRORS, 'payment_password_not_enabled', 'agreement_not_active'],
  })
  set(@Auth() actor: Actor, @Param('agreementId', uuidParam('card agreement')) id: string, @Body() dto: SetPaymentPasswordRequest): Promise<CardAgreement> {
    return this.passwords.set(orderScope(actor), id, dto);
  }

  @Post('orders/:id/quickpay/password')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'payAcquiringOrderByCardPassword',
    summary: 'Pay an order by card quick pay with the agreement and its payment password instead of an SMS code (密码支付)',
    description:
      'Only where the county accepts payment passwords. Agreement + password is two factors: the same daily limit as with an SMS code (¥5,000 per card, per tenant config), refused before any bank call. 5 wrong passwords in a row lock it.',
    tag: TAG,
    response: AcquiringOrder,
    errors: [
      ...PASSWORD_ERRORS,
      'agreement_not_active',
      'quickpay_limit_exceeded',
      'order_not_payable',
      'order_expired',
      'channel_not_enabled',
      'channel_error',
    ],
  })
  pay(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string, @Body() dto: QuickPayPasswordRequest): Promise<AcquiringOrder> {
    return this.passwords.pay(orderScope(actor), id, dto);
  }
}
