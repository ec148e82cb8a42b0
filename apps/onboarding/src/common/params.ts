import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id path parameter: an id of the wrong shape names nothing, so it is 404 not_found like an unknown one. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  constructor(
    private readonly what: string,
    private readonly pattern: RegExp = UUID,
  ) {}

  transform(value: string): string {
    if (!this.pattern.test(value)) throw new ApiError('not_found', `${this.what} ${value.slice(0, 60)} does not exist`);
    return value.toLowerCase() === value || this.pattern !== UUID ? value : value.toLowerCase();
  }
}

export const uuidParam = (what: string): IdPipe => new IdPipe(what);
export const tenantParam = (): IdPipe => new IdPipe('tenant', /^t\d{6}$/);
export const appIdParam = (): IdPipe => new IdPipe('app', /^app_[0-9a-z]{20}$/);
