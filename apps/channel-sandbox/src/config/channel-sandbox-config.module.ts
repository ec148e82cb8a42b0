import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@countypay/config';
import { ChannelSandboxConfig } from './channel-sandbox.config';

@Global()
@Module({
  providers: [{ provide: ChannelSandboxConfig, useFactory: () => loadConfig(ChannelSandboxConfig) }],
  exports: [ChannelSandboxConfig],
})
export class ChannelSandboxConfigModule {}
