import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { BEHAVIOURS, type Behaviour } from '../../domain/behaviour';
import { CHANNELS, type Channel } from '../../domain/channels';

export class CreateScenarioDto {
  @IsIn(CHANNELS)
  channel!: Channel;

  @IsOptional()
  @IsUUID()
  orderId?: string;

  @IsOptional()
  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId?: string;

  @IsIn(BEHAVIOURS)
  behaviour!: Behaviour;
}

export class ClearScenariosQueryDto {
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;
}

export class DeliveriesQueryDto {
  @IsOptional()
  @IsUUID()
  orderId?: string;
}
