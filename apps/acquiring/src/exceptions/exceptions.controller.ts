import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, actorTenant, pageRequest, type Actor } from '@countypay/service-kit';
import { AcquiringExceptionItem, ListAcquiringExceptionsQuery } from './exceptions.dto';
import { ExceptionsRepository } from './exceptions.repository';

/** Operators' view of payments not applied to their order (late successes for closed orders) and their automatic refunds. */
@Controller('acquiring/exceptions')
export class ExceptionsController {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ExceptionsRepository,
  ) {}

  @Get()
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listAcquiringExceptions',
    summary: 'List exception items of online acquiring (a success that arrived for a closed order, refunded automatically), newest first',
    tag: 'Online acquiring',
    response: { page: AcquiringExceptionItem },
    errors: ['invalid_request'],
  })
  async list(@Auth() actor: Actor, @Query() q: ListAcquiringExceptionsQuery): Promise<Page<AcquiringExceptionItem>> {
    const tenantId = actorTenant(actor);
    const page = await inTenantTransaction(this.ds, tenantId, (em) =>
      this.repo.list(em, { tenantId, orderId: q.orderId, resolution: q.resolution }, pageRequest(q)),
    );
    return {
      data: page.data.map((x) => ({
        id: x.id,
        orderId: x.orderId,
        kind: x.kind,
        channel: x.channel,
        channelTradeNo: x.channelTradeNo,
        amountFen: fenToJson(x.amountFen),
        refundId: x.refundId,
        resolution: x.resolution,
        createdAt: x.createdAt.toISOString(),
        updatedAt: x.updatedAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
