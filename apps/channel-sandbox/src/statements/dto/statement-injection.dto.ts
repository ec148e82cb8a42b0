import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CHANNELS, type Channel } from '../../domain/channels';
import { ENTRY_STATUSES, type EntryStatus, type EntryType } from '../../domain/statement-formats';

const TENANT = { message: 'tenantId must be t followed by six digits' };
const DATE = { message: 'date must be a calendar day written YYYY-MM-DD' };

export class StatementDayQueryDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsIn(CHANNELS)
  channel!: Channel;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE)
  date!: string;
}

/** `POST /admin/statement-injections`: a discrepancy in the statement of one tenant, channel and day. */
export class CreateStatementInjectionDto extends StatementDayQueryDto {
  @IsIn(['drop_row', 'add_row', 'change_amount', 'change_status'])
  kind!: 'drop_row' | 'add_row' | 'change_amount' | 'change_status';

  @IsIn(['payment', 'refund', 'reversal'])
  type!: EntryType;

  @IsUUID()
  orderId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  refundId?: string;

  /** integer fen as a decimal string (add_row, change_amount) */
  @ValidateIf((o: CreateStatementInjectionDto) => o.kind === 'add_row' || o.kind === 'change_amount')
  @Matches(/^[1-9]\d{0,15}$/, { message: 'amountFen must be a positive integer number of fen, written as a string' })
  amountFen?: string;

  @ValidateIf((o: CreateStatementInjectionDto) => o.kind === 'add_row' || o.kind === 'change_status')
  @IsIn(ENTRY_STATUSES)
  status?: EntryStatus;

  @IsOptional()
  @Matches(/^[A-Z0-9]{8,26}$/)
  channelTradeNo?: string;
}
