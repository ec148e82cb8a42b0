import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { PaymentsService, type PaymentAnswer } from '../payments/payments.service';
import type { CardHolderDto, QuickPayDto, VerifyCardDto } from './dto/quickpay.dto';
import { QuickpayRepository } from './quickpay.repository';

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
 * (a county-bank channel payment of kind `online` from the card's deposit account).
 */
@Injectable()
export class QuickpayService {
  private readonly sms: SmsMessage[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly payments: PaymentsService,
    private readonly repo: QuickpayRepository,
  ) {}

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

  /** The quick payment: debits the card's deposit account (magic amounts decline as for every channel payment). */
  pay(dto: QuickPayDto): Promise<PaymentAnswer> {
    return this.payments.pay('county_bank', {
      tenantId: dto.tenantId,
      orderId: dto.orderId,
      merchantId: dto.merchantId,
      amountFen: dto.amountFen,
      kind: 'online',
      payerId: dto.cardNo,
      ...(dto.notifyUrl ? { notifyUrl: dto.notifyUrl } : {}),
    });
  }
}
