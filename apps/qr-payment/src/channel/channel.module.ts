import { Global, Module } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { ChannelClient } from './channel.client';

/** The channel client and this service's config, available to every feature. */
@Global()
@Module({
  providers: [
    { provide: QrPaymentConfig, useFactory: () => loadConfig(QrPaymentConfig) },
    { provide: ServiceUrlsConfig, useFactory: () => loadConfig(ServiceUrlsConfig) },
    ChannelClient,
  ],
  exports: [QrPaymentConfig, ServiceUrlsConfig, ChannelClient],
})
export class ChannelModule {}
