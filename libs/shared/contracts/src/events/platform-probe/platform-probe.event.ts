import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { defineEvent } from '../../envelope';

/**
 * A synthetic event ops send through one service to check the whole path (HTTP → outbox →
 * relay → Kafka → every service's consumer → its database) and its trace.
 */
export class PlatformProbeData {
  @IsUUID()
  probeId!: string;

  /** the service that published it */
  @Matches(/^[a-z-]+$/)
  origin!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  note?: string;
}

export const PlatformProbeV1 = defineEvent({
  type: 'platform.probe',
  version: 1,
  dataClass: PlatformProbeData,
  key: (d) => d.probeId,
});
