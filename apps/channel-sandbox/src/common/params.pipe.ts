import { Injectable, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { isTenantId } from '@countypay/tenancy';
import { CHANNELS, isChannel, type Channel } from '../domain/channels';

/** `:channel` in a route: one of the simulated channels, else 404 `unknown_channel`. */
@Injectable()
export class ChannelPipe implements PipeTransform<string, Channel> {
  transform(value: string): Channel {
    if (!isChannel(value))
      throw new ApiError('unknown_channel', `unknown channel '${String(value).slice(0, 40)}' (expected ${CHANNELS.join(', ')})`, 'channel');
    return value;
  }
}

/** `:tenantId` in a route: t followed by six digits, else 400 `invalid_tenant`. */
@Injectable()
export class TenantIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isTenantId(value)) throw new ApiError('invalid_tenant', 'tenantId must be t followed by six digits', 'tenantId');
    return value;
  }
}

/** `:orderId` in a route: a UUID, else 400 `invalid_request` naming it. */
export function orderIdPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new ApiError('invalid_request', 'orderId must be a UUID', 'orderId') });
}

/** `:refundId` in a route: the platform's refund id as a refund request takes it (1 to 64 of A-Z a-z 0-9 _.:-), else 400 `invalid_request`. */
@Injectable()
export class RefundIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) throw new ApiError('invalid_request', 'refundId must be 1 to 64 letters, digits or _.:-', 'refundId');
    return value;
  }
}
