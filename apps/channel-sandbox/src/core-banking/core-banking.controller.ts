import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { TenantIdPipe } from '../common/params.pipe';
import { CoreBankingService, type AccountView, type PayoutView } from './core-banking.service';
import { OpenAccountDto, PayoutDto } from './dto/core-banking.dto';
import { PlatformRoute } from '@countypay/service-kit';

/** A county's core banking system (one per tenant). */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('core/:tenantId')
export class CoreBankingController {
  constructor(private readonly core: CoreBankingService) {}

  @Post('accounts')
  @HttpCode(201)
  open(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: OpenAccountDto): Promise<AccountView> {
    return this.core.open(tenantId, dto);
  }

  @Get('accounts/:accountNo')
  get(@Param('tenantId', TenantIdPipe) tenantId: string, @Param('accountNo') accountNo: string): Promise<AccountView> {
    return this.core.get(tenantId, accountNo);
  }

  @Post('payouts')
  @HttpCode(200)
  payout(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: PayoutDto): Promise<PayoutView> {
    return this.core.payout(tenantId, dto);
  }
}
