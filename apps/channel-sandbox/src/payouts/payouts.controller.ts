import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { PlatformRoute } from '@countypay/service-kit';
import { TenantIdPipe } from '../common/params.pipe';
import { ClearPayoutScenariosDto, PayoutScenarioDto, SettlementPayoutDto } from './payouts.dto';
import { PayoutScenarioStore, type PayoutScenario } from './payout-scenarios';
import { SandboxPayoutsService, type SandboxPayoutView } from './payouts.service';

/** A county core banking's settlement payouts, and the tests' control of them. */
// a simulated external system (county core banking and its admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller()
export class SandboxPayoutsController {
  constructor(
    private readonly payouts: SandboxPayoutsService,
    private readonly scenarios: PayoutScenarioStore,
  ) {}

  @Post('core/:tenantId/settlement-payouts')
  @HttpCode(200)
  pay(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: SettlementPayoutDto): Promise<SandboxPayoutView> {
    return this.payouts.pay(tenantId, dto);
  }

  @Get('core/:tenantId/settlement-payouts/:instructionId')
  query(@Param('tenantId', TenantIdPipe) tenantId: string, @Param('instructionId') instructionId: string): Promise<SandboxPayoutView> {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(instructionId)) throw new ApiError('invalid_request', 'instructionId is malformed', 'instructionId');
    return this.payouts.query(tenantId, instructionId);
  }

  @Post('admin/core/:tenantId/payout-scenarios')
  @HttpCode(201)
  addScenario(@Param('tenantId', TenantIdPipe) tenantId: string, @Body() dto: PayoutScenarioDto): PayoutScenario {
    if (dto.behaviour === 'account_closed' && !dto.accountNo) throw new ApiError('invalid_request', 'account_closed names the account', 'accountNo');
    const s: PayoutScenario = { tenantId, behaviour: dto.behaviour, ...(dto.accountNo ? { accountNo: dto.accountNo } : {}) };
    this.scenarios.add(s);
    return s;
  }

  @Delete('admin/core/:tenantId/payout-scenarios')
  clearScenarios(@Param('tenantId', TenantIdPipe) tenantId: string, @Query() q: ClearPayoutScenariosDto): { cleared: number } {
    return { cleared: this.scenarios.clear(tenantId, q.accountNo) };
  }
}
