import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { PlatformRoute } from '@countypay/service-kit';
import { TenantIdPipe } from '../common/params.pipe';
import { CoreBankingService } from '../core-banking/core-banking.service';
import { CreditDebitDto, SmsMessageDto } from './credit-sandbox.dto';

interface SmsMessage {
  mobile: string;
  text: string;
  at: string;
}

/** The last messages per tenant and mobile (a simulator: kept in memory, bounded). */
const MAX_PER_MOBILE = 20;

/**
 * What credit payment needs from a county's systems, simulated: the SMS gateway that sends the
 * consent code to the customer's bank-reserved mobile (tests and the demo read the message back,
 * as the customer reads their phone), and the repayment debit of the customer's deposit account
 * in core banking (once per reference; declined on a short balance or a frozen account).
 */
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller()
export class CreditSandboxController {
  private readonly sms = new Map<string, SmsMessage[]>();

  constructor(
    private readonly ds: DataSource,
    private readonly core: CoreBankingService,
  ) {}

  @Post('credit-sms/:tenantId/messages')
  @HttpCode(202)
  send(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: SmsMessageDto): { status: 'sent' } {
    const key = `${tenantId}:${dto.mobile}`;
    const list = this.sms.get(key) ?? [];
    list.push({ mobile: dto.mobile, text: dto.text, at: new Date().toISOString() });
    this.sms.set(key, list.slice(-MAX_PER_MOBILE));
    return { status: 'sent' };
  }

  @Get('credit-sms/:tenantId/messages')
  messages(@Param('tenantId', TenantIdPipe) tenantId: string, @Query('mobile') mobile: string): { data: SmsMessage[] } {
    if (typeof mobile !== 'string' || !/^1[3-9]\d{9}$/.test(mobile)) throw new ApiError('invalid_request', 'mobile must be a mainland mobile number', 'mobile');
    return { data: [...(this.sms.get(`${tenantId}:${mobile}`) ?? [])].reverse() };
  }

  @Post('core/:tenantId/credit-debits')
  @HttpCode(200)
  debit(
    @Param('tenantId', TenantIdPipe) tenantId: string,
    @Body() dto: CreditDebitDto,
  ): Promise<{ status: 'succeeded' | 'declined'; reference: string; reason?: string }> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const reference = `credit-debit:${dto.reference}`;
      const done: Array<{ account_no: string; amount_fen: string }> = await em.query(
        `select account_no, amount_fen from core_account_entries where reference = $1`,
        [reference],
      );
      if (done[0]) {
        if (done[0].account_no !== dto.accountNo || BigInt(done[0].amount_fen) !== BigInt(dto.amountFen))
          throw new ApiError('reference_mismatch', `debit ${dto.reference} was already made with another account or amount`, 'reference');
        return { status: 'succeeded', reference: dto.reference };
      }
      const outcome = await this.core.debitForPayment(em, tenantId, dto.accountNo, BigInt(dto.amountFen), reference);
      return outcome.ok ? { status: 'succeeded', reference: dto.reference } : { status: 'declined', reference: dto.reference, reason: outcome.reason };
    });
  }

  /**
   * A cash refund of credit: the customer's account is credited once per reference (a repeat answers
   * the first outcome); failed, with nothing recorded, on a missing or frozen account.
   */
  @Post('core/:tenantId/credit-refunds')
  @HttpCode(200)
  refund(
    @Param('tenantId', TenantIdPipe) tenantId: string,
    @Body() dto: CreditDebitDto,
  ): Promise<{ status: 'succeeded' | 'failed'; reference: string; reason?: string }> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const reference = `credit-refund:${dto.reference}`;
      const done = await this.refundEntry(em, reference);
      if (done) {
        if (done.account_no !== dto.accountNo || BigInt(done.amount_fen) !== BigInt(dto.amountFen))
          throw new ApiError('reference_mismatch', `refund ${dto.reference} was already made with another account or amount`, 'reference');
        return { status: 'succeeded', reference: dto.reference };
      }
      const accounts: Array<{ status: string }> = await em.query(`select status from core_accounts where account_no = $1 for update`, [dto.accountNo]);
      if (!accounts[0]) return { status: 'failed', reference: dto.reference, reason: 'account_not_found' };
      if (accounts[0].status === 'frozen') return { status: 'failed', reference: dto.reference, reason: 'account_frozen' };
      await this.core.creditBack(em, tenantId, dto.accountNo, BigInt(dto.amountFen), reference, 'refund_credit');
      return { status: 'succeeded', reference: dto.reference };
    });
  }

  @Get('core/:tenantId/credit-refunds/:reference')
  refundOf(
    @Param('tenantId', TenantIdPipe) tenantId: string,
    @Param('reference') ref: string,
  ): Promise<{ status: 'succeeded'; reference: string; amountFen: number }> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const done = await this.refundEntry(em, `credit-refund:${ref}`);
      if (!done) throw new ApiError('payment_not_found', `no credit refund ${ref}`, 'reference');
      return { status: 'succeeded', reference: ref, amountFen: Number(done.amount_fen) };
    });
  }

  private async refundEntry(em: EntityManager, reference: string): Promise<{ account_no: string; amount_fen: string } | undefined> {
    const rows: Array<{ account_no: string; amount_fen: string }> = await em.query(
      `select account_no, amount_fen from core_account_entries where reference = $1`,
      [reference],
    );
    return rows[0];
  }
}
