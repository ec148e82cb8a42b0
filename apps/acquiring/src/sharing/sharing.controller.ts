import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { orderScope } from '../orders/order-scope';
import { AddSharingReceiverRequest, CreateSplitRequest, EscrowPositionView, ListSharingReceiversQuery, SharingReceiver, Split } from './dto/sharing.dto';
import { ReceiversService } from './receivers.service';
import { SplitsService } from './splits.service';

const TAG = 'Profit sharing';
/** a platform partner's app registers receivers and splits its own orders; county operators and the province read */
const APP_ACTS = { actors: ['app'], scopes: ['acquiring:pay'] } as const;
const READS = { actors: ['app', 'county', 'province'], scopes: ['acquiring:pay'] } as const;

@Controller('acquiring/profit-sharing/receivers')
export class SharingReceiversController {
  constructor(private readonly receivers: ReceiversService) {}

  @Post()
  @Authenticated(APP_ACTS)
  @ApiOperation({
    operationId: 'addSharingReceiver',
    summary: 'Register a profit-sharing receiver (添加分账接收方): a merchant of your county',
    description: 'Answers 201 with the receiver, 200 when the merchant is already a receiver of your app. A merchant of another county is a 404.',
    tag: TAG,
    response: SharingReceiver,
    errors: ['not_found', 'merchant_not_active'],
  })
  async add(@Auth() actor: Actor, @Body() dto: AddSharingReceiverRequest, @Res({ passthrough: true }) res: Response): Promise<SharingReceiver> {
    const { receiver, created } = await this.receivers.add(orderScope(actor), dto);
    res.status(created ? 201 : 200);
    return receiver;
  }

  @Get()
  @Authenticated(READS)
  @ApiOperation({
    operationId: 'listSharingReceivers',
    summary: 'List profit-sharing receivers, newest first',
    description: "A partner app sees its own receivers; county and province operators every app's of the county.",
    tag: TAG,
    response: { page: SharingReceiver },
    errors: ['invalid_request'],
  })
  list(@Auth() actor: Actor, @Query() q: ListSharingReceiversQuery): Promise<Page<SharingReceiver>> {
    return this.receivers.list(orderScope(actor), q);
  }

  @Post(':receiverId/remove')
  @HttpCode(200)
  @Authenticated(APP_ACTS)
  @ApiOperation({
    operationId: 'removeSharingReceiver',
    summary: 'Remove a profit-sharing receiver (删除分账接收方); splits already made stay',
    tag: TAG,
    response: SharingReceiver,
  })
  remove(@Auth() actor: Actor, @Param('receiverId', uuidParam('profit-sharing receiver')) receiverId: string): Promise<SharingReceiver> {
    return this.receivers.remove(orderScope(actor), receiverId);
  }
}

@Controller('acquiring')
export class SplitsController {
  constructor(private readonly splits: SplitsService) {}

  @Post('orders/:id/splits')
  @Authenticated(APP_ACTS)
  @ApiOperation({
    operationId: 'createSplit',
    summary: 'Split a paid order’s escrow among receivers (请求分账)',
    description:
      'Only for orders created with `profitSharing: true` and paid. Shares in fen, 1 to 50 receivers (registered receivers, or the order’s own merchant); ' +
      'the total never exceeds the amount less the fee, earlier splits and refunds; receivers other than the order’s merchant get at most the county’s cap (default 30% of the amount) over all splits. ' +
      'Answers 201 with the split (200 when `outSplitNo` repeats the same split); its final status is also sent as the `split.succeeded` / `split.failed` webhook.',
    tag: TAG,
    response: Split,
    errors: ['order_not_splittable', 'receiver_not_registered', 'split_exceeds_available', 'split_receiver_cap_exceeded', 'conflict'],
  })
  async create(
    @Auth() actor: Actor,
    @Param('id', uuidParam('acquiring order')) id: string,
    @Body() dto: CreateSplitRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Split> {
    const { split, created } = await this.splits.create(orderScope(actor), id, dto);
    res.status(created ? 201 : 200);
    return split;
  }

  @Get('orders/:id/splits')
  @Authenticated(READS)
  @ApiOperation({ operationId: 'listSplits', summary: "An order's splits, oldest first", tag: TAG, response: { array: Split } })
  list(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string): Promise<{ data: Split[] }> {
    return this.splits.list(orderScope(actor), id);
  }

  @Get('orders/:id/escrow')
  @Authenticated(READS)
  @ApiOperation({
    operationId: 'getEscrowPosition',
    summary: 'Where the money of a shared order is: fee, split, released, refunded and still held in escrow',
    tag: TAG,
    response: EscrowPositionView,
  })
  escrow(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string): Promise<EscrowPositionView> {
    return this.splits.position(orderScope(actor), id);
  }

  @Post('orders/:id/splits/finish')
  @HttpCode(200)
  @Authenticated(APP_ACTS)
  @ApiOperation({
    operationId: 'finishSplits',
    summary: 'Finish profit sharing of an order (完结分账): the unsplit remainder is released to its merchant',
    description:
      'Without it, the county releases the remainder when its maximum hold (default 30 days after payment) passes. Sent as the `split.released` webhook.',
    tag: TAG,
    response: EscrowPositionView,
    errors: ['order_not_splittable', 'conflict'],
  })
  finish(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string): Promise<EscrowPositionView> {
    return this.splits.finish(orderScope(actor), id);
  }

  @Get('splits/:splitId')
  @Authenticated(READS)
  @ApiOperation({ operationId: 'getSplit', summary: 'Query a split (查询分账结果)', tag: TAG, response: Split })
  get(@Auth() actor: Actor, @Param('splitId', uuidParam('split')) splitId: string): Promise<Split> {
    return this.splits.get(orderScope(actor), splitId);
  }
}
