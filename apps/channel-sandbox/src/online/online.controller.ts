import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { PlatformRoute } from '@countypay/service-kit';
import { ChannelPipe, orderIdPipe } from '../common/params.pipe';
import type { Channel } from '../domain/channels';
import type { RefundAnswer } from '../payments/payments.service';
import { CheckoutQuery, CreateOnlineOrderDto, OnlineRefundDto, PayAfterCloseDto, PayerActionDto, TenantQuery } from './dto/online.dto';
import { checkoutPage } from './checkout-page';
import { OnlineService, type OnlineOrderAnswer, type PayerOutcome } from './online.service';

/** The base URL the caller reached the sandbox at (its checkout pages are served from there). */
function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

/** The simulated channels' online payment API (统一下单, refunds and refund query), called by acquiring. */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('channels/:channel/online')
export class OnlineChannelController {
  constructor(private readonly online: OnlineService) {}

  @Post('orders')
  @HttpCode(200)
  create(@Param('channel', ChannelPipe) channel: Channel, @Body() dto: CreateOnlineOrderDto, @Req() req: Request): Promise<OnlineOrderAnswer> {
    return this.online.createOrder(channel, dto, baseOf(req));
  }

  @Post('refunds')
  @HttpCode(200)
  refund(@Param('channel', ChannelPipe) channel: Channel, @Body() dto: OnlineRefundDto): Promise<RefundAnswer> {
    return this.online.refund(channel, dto);
  }

  @Get('refunds/:refundId')
  queryRefund(@Param('channel', ChannelPipe) channel: Channel, @Param('refundId') refundId: string, @Query() q: TenantQuery): Promise<RefundAnswer> {
    return this.online.queryRefund(channel, q.tenantId, refundId);
  }
}

/** The simulated payer: the channel's checkout page and what the payer does on it (tests drive it directly). */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('online')
export class OnlinePayerController {
  constructor(private readonly online: OnlineService) {}

  @Post('payer/:channel/:orderId')
  @HttpCode(200)
  act(@Param('channel', ChannelPipe) channel: Channel, @Param('orderId', orderIdPipe()) orderId: string, @Body() dto: PayerActionDto): Promise<PayerOutcome> {
    return this.online.payerAction(channel, dto.tenantId, orderId, dto.action, dto.reason, dto.notify ?? true);
  }

  /**
   * The payer confirms on a page opened before the platform closed the order (the close lost the race
   * at the channel); `notify: false` settles the closed trade as paid at the channel with its
   * notification lost, so only the channel's statement shows the success.
   */
  @Post('payer/:channel/:orderId/pay-after-close')
  @HttpCode(200)
  payAfterClose(
    @Param('channel', ChannelPipe) channel: Channel,
    @Param('orderId', orderIdPipe()) orderId: string,
    @Body() dto: PayAfterCloseDto,
  ): Promise<PayerOutcome> {
    return this.online.payAfterClose(channel, dto.tenantId, orderId, dto.notify ?? true);
  }

  @Get('checkout/:channel/:orderId')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async checkout(
    @Param('channel', ChannelPipe) channel: Channel,
    @Param('orderId', orderIdPipe()) orderId: string,
    @Query() q: CheckoutQuery,
  ): Promise<string> {
    const p = await this.online.find(channel, q.tenantId, orderId);
    return checkoutPage(channel, q.tenantId, orderId, p ? { amountFen: p.amountFen, status: p.status } : undefined);
  }
}
