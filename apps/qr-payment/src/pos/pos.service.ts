import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { checkBarcodeLimit, shanghaiBusinessDay } from '../domain/barcode-limits';
import { transition } from '../domain/order-state';
import { createPayerCodeRouter } from '../domain/payer-code-router';
import { channelOfPayerWallet, payerCodeKey } from '../domain/payment-routing';
import { assertEnabled, countyBankRule, ReadModelService, tenantBarcodeLimits } from '../read-model/read-model.service';
import type { MerchantView } from '../read-model/read-model.repository';
import { orderView, type OrderView } from '../orders/order-view';
import { OrdersRepository } from '../orders/orders.repository';
import { duplicateOutTradeNo } from '../orders/orders.service';
import { PaymentExecutor } from '../orders/payment-executor.service';
import type { OrderScope } from '../orders/orders.service';
import type { PosPaymentDto } from './dto/pos.dto';

/**
 * Customer-presented mode: the cashier scans the payer's code. Routed by the code's shape to
 * its wallet's channel, checked against the PBoC daily limit BEFORE any channel call, paid
 * synchronously; a payment the payer must confirm is polled until final or the deadline and
 * then reversed.
 */
@Injectable()
export class PosService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly readModel: ReadModelService,
    private readonly executor: PaymentExecutor,
  ) {}

  async pay(scope: OrderScope, dto: PosPaymentDto): Promise<OrderView> {
    const now = new Date();
    const id = randomUUID();
    const amountFen = BigInt(dto.amountFen);
    const payerKey = payerCodeKey(scope.tenantId, dto.payerCode);
    const { order, channel } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const config = await this.readModel.tenantConfig(em);
      assertEnabled(config, 'qr');
      const merchant = await this.readModel.activeMerchant(em, dto.merchantId);
      const storeId = dto.terminalId ? storeOfTerminal(merchant, dto.terminalId) : null;
      const route = createPayerCodeRouter(countyBankRule(config))(dto.payerCode);
      if (!route.ok) throw new ApiError('payer_code_unrecognised', route.message, 'payerCode');
      const ch = channelOfPayerWallet(route.wallet);
      assertEnabled(config, 'qr', ch);
      if (await this.repo.findByOutTradeNo(em, scope.appId, dto.outTradeNo)) throw duplicateOutTradeNo(dto.outTradeNo);

      // the limit check and the order that counts against it commit together, one payer at a time
      const businessDay = shanghaiBusinessDay(now);
      await this.repo.lockPayer(em, scope.tenantId, payerKey);
      const paidToday = await this.repo.paidTodayByPayer(em, businessDay, { payerKey, channel: ch });
      const decision = checkBarcodeLimit({
        codeKind: 'dynamic',
        verification: { factors: dto.verificationFactors ?? [] },
        amountFen,
        alreadyPaidTodayFen: paidToday,
        tenantLimits: tenantBarcodeLimits(config),
      });
      if (!decision.allowed) throw new ApiError('barcode_limit_exceeded', decision.message, 'amountFen');

      const start = transition('created', 'start_payment');
      if (!start.ok) throw new Error(start.message);
      const inserted = await this.repo.insert(em, {
        id,
        tenantId: scope.tenantId,
        appId: scope.appId,
        outTradeNo: dto.outTradeNo,
        merchantId: merchant.merchantId,
        storeId,
        terminalId: dto.terminalId ?? null,
        kind: 'payer_code',
        channel: ch,
        amountFen,
        state: start.state,
        description: dto.description ?? null,
        payerKey,
        businessDay,
      });
      if (!inserted) throw duplicateOutTradeNo(dto.outTradeNo);
      return { order: inserted, channel: ch };
    });
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

/** The store of an active terminal of the merchant. */
export function storeOfTerminal(m: MerchantView, terminalId: string): string {
  for (const store of m.stores) {
    const t = store.terminals.find((x) => x.terminalId === terminalId);
    if (!t) continue;
    if (t.status !== 'active' || store.status !== 'active')
      throw new ApiError('merchant_not_active', `terminal ${terminalId} (store ${store.storeId}) is not active`, 'terminalId');
    return store.storeId;
  }
  throw new ApiError('not_found', `merchant ${m.merchantId} has no terminal ${terminalId}`, 'terminalId');
}
