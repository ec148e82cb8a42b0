import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { formatYuan } from '@countypay/money';
import { allow, refuse, shanghaiBusinessDay } from '@countypay/payment-intake';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { blindIndex, FieldCipher, isValidBankCardNumber, isValidResidentId, maskPhone } from '@countypay/security';
import { LOGGER } from '@countypay/service-kit';
import { OnboardingReadModel } from '@countypay/read-models';
import { AcquiringChannelClient, ChannelCallError, ChannelTimeoutError } from '../channel/channel.client';
import { AcquiringConfig } from '../config/acquiring.config';
import { transition } from '../domain/order-state';
import { quickPayLimitsOf, withinDailyLimit, type QuickPayLimits } from '../domain/quickpay-limits';
import { checkCode, hashSmsCode, maySend, newSmsCode, SMS_CODE_TTL_MS, SMS_RESEND_AFTER_MS, smsBinding } from '../domain/sms-code';
import type { AcquiringOrder } from '../orders/dto/acquiring-order.dto';
import { OrderIntake } from '../orders/order-intake';
import type { OrderScope } from '../orders/order-scope';
import { orderView } from '../orders/order-view';
import { OrdersRepository, type OrderRecord } from '../orders/orders.repository';
import { PaymentSyncService } from '../orders/payment-sync.service';
import { paymentPasswordState } from '../domain/payment-password';
import type { BindCardRequest, CardAgreement, QuickPayConfirmRequest, SmsSent } from './dto/quickpay.dto';
import { QuickpayRepository, type AgreementRecord } from './quickpay.repository';

const PII_KEY_ID = 'pii1';

export function agreementView(a: AgreementRecord): CardAgreement {
  return {
    agreementId: a.id,
    status: a.status,
    cardBin: a.cardBin,
    cardLast4: a.cardLast4,
    mobileMasked: a.mobileMasked,
    strength: a.strength,
    paymentPassword: paymentPasswordState(a),
  };
}

/**
 * Card quick pay with agreement signing (快捷/协议支付): binding checks the card with the county
 * bank (four elements) and confirms with an SMS code; paying takes the agreement and an SMS code
 * bound to order + amount + card; the daily limit by verification strength is checked before any
 * channel call. The card number is kept only encrypted (field cipher) with a blind index, and
 * shown as BIN + last 4; the ID number is checked by the bank and not kept; never CVV2/PIN.
 */
@Injectable()
export class QuickpayService {
  private cipherInstance: FieldCipher | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: QuickpayRepository,
    private readonly orders: OrdersRepository,
    private readonly intake: OrderIntake,
    private readonly sync: PaymentSyncService,
    private readonly channels: AcquiringChannelClient,
    private readonly config: AcquiringConfig,
    private readonly readModel: OnboardingReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async bind(scope: OrderScope, dto: BindCardRequest): Promise<CardAgreement & SmsSent> {
    if (!isValidBankCardNumber(dto.cardNo)) throw new ApiError('invalid_bank_account', 'cardNo is not a valid card number (check digit)', 'cardNo');
    if (!isValidResidentId(dto.idNumber)) throw new ApiError('invalid_id_number', 'idNumber is not a valid resident ID number', 'idNumber');
    const check = await this.channelCall(() => this.channels.verifyCard(scope.tenantId, dto));
    if (!check.matched)
      throw new ApiError('card_verification_failed', `the county bank did not confirm the card and its holder (${check.reason ?? 'mismatch'})`, 'cardNo');
    const id = randomUUID();
    // 签约 at the county bank: it pays only on agreements it holds as active (a revoked one is refused there)
    await this.channelCall(() => this.channels.signAgreement({ tenantId: scope.tenantId, agreementId: id, cardNo: dto.cardNo }));
    const cardRef = this.cardRef(dto.cardNo);
    const { agreement, sent } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const agreement = await this.repo.insertAgreement(em, {
        id,
        tenantId: scope.tenantId,
        appId: scope.appId,
        cardRef,
        cardCipher: this.cipher().encrypt(dto.cardNo, `acq_card_agreements.card:${id}`),
        cardBin: dto.cardNo.slice(0, 6),
        cardLast4: dto.cardNo.slice(-4),
        mobileCipher: this.cipher().encrypt(dto.mobile, `acq_card_agreements.mobile:${id}`),
        mobileMasked: maskPhone(dto.mobile),
        strength: 'two_factor',
        status: 'pending',
      });
      const sent = await this.issueCode(em, scope.tenantId, cardRef, smsBinding({ purpose: 'bind', bindingId: id }));
      return { agreement, sent };
    });
    await this.deliver(scope.tenantId, dto.mobile, sent.code, '绑定银行卡');
    return {
      ...agreementView(agreement),
      sentTo: agreement.mobileMasked,
      expiresAt: sent.expiresAt.toISOString(),
      resendAfter: sent.resendAfter.toISOString(),
    };
  }

  async resendBindCode(scope: OrderScope, agreementId: string): Promise<SmsSent> {
    const { agreement, sent } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const a = await this.visibleAgreement(em, scope, agreementId);
      if (a.status !== 'pending')
        throw new ApiError('agreement_not_active', `agreement ${agreementId} is ${a.status}; only a pending binding takes a new code`);
      return { agreement: a, sent: await this.issueCode(em, scope.tenantId, a.cardRef, smsBinding({ purpose: 'bind', bindingId: a.id })) };
    });
    await this.deliver(scope.tenantId, this.mobileOf(agreement), sent.code, '绑定银行卡');
    return { sentTo: agreement.mobileMasked, expiresAt: sent.expiresAt.toISOString(), resendAfter: sent.resendAfter.toISOString() };
  }

  async confirmBinding(scope: OrderScope, agreementId: string, smsCode: string): Promise<CardAgreement> {
    const a = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.visibleAgreement(em, scope, agreementId));
    if (a.status !== 'pending') throw new ApiError('agreement_not_active', `agreement ${agreementId} is ${a.status}`);
    await this.consumeCode(scope.tenantId, smsBinding({ purpose: 'bind', bindingId: a.id }), smsCode);
    const active = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.setAgreementStatus(em, a.id, 'pending', 'active'));
    if (!active) throw new ApiError('conflict', `agreement ${agreementId} changed concurrently`);
    return agreementView(active);
  }

  async get(scope: OrderScope, agreementId: string): Promise<CardAgreement> {
    return agreementView(await inTenantTransaction(this.ds, scope.tenantId, (em) => this.visibleAgreement(em, scope, agreementId)));
  }

  /** An SMS code for something of an active agreement other than a payment (setting its payment password). */
  async sendAgreementCode(scope: OrderScope, agreementId: string, purpose: 'password', what: string): Promise<SmsSent> {
    const { agreement, sent } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const a = await this.activeAgreement(em, scope, agreementId);
      return { agreement: a, sent: await this.issueCode(em, scope.tenantId, a.cardRef, smsBinding({ purpose, agreementId: a.id })) };
    });
    await this.deliver(scope.tenantId, this.mobileOf(agreement), sent.code, what);
    return { sentTo: agreement.mobileMasked, expiresAt: sent.expiresAt.toISOString(), resendAfter: sent.resendAfter.toISOString() };
  }

  /** Checks (and uses up) the code sent by {@link sendAgreementCode}; the agreement must still be active. */
  async consumeAgreementCode(scope: OrderScope, agreementId: string, purpose: 'password', smsCode: string): Promise<AgreementRecord> {
    const a = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.activeAgreement(em, scope, agreementId));
    await this.consumeCode(scope.tenantId, smsBinding({ purpose, agreementId: a.id }), smsCode);
    return a;
  }

  /** The SMS code of one payment: bound to this order, its amount and the card; the limit is checked first. */
  async sendPayCode(scope: OrderScope, orderId: string, agreementId: string): Promise<SmsSent> {
    const { agreement, sent } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const order = await this.payableOrder(em, scope, orderId);
      const a = await this.activeAgreement(em, scope, agreementId);
      await this.checkLimit(em, a, order);
      return { agreement: a, sent: await this.issueCode(em, scope.tenantId, a.cardRef, this.payBinding(order, a)) };
    });
    await this.deliver(scope.tenantId, this.mobileOf(agreement), sent.code, `支付 ¥${formatYuan(sent.amountFen ?? 0n)}`);
    return { sentTo: agreement.mobileMasked, expiresAt: sent.expiresAt.toISOString(), resendAfter: sent.resendAfter.toISOString() };
  }

  /** Pays with the agreement and the SMS code: limit (before any channel call), code, then the county bank's debit. */
  async pay(scope: OrderScope, orderId: string, dto: QuickPayConfirmRequest): Promise<AcquiringOrder> {
    return this.payWith(scope, orderId, dto.agreementId, (order, agreement) =>
      this.consumeCode(scope.tenantId, this.payBinding(order, agreement), dto.smsCode),
    );
  }

  /**
   * A quick payment once the payer proves it: order payable, agreement active and the daily limit
   * by the agreement's verification strength (before any channel call), then `verify` (the SMS
   * code, or the payment password — agreement + either is two factors), then the bank's debit.
   */
  async payWith(
    scope: OrderScope,
    orderId: string,
    agreementId: string,
    verify: (order: OrderRecord, agreement: AgreementRecord) => Promise<void>,
  ): Promise<AcquiringOrder> {
    const { order, agreement } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const order = await this.payableOrder(em, scope, orderId);
      const agreement = await this.activeAgreement(em, scope, agreementId);
      await this.checkLimit(em, agreement, order);
      return { order, agreement };
    });
    await verify(order, agreement);
    const started = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const locked = await this.orders.findById(em, orderId, { lock: true });
      if (!locked) throw new ApiError('not_found', `no acquiring order ${orderId}`);
      const limits = await this.limitsOf(em);
      return this.intake.startPayment(em, locked, 'card_quickpay', 'county_bank', {
        payerRef: agreement.cardRef,
        limit: (x) => {
          const d = withinDailyLimit(agreement.strength, x.alreadyPaidTodayFen, x.amountFen, limits);
          return d.ok ? allow(null) : refuse('quickpay_limit_exceeded', d.message, 'amountFen');
        },
      });
    });
    try {
      const answer = await this.channels.quickPay({
        tenantId: scope.tenantId,
        orderId,
        merchantId: started.merchantId,
        amountFen: Number(started.amountFen),
        cardNo: this.cipher().decrypt(agreement.cardCipher, `acq_card_agreements.card:${agreement.id}`),
        agreementId: agreement.id,
      });
      return orderView(
        await this.sync.report(scope.tenantId, orderId, {
          channel: 'county_bank',
          status: answer.status,
          channelTradeNo: answer.channelTradeNo,
          amountFen: started.amountFen,
          ...(answer.reason ? { reason: answer.reason } : {}),
        }),
      );
    } catch (e) {
      // outcome unknown: the order stays `paying`; the sweep queries the bank (补单)
      if (e instanceof ChannelTimeoutError) return orderView(started);
      if (e instanceof ChannelCallError) {
        this.logger.warn({ orderId, status: e.status }, 'county bank refused the quick payment');
        throw new ApiError('channel_error', `the county bank refused the payment (HTTP ${e.status})`);
      }
      throw e;
    }
  }

  private payBinding(order: OrderRecord, a: AgreementRecord): string {
    return smsBinding({ purpose: 'pay', orderId: order.id, amountFen: order.amountFen, cardRef: a.cardRef });
  }

  private async checkLimit(em: EntityManager, a: AgreementRecord, order: OrderRecord): Promise<void> {
    const paid = await this.orders.paidTodayByPayerRef(em, order.tenantId, shanghaiBusinessDay(new Date()), a.cardRef);
    const d = withinDailyLimit(a.strength, paid, order.amountFen, await this.limitsOf(em));
    if (!d.ok) throw new ApiError('quickpay_limit_exceeded', d.message, 'amountFen');
  }

  /** The county's limits (tenant config `quickPayLimits`, lower than the platform's only). */
  private async limitsOf(em: EntityManager): Promise<QuickPayLimits> {
    return quickPayLimitsOf((await this.readModel.tenantConfig(em)).quickPayLimits);
  }

  /** A new code for `binding` (resend and daily limits per `cardRef`), stored as its keyed hash; the caller delivers it. */
  async issueCode(em: EntityManager, tenantId: string, cardRef: string, binding: string) {
    const now = new Date();
    const day = shanghaiBusinessDay(now);
    const last = await this.repo.latestCode(em, binding);
    const ok = maySend(now, last?.sentAt ?? null, await this.repo.sendsToday(em, cardRef, day));
    if (!ok.ok)
      throw new ApiError(
        ok.code,
        ok.code === 'sms_resend_too_soon'
          ? `a new code can be sent in ${ok.retryAfterSeconds} s`
          : 'at most 10 codes a day are sent for one card; try again tomorrow',
      );
    const code = newSmsCode();
    const expiresAt = new Date(now.getTime() + SMS_CODE_TTL_MS);
    await this.repo.insertCode(em, {
      id: randomUUID(),
      tenantId,
      cardRef,
      binding,
      codeHash: hashSmsCode(code, binding, this.key()),
      expiresAt,
      businessDay: day,
    });
    const amount = binding.startsWith('pay:') ? BigInt(binding.split(':')[2] ?? '0') : undefined;
    return { code, expiresAt, resendAfter: new Date(now.getTime() + SMS_RESEND_AFTER_MS), amountFen: amount };
  }

  /** Checks the latest code of `binding`; a wrong try is recorded (and commits) before the refusal. */
  async consumeCode(tenantId: string, binding: string, entered: string): Promise<void> {
    const result = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const stored = await this.repo.latestCode(em, binding, { lock: true });
      if (!stored) return { ok: false as const, code: 'sms_code_invalid' as const, message: 'no code was sent for this; ask for one' };
      const r = checkCode(new Date(), stored, entered, this.key());
      await this.repo.recordTry(em, stored.id, r.ok ? stored.wrongTries : r.wrongTries, r.ok);
      if (r.ok) return { ok: true as const };
      const message =
        r.code === 'sms_code_invalid'
          ? `the code is wrong; ${r.triesLeft} tries left`
          : r.code === 'sms_code_locked'
            ? 'too many wrong codes: ask for a new one'
            : r.code === 'sms_code_expired'
              ? 'the code expired (5 minutes): ask for a new one'
              : 'the code was already used: ask for a new one';
      return { ok: false as const, code: r.code, message };
    });
    if (!result.ok) throw new ApiError(result.code, result.message, 'smsCode');
  }

  async deliver(tenantId: string, mobile: string, code: string, what: string): Promise<void> {
    try {
      await this.channels.sendSms(tenantId, mobile, `【县域支付】验证码 ${code}，用于${what}，5分钟内有效。请勿告诉他人。`);
    } catch (e) {
      this.logger.warn({ err: e instanceof Error ? e.name : 'error' }, 'the SMS gateway did not take the code; the payer may ask again after 60 s');
    }
  }

  private async payableOrder(em: EntityManager, scope: OrderScope, orderId: string): Promise<OrderRecord> {
    const order = await this.orders.findById(em, orderId);
    if (!order || (!scope.seesAllApps && order.appId !== scope.appId)) throw new ApiError('not_found', `no acquiring order ${orderId}`);
    if (!transition(order.state, 'start_payment').ok)
      throw new ApiError('order_not_payable', `order ${orderId} is ${order.state}; only an unpaid open order can be paid`);
    if (order.expiresAt <= new Date()) throw new ApiError('order_expired', `order ${orderId} expired at ${order.expiresAt.toISOString()}`);
    return order;
  }

  private async visibleAgreement(em: EntityManager, scope: OrderScope, id: string, lock = false): Promise<AgreementRecord> {
    const a = await this.repo.findAgreement(em, id, { lock });
    if (!a || (!scope.seesAllApps && a.appId !== scope.appId)) throw new ApiError('not_found', `no card agreement ${id}`);
    return a;
  }

  private async activeAgreement(em: EntityManager, scope: OrderScope, id: string): Promise<AgreementRecord> {
    const a = await this.visibleAgreement(em, scope, id);
    if (a.status !== 'active') throw new ApiError('agreement_not_active', `card agreement ${id} is ${a.status}`, 'agreementId');
    return a;
  }

  private mobileOf(a: AgreementRecord): string {
    return this.cipher().decrypt(a.mobileCipher, `acq_card_agreements.mobile:${a.id}`);
  }

  private cardRef(cardNo: string): string {
    return blindIndex(cardNo, this.key(), 'acquiring.card');
  }

  private key(): string {
    if (!this.config.COUNTYPAY_BLIND_INDEX_KEY) throw new ApiError('service_unavailable', 'card quick pay is not configured (no blind-index key)');
    return this.config.COUNTYPAY_BLIND_INDEX_KEY;
  }

  private cipher(): FieldCipher {
    if (!this.config.COUNTYPAY_PII_KEY) throw new ApiError('service_unavailable', 'card quick pay is not configured (no personal-data key)');
    this.cipherInstance ??= new FieldCipher({ keys: [{ id: PII_KEY_ID, key: this.config.COUNTYPAY_PII_KEY }], activeKeyId: PII_KEY_ID });
    return this.cipherInstance;
  }

  private async channelCall<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ChannelTimeoutError) throw new ApiError('channel_timeout', 'the county bank did not answer in time; try again');
      if (e instanceof ChannelCallError) throw new ApiError('channel_error', `the county bank refused the request (HTTP ${e.status})`);
      throw e;
    }
  }
}
