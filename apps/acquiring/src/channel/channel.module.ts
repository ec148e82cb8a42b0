import { Global, Module } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { AcquiringConfig } from '../config/acquiring.config';
import { AcquiringChannelClient } from './channel.client';

/** The channel client and this service's config, available to every feature. */
@Global()
@Module({
  providers: [
    { provide: AcquiringConfig, useFactory: () => loadConfig(AcquiringConfig) },
    { provide: ServiceUrlsConfig, useFactory: () => loadConfig(ServiceUrlsConfig) },
    AcquiringChannelClient,
  ],
  exports: [AcquiringConfig, ServiceUrlsConfig, AcquiringChannelClient],
})
export class AcquiringChannelModule {}
