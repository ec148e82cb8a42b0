import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, PlatformProbeData, PlatformProbeV1, type EventEnvelope } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import { SERVICE_NAME } from '../tokens';
import { ProbeRepository } from './probe.repository';

export interface ProbeReceipt {
  probeId: string;
  origin: string;
  eventId: string;
  receivedAt: string;
  service: string;
}

@Injectable()
export class ProbeService {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    private readonly repo: ProbeRepository,
  ) {}

  async send(tenantId: string): Promise<{ probeId: string; eventId: string }> {
    const data = Object.assign(new PlatformProbeData(), { probeId: randomUUID(), origin: this.service });
    const envelope = await inTenantTransaction(this.ds, tenantId, (em) => addToOutbox(em, PlatformProbeV1, data, { tenantId }));
    this.relay.wake();
    return { probeId: data.probeId, eventId: envelope.id };
  }

  /** The consumer side: record that this service received the probe. */
  async record(event: EventEnvelope<PlatformProbeData>, em: EntityManager): Promise<void> {
    await this.repo.insert(em, { tenantId: event.tenantId, probeId: event.data.probeId, origin: event.data.origin, eventId: event.id });
  }

  async receipt(tenantId: string, probeId: string): Promise<ProbeReceipt> {
    const row = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, probeId));
    if (!row) throw new ApiError('not_found', `probe ${probeId} has not reached ${this.service}`, 'probeId');
    return { ...row, service: this.service };
  }
}
