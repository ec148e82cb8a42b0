import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@countypay/config';
import { AuditController } from '../audit/audit.controller';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { OnboardingConfig } from '../config/onboarding.config';
import { Secrets } from './secrets';

/**
 * What every onboarding feature uses: its config and keys, and the audit log. (Who may call a
 * route is the platform's AccessGuard, registered by ServiceKitModule.)
 */
@Global()
@Module({
  controllers: [AuditController],
  providers: [{ provide: OnboardingConfig, useFactory: () => loadConfig(OnboardingConfig) }, Secrets, AuditRepository, AuditService],
  exports: [OnboardingConfig, Secrets, AuditService],
})
export class CoreModule {}
