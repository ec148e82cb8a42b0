import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ChannelPipe, orderIdPipe, RefundIdPipe } from '../common/params.pipe';
import type { Channel } from '../domain/channels';
import { CreatePaymentDto, CreateRefundDto, TenantBodyDto, TenantQueryDto } from './dto/payment.dto';
import { PaymentsService, type PaymentAnswer, type PaymentView, type RefundAnswer } from './payments.service';
import { PlatformRoute } from '@countypay/service-kit';

/** A simulated channel's payment API, called by the platform's payment services. */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('channels/:channel')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('payments')
  @HttpCode(200)
  pay(@Param('channel', ChannelPipe) channel: Channel, @Body() dto: CreatePaymentDto): Promise<PaymentAnswer> {
    return this.payments.pay(channel, dto);
  }

  @Get('payments/:orderId')
  query(@Param('channel', ChannelPipe) channel: Channel, @Param('orderId', orderIdPipe()) orderId: string, @Query() q: TenantQueryDto): Promise<PaymentView> {
    return this.payments.query(channel, q.tenantId, orderId);
  }

  @Post('payments/:orderId/reverse')
  @HttpCode(200)
  reverse(@Param('channel', ChannelPipe) channel: Channel, @Param('orderId', orderIdPipe()) orderId: string, @Body() dto: TenantBodyDto): Promise<PaymentView> {
    return this.payments.reverse(channel, dto.tenantId, orderId);
  }

  @Post('payments/:orderId/close')
  @HttpCode(200)
  close(@Param('channel', ChannelPipe) channel: Channel, @Param('orderId', orderIdPipe()) orderId: string, @Body() dto: TenantBodyDto): Promise<PaymentView> {
    return this.payments.close(channel, dto.tenantId, orderId);
  }

  /** 退款查询 (the query reconciliation sends about a refund case). */
  @Get('refunds/:refundId')
  queryRefund(
    @Param('channel', ChannelPipe) channel: Channel,
    @Param('refundId', RefundIdPipe) refundId: string,
    @Query() q: TenantQueryDto,
  ): Promise<RefundAnswer> {
    return this.payments.queryRefund(channel, q.tenantId, refundId);
  }

  @Post('refunds')
  @HttpCode(200)
  refund(@Param('channel', ChannelPipe) channel: Channel, @Body() dto: CreateRefundDto): Promise<RefundAnswer> {
    return this.payments.refund(channel, dto);
  }
}
