import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { barcodeLimitDecision } from '../domain/barcode-limits';
import { channelOfPayerCode, payerCodeKey } from '../domain/payment-routing';
import { placeOfPayment } from '../domain/store-terminal';
import { tenantBarcodeLimits } from '../domain/tenant-rules';
import type { QrOrder } from '../orders/dto/qr-order.dto';
import { OrderIntake } from '../orders/order-intake';
import type { OrderScope } from '../orders/order-scope';
import { orderView } from '../orders/order-view';
import { PaymentExecutor } from '../orders/payment-executor.service';
import type { CreateQrPosPaymentRequest } from './dto/pos.dto';

/**
 * Customer-presented mode: the cashier scans the payer's code. Through the payment intake: the
 * code's shape names its wallet's channel, the terminal its store, and the PBoC daily limit
 * (by the payer's verification) is checked BEFORE any channel call; then paid synchronously —
 * a payment the payer must confirm is polled until final or the deadline, then reversed.
 */
@Injectable()
export class PosService {
  constructor(
    private readonly ds: DataSource,
    private readonly intake: OrderIntake,
    private readonly executor: PaymentExecutor,
  ) {}

  async pay(scope: OrderScope, dto: CreateQrPosPaymentRequest): Promise<QrOrder> {
    const payerKey = payerCodeKey(scope.tenantId, dto.payerCode);
    const { order, channel } = await inTenantTransaction(this.ds, scope.tenantId, (em) =>
      this.intake.open(em, {
        tenantId: scope.tenantId,
        appId: scope.appId,
        outTradeNo: dto.outTradeNo,
        merchantId: dto.merchantId,
        channel: (config) => channelOfPayerCode(config, dto.payerCode),
        place: (m) => placeOfPayment(m, { terminalId: dto.terminalId }),
        kind: 'payer_code',
        amountFen: BigInt(dto.amountFen),
        description: dto.description ?? null,
        payer: { ref: payerKey, identity: { payerKey } },
        limit: ({ config, amountFen, alreadyPaidTodayFen }) =>
          barcodeLimitDecision({
            codeKind: 'dynamic',
            verification: { factors: dto.verificationFactors ?? [] },
            amountFen,
            alreadyPaidTodayFen,
            tenantLimits: tenantBarcodeLimits(config),
          }),
        startPayment: true,
      }),
    );
    if (!channel) throw new Error(`payer-code order ${order.id} has no channel`);
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': scope.tenantId });
    const done = await this.executor.execute(order, channel, {
      kind: 'payer_code',
      payerCode: dto.payerCode,
      ...(dto.description ? { description: dto.description } : {}),
      waitForFinal: true,
    });
    return orderView(done);
  }
}
