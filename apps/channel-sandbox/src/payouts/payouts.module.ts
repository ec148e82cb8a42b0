import { Module } from '@nestjs/common';
import { SandboxPayoutsController } from './payouts.controller';
import { PayoutScenarioStore } from './payout-scenarios';
import { SandboxPayoutsRepository } from './payouts.repository';
import { SandboxPayoutsService } from './payouts.service';

/** Settlement payouts of the simulated county core banking (`/core/:tenantId/settlement-payouts`). */
@Module({ controllers: [SandboxPayoutsController], providers: [SandboxPayoutsService, SandboxPayoutsRepository, PayoutScenarioStore] })
export class SandboxPayoutsModule {}
