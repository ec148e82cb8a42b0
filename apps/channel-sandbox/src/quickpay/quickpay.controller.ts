import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { PlatformRoute } from '@countypay/service-kit';
import { TenantIdPipe } from '../common/params.pipe';
import type { PaymentAnswer } from '../payments/payments.service';
import { CardHolderDto, QuickPayDto, SendSmsDto, SmsQueryDto, VerifyCardDto } from './dto/quickpay.dto';
import { QuickpayService, type SmsMessage } from './quickpay.service';

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
}
