import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import type { Behaviour } from '../domain/behaviour';
import { PaymentsService, type PaymentAnswer } from '../payments/payments.service';
import { ChannelSandboxConfig } from '../config/channel-sandbox.config';
import type { CardHolderDto, QuickPayDto, RevokeScenario, SignAgreementDto, VerifyCardDto } from './dto/quickpay.dto';
import { QuickpayRepository, type BankAgreementRecord } from './quickpay.repository';

export interface BankAgreement {
  agreementId: string;
  status: 'active' | 'revoked';
  signedAt: string;
  revokedAt: string | null;
}

const agreementAnswer = (a: BankAgreementRecord): BankAgreement => ({
  agreementId: a.agreementId,
  status: a.status,
  signedAt: a.signedAt.toISOString(),
  revokedAt: a.revokedAt?.toISOString() ?? null,
});

export interface SmsMessage {
  tenantId: string;
  mobile: string;
  text: string;
  sentAt: string;
}

const SMS_KEPT = 2000;

/**
 * The county bank's side of card quick pay (快捷支付): who holds a debit card (checked when the
 * platform binds it: holder name, ID number, reserved mobile), its SMS gateway (messages kept in
 * memory and readable through the admin API, as test phones), and the debit of a quick payment
 * (a county-bank channel payment of kind `online` from the card's deposit account). The bank
 * keeps the agreements it signed (协议号) and refuses a payment on one it revoked (解约) or never
 * signed — whatever the platform's own record says.
 */
@Injectable()
export class QuickpayService implements OnApplicationShutdown {
  private readonly sms: SmsMessage[] = [];
  /** test admin: how the next revocation of an agreement misbehaves (consumed) */
  private readonly revokeScenarios = new Map<string, RevokeScenario>();
  private readonly hanging = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ds: DataSource,
    private readonly payments: PaymentsService,
    private readonly repo: QuickpayRepository,
    private readonly config: ChannelSandboxConfig,
  ) {}

  onApplicationShutdown(): void {
    for (const t of this.hanging) clearTimeout(t);
  }

  async registerHolder(tenantId: string, dto: CardHolderDto): Promise<{ cardNo: string }> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      if (!(await this.repo.accountExists(em, dto.cardNo)))
        throw new ApiError('account_not_found', `no deposit account for card ${dto.cardNo.slice(0, 6)}…`, 'cardNo');
      await this.repo.upsertHolder(em, tenantId, dto);
    });
    return { cardNo: dto.cardNo };
  }

  /** 四要素验证: card number, holder name, ID number and reserved mobile all match, and the account is usable. */
  async verify(tenantId: string, dto: VerifyCardDto): Promise<{ matched: boolean; reason?: string }> {
    const r = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findCard(em, dto.cardNo));
    if (!r) return { matched: false, reason: 'card_not_found' };
    if (r.status !== 'normal') return { matched: false, reason: 'card_frozen' };
    if (r.holderName !== dto.holderName || r.idNumber !== dto.idNumber || r.mobile !== dto.mobile) return { matched: false, reason: 'card_info_mismatch' };
    return { matched: true };
  }

  send(tenantId: string, mobile: string, text: string): { sent: true } {
    this.sms.push({ tenantId, mobile, text, sentAt: new Date().toISOString() });
    if (this.sms.length > SMS_KEPT) this.sms.splice(0, this.sms.length - SMS_KEPT);
    return { sent: true };
  }

  /** The messages a test phone received, newest first. */
  messages(tenantId: string, mobile: string): { data: SmsMessage[] } {
    return { data: this.sms.filter((m) => m.tenantId === tenantId && m.mobile === mobile).reverse() };
  }

  /** 签约: the bank records the agreement for the card (the platform checked the holder and the SMS code); idempotent. */
  async sign(dto: SignAgreementDto): Promise<BankAgreement> {
    return inTenantTransaction(this.ds, dto.tenantId, async (em) => {
      if (!(await this.repo.accountExists(em, dto.cardNo))) throw new ApiError('account_not_found', 'no deposit account for this card', 'cardNo');
      const a = await this.repo.signAgreement(em, dto.tenantId, dto.agreementId, dto.cardNo);
      if (a.cardNo !== dto.cardNo) throw new ApiError('reference_mismatch', `agreement ${dto.agreementId} was signed for another card`, 'agreementId');
      return agreementAnswer(a);
    });
  }

  async agreement(tenantId: string, agreementId: string): Promise<BankAgreement> {
    const a = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findAgreement(em, agreementId));
    if (!a) throw new ApiError('not_found', `no quick-pay agreement ${agreementId}`, 'agreementId');
    return agreementAnswer(a);
  }

  /**
   * 解约: the agreement is revoked (idempotent: a revoked one answers as it is). Test scenarios:
   * `timeout_before_revoke` hangs and answers 504 without revoking, `timeout_after_revoke` revokes,
   * then hangs and answers 504 (the caller learns the outcome by querying).
   */
  async revoke(tenantId: string, agreementId: string): Promise<BankAgreement> {
    const scenario = this.revokeScenarios.get(agreementId);
    this.revokeScenarios.delete(agreementId);
    if (scenario === 'timeout_before_revoke') return this.hang();
    const a = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const found = await this.repo.findAgreement(em, agreementId, { lock: true });
      if (!found) throw new ApiError('not_found', `no quick-pay agreement ${agreementId}`, 'agreementId');
      return found.status === 'revoked' ? found : ((await this.repo.revokeAgreement(em, agreementId)) ?? found);
    });
    if (scenario === 'timeout_after_revoke') return this.hang();
    return agreementAnswer(a);
  }

  /** test admin: the next revocation of `agreementId` misbehaves */
  setRevokeScenario(agreementId: string, scenario: RevokeScenario): { agreementId: string; scenario: RevokeScenario } {
    this.revokeScenarios.set(agreementId, scenario);
    return { agreementId, scenario };
  }

  private hang(): Promise<never> {
    return new Promise((_, reject) => {
      const t = setTimeout(() => {
        this.hanging.delete(t);
        reject(new ApiError('channel_timeout', 'the county bank did not answer in time; query the agreement for the outcome'));
      }, this.config.SANDBOX_TIMEOUT_MS);
      this.hanging.add(t);
    });
  }

  /**
   * The quick payment: debits the card's deposit account (magic amounts decline as for every
   * channel payment). With the agreement, the bank first checks it holds it as active for this
   * card: a revoked one declines as `agreement_revoked`, an unknown one (or another card's) as
   * `agreement_unknown` — a declined payment of the order, like any other decline.
   */
  async pay(dto: QuickPayDto): Promise<PaymentAnswer> {
    let refusal: Behaviour | undefined;
    if (dto.agreementId) {
      const agreementId = dto.agreementId;
      const a = await inTenantTransaction(this.ds, dto.tenantId, (em) => this.repo.findAgreement(em, agreementId));
      if (!a || a.cardNo !== dto.cardNo) refusal = 'decline:agreement_unknown';
      else if (a.status !== 'active') refusal = 'decline:agreement_revoked';
    }
    return this.payments.pay(
      'county_bank',
      {
        tenantId: dto.tenantId,
        orderId: dto.orderId,
        merchantId: dto.merchantId,
        amountFen: dto.amountFen,
        kind: 'online',
        payerId: dto.cardNo,
        ...(dto.notifyUrl ? { notifyUrl: dto.notifyUrl } : {}),
      },
      refusal,
    );
  }
}
