import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { loadConfig } from '@countypay/config';
import { AuditController } from '../audit/audit.controller';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { OnboardingConfig } from '../config/onboarding.config';
import { ActorsGuard } from './actors.guard';
import { Secrets } from './secrets';

/** What every onboarding feature uses: its config and keys, the audit log and the actor guard. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    { provide: OnboardingConfig, useFactory: () => loadConfig(OnboardingConfig) },
    Secrets,
    AuditRepository,
    AuditService,
    { provide: APP_GUARD, useClass: ActorsGuard },
  ],
  exports: [OnboardingConfig, Secrets, AuditService],
})
export class CoreModule {}
