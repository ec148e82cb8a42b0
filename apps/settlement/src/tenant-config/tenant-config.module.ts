import { Module } from '@nestjs/common';
import { TenantConfigRepository } from './tenant-config.repository';
import { TenantConfigService } from './tenant-config.service';

@Module({
  providers: [TenantConfigRepository, TenantConfigService],
  exports: [TenantConfigService],
})
export class TenantConfigModule {}
