import { Module } from '@nestjs/common';
import { ServiceUrlsConfig, loadConfig } from '@countypay/config';
import { GatewayConfig } from '../config/gateway.config';
import { RegistryRepository } from './registry.repository';
import { CREDENTIAL_CIPHER, REGISTRY_SERVICE_URLS, RegistryService, credentialCipher } from './registry.service';

/** Read models of apps and tenants; GatewayConfig is provided here for the whole gateway. */
@Module({
  providers: [
    { provide: GatewayConfig, useFactory: () => loadConfig(GatewayConfig) },
    { provide: CREDENTIAL_CIPHER, inject: [GatewayConfig], useFactory: credentialCipher },
    { provide: REGISTRY_SERVICE_URLS, useFactory: () => loadConfig(ServiceUrlsConfig) },
    RegistryRepository,
    RegistryService,
  ],
  exports: [GatewayConfig, CREDENTIAL_CIPHER, RegistryRepository, RegistryService],
})
export class RegistryModule {}
