import { Global, Module } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { CreditHoldsClient } from '@countypay/payment-intake';
import { ServiceAuth } from '@countypay/service-kit';
import { AcquiringConfig } from '../config/acquiring.config';
import { CreditChannel } from '../credit/credit-channel';
import { CreditPaymentsRepository } from '../credit/credit-payments.repository';
import { AcquiringChannelClient } from './channel.client';

/** The channel client (county credit's holds behind channel `county_credit`) and this service's config, available to every feature. */
@Global()
@Module({
  providers: [
    { provide: AcquiringConfig, useFactory: () => loadConfig(AcquiringConfig) },
    { provide: ServiceUrlsConfig, useFactory: () => loadConfig(ServiceUrlsConfig) },
    {
      provide: CreditHoldsClient,
      inject: [ServiceUrlsConfig, ServiceAuth],
      // credit's URL is read at each call (a service without credit configured boots; credit payment then answers 503)
      useFactory: (urls: ServiceUrlsConfig, auth: ServiceAuth) =>
        new CreditHoldsClient({
          get baseUrl() {
            return urls.url('credit');
          },
          caller: 'acquiring',
          auth,
        }),
    },
    CreditPaymentsRepository,
    CreditChannel,
    AcquiringChannelClient,
  ],
  exports: [AcquiringConfig, ServiceUrlsConfig, AcquiringChannelClient, CreditHoldsClient, CreditPaymentsRepository, CreditChannel],
})
export class AcquiringChannelModule {}
