import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { hashPassword, verifyPassword } from '@countypay/security';
import { afterPasswordTry, isWeakPaymentPassword, PAY_PASSWORD_MAX_WRONG_TRIES } from '../domain/payment-password';
import type { AcquiringOrder } from '../orders/dto/acquiring-order.dto';
import type { OrderScope } from '../orders/order-scope';
import type { QuickPayPasswordRequest, SetPaymentPasswordRequest } from './dto/payment-password.dto';
import type { CardAgreement, SmsSent } from './dto/quickpay.dto';
import { QuickpayRepository } from './quickpay.repository';
import { agreementView, QuickpayService } from './quickpay.service';

/**
 * The payment password of card quick pay (支付密码), an alternative to the SMS code of each
 * payment where the county allows it (tenant config `quickPayPassword`, default off). The payer
 * sets it per agreement, confirmed by an SMS code to the bank-reserved mobile; it is kept only as
 * a scrypt hash (salted, slow — the platform's one password hash) and never logged or returned;
 * 5 consecutive wrong tries lock it until it is set again. Paying with it passes the same order,
 * agreement and daily-limit checks as paying with an SMS code (agreement + password: two factors).
 */
@Injectable()
export class PaymentPasswordService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: QuickpayRepository,
    private readonly quickpay: QuickpayService,
    private readonly readModel: OnboardingReadModel,
  ) {}

  /** The SMS code that confirms setting (or resetting) the payment password of an active agreement. */
  async sendSetCode(scope: OrderScope, agreementId: string): Promise<SmsSent> {
    await this.quickpay.get(scope, agreementId); // another app's or county's agreement: 404 first
    await this.ensureEnabled(scope.tenantId);
    return this.quickpay.sendAgreementCode(scope, agreementId, 'password', '设置支付密码');
  }

  /** Sets the password (a locked one is unlocked): the code first, the hash stored, the wrong tries cleared. */
  async set(scope: OrderScope, agreementId: string, dto: SetPaymentPasswordRequest): Promise<CardAgreement> {
    await this.quickpay.get(scope, agreementId);
    await this.ensureEnabled(scope.tenantId);
    if (isWeakPaymentPassword(dto.paymentPassword))
      throw new ApiError('invalid_request', 'paymentPassword is too easy to guess (one digit six times, or a run like 123456)', 'paymentPassword');
    const a = await this.quickpay.consumeAgreementCode(scope, agreementId, 'password', dto.smsCode);
    const hash = await hashPassword(dto.paymentPassword);
    const updated = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const locked = await this.repo.findAgreement(em, a.id, { lock: true });
      if (locked?.status !== 'active')
        throw new ApiError('agreement_not_active', `card agreement ${agreementId} is ${locked?.status ?? 'gone'}`, 'agreementId');
      return this.repo.setPayPassword(em, a.id, hash);
    });
    if (!updated) throw new ApiError('not_found', `no card agreement ${agreementId}`);
    return agreementView(updated);
  }

  /** Pays an order with the agreement and its payment password instead of an SMS code. */
  async pay(scope: OrderScope, orderId: string, dto: QuickPayPasswordRequest): Promise<AcquiringOrder> {
    // order, agreement (404s first) and limit are checked by payWith before the password
    return this.quickpay.payWith(scope, orderId, dto.agreementId, async (_order, agreement) => {
      await this.ensureEnabled(scope.tenantId);
      await this.check(scope.tenantId, agreement.id, dto.paymentPassword);
    });
  }

  /** One try, serialised on the agreement's row: a wrong try is counted (and commits) before the refusal. */
  private async check(tenantId: string, agreementId: string, entered: string): Promise<void> {
    const result = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const a = await this.repo.findAgreement(em, agreementId, { lock: true });
      if (!a?.payPasswordHash)
        return {
          ok: false as const,
          code: 'payment_password_not_set' as const,
          message: 'no payment password is set for this card: set one first, or pay with an SMS code',
        };
      const matched = a.payPasswordWrongTries < PAY_PASSWORD_MAX_WRONG_TRIES && (await verifyPassword(entered, a.payPasswordHash));
      const r = afterPasswordTry(a.payPasswordWrongTries, matched);
      if (r.wrongTries !== a.payPasswordWrongTries) await this.repo.recordPayPasswordTry(em, a.id, r.wrongTries);
      if (r.ok) return { ok: true as const };
      return {
        ok: false as const,
        code: r.code,
        message:
          r.code === 'payment_password_locked'
            ? 'the payment password is locked after 5 wrong tries: set it again with an SMS code, or pay with an SMS code'
            : `the payment password is wrong; ${r.triesLeft} tries left`,
      };
    });
    if (!result.ok) throw new ApiError(result.code, result.message, 'paymentPassword');
  }

  private async ensureEnabled(tenantId: string): Promise<void> {
    const config = await inTenantTransaction(this.ds, tenantId, (em) => this.readModel.tenantConfig(em));
    if (config.quickPayPassword !== true)
      throw new ApiError('payment_password_not_enabled', 'this county does not accept a payment password for card quick pay: use the SMS code');
  }
}
