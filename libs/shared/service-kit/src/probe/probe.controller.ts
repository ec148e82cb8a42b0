import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Matches } from 'class-validator';
import { ProbeService, type ProbeReceipt } from './probe.service';
import { PlatformRoute } from '../auth/access';

export class SendProbeDto {
  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId!: string;
}

/**
 * Ops probe: publishes a synthetic event through this service's outbox; every service's
 * consumer records it. Proves the whole event path (and its trace) end to end.
 */
@PlatformRoute('the platform (ops probe)')
@Controller('ops/probes')
export class ProbeController {
  constructor(private readonly probes: ProbeService) {}

  @Post()
  send(@Body() dto: SendProbeDto): Promise<{ probeId: string; eventId: string }> {
    return this.probes.send(dto.tenantId);
  }

  @Get(':tenantId/:probeId')
  receipt(@Param('tenantId') tenantId: string, @Param('probeId', new ParseUUIDPipe()) probeId: string): Promise<ProbeReceipt> {
    return this.probes.receipt(tenantId, probeId);
  }
}
