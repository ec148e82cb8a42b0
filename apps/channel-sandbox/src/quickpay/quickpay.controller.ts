import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { PlatformRoute } from '@countypay/service-kit';
import { TenantIdPipe } from '../common/params.pipe';
import type { PaymentAnswer } from '../payments/payments.service';
import { CardHolderDto, QuickPayDto, RevokeScenarioDto, SendSmsDto, SignAgreementDto, SmsQueryDto, TenantBodyDto, VerifyCardDto } from './dto/quickpay.dto';
import { QuickpayService, type BankAgreement, type SmsMessage } from './quickpay.service';

const agreementIdPipe = (): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => new ApiError('invalid_request', 'agreementId must be a UUID', 'agreementId') });

/** The county bank's quick-pay interfaces (card check, SMS gateway, debit) and their test admin. */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller()
export class QuickpayController {
  constructor(private readonly quickpay: QuickpayService) {}

  /** test admin: the holder details of a card (its deposit account opened before) */
  @Post('core/:tenantId/cards')
  @HttpCode(201)
  register(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: CardHolderDto): Promise<{ cardNo: string }> {
    return this.quickpay.registerHolder(tenantId, dto);
  }

  @Post('core/:tenantId/cards/verify')
  @HttpCode(200)
  verify(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: VerifyCardDto): Promise<{ matched: boolean; reason?: string }> {
    return this.quickpay.verify(tenantId, dto);
  }

  @Post('sms/:tenantId/messages')
  @HttpCode(200)
  send(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: SendSmsDto): { sent: true } {
    return this.quickpay.send(tenantId, dto.mobile, dto.text);
  }

  /** test admin: what a test phone received */
  @Get('admin/sms')
  messages(@Query() q: SmsQueryDto): { data: SmsMessage[] } {
    return this.quickpay.messages(q.tenantId, q.mobile);
  }

  @Post('channels/county_bank/online/quickpay')
  @HttpCode(200)
  pay(@Body() dto: QuickPayDto): Promise<PaymentAnswer> {
    return this.quickpay.pay(dto);
  }

  /** 签约: the platform registers an agreement it confirmed (idempotent) */
  @Post('channels/county_bank/online/agreements')
  @HttpCode(200)
  sign(@Body() dto: SignAgreementDto): Promise<BankAgreement> {
    return this.quickpay.sign(dto);
  }

  @Get('channels/county_bank/online/agreements/:agreementId')
  agreement(@Param('agreementId', agreementIdPipe()) agreementId: string, @Query() q: TenantBodyDto): Promise<BankAgreement> {
    return this.quickpay.agreement(q.tenantId, agreementId);
  }

  /** 解约 (idempotent) */
  @Post('channels/county_bank/online/agreements/:agreementId/revoke')
  @HttpCode(200)
  revoke(@Param('agreementId', agreementIdPipe()) agreementId: string, @Body() dto: TenantBodyDto): Promise<BankAgreement> {
    return this.quickpay.revoke(dto.tenantId, agreementId);
  }

  /** test admin: the next revocation of the agreement times out (before or after revoking) */
  @Post('admin/quickpay/agreements/:agreementId/scenario')
  @HttpCode(200)
  revokeScenario(@Param('agreementId', agreementIdPipe()) agreementId: string, @Body() dto: RevokeScenarioDto): { agreementId: string; scenario: string } {
    return this.quickpay.setRevokeScenario(agreementId, dto.scenario);
  }
}
