import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError, type PaymentChannel, type TenantConfig } from '@countypay/contracts';
import { PaymentIntake, refuse, type Decision, type LimitInput } from '@countypay/payment-intake';
import { OnboardingReadModel, type MerchantView } from '@countypay/read-models';
import { transition, type OrderEvent, type OrderState } from '../domain/order-state';
import type { OrderMethod } from '../domain/payment-methods';
import { OrdersRepository, type GoodsLine, type OrderRecord } from './orders.repository';

/** The payer of an online payment, once known (a card's blind index for quick pay; wallets: none). */
export interface AcquiringPayer {
  payerRef: string;
}

export interface OpenOrder {
  tenantId: string;
  appId: string;
  outTradeNo: string;
  merchantId: string;
  amountFen: bigint;
  subject: string;
  goods: GoodsLine[] | null;
  profitSharing: boolean;
  notifyUrl: string | null;
  returnUrl: string | null;
  expiresAt: Date;
}

/**
 * acquiring's use of the shared payment intake (`@countypay/payment-intake`): the onboarding
 * read model as its tenant port, the order table as its transitions, the orders repository as
 * its writer. Creating an order checks tenant, product and merchant; paying it checks the
 * method's channel is enabled and moves the order conditionally.
 */
@Injectable()
export class OrderIntake {
  private readonly intake: PaymentIntake<TenantConfig, MerchantView, AcquiringPayer, OrderState, OrderEvent>;

  constructor(
    readModel: OnboardingReadModel,
    private readonly repo: OrdersRepository,
  ) {
    this.intake = new PaymentIntake({
      product: 'acquiring',
      tenants: readModel,
      payers: {
        // only card quick pay has a platform-side payer limit (wallets and UnionPay apply theirs): by the card's blind index
        paidToday: (em, q) => repo.paidTodayByPayerRef(em, q.tenantId, q.businessDay, q.payer.payerRef),
      },
      transition,
    });
  }

  /** A new order, waiting in `created` for its payer (a taken `outTradeNo` is `duplicate_out_trade_no`). */
  async open(em: EntityManager, req: OpenOrder): Promise<OrderRecord> {
    if (await this.repo.findByOutTradeNo(em, req.tenantId, req.appId, req.outTradeNo)) throw duplicateOutTradeNo(req.outTradeNo);
    const started = await this.intake.start(em, {
      tenantId: req.tenantId,
      merchantId: req.merchantId,
      amountFen: req.amountFen,
      from: 'created',
      persist: async (tx, i) => {
        const inserted = await this.repo.insert(tx, {
          ...req,
          id: randomUUID(),
          merchantId: i.merchant.merchantId,
          state: i.state,
          businessDay: i.businessDay,
        });
        if (!inserted) throw duplicateOutTradeNo(req.outTradeNo);
        return inserted;
      },
    });
    return started.order;
  }

  /** The payer chose a method: the channel must be enabled, the order `created` (or `paying`, switching method). */
  async startPayment(
    em: EntityManager,
    order: OrderRecord,
    method: OrderMethod,
    channel: PaymentChannel,
    payer?: { payerRef: string; limit: (input: LimitInput<TenantConfig, MerchantView>) => Decision<unknown> },
  ): Promise<OrderRecord> {
    const started = await this.intake.start(em, {
      ...(payer ? { payer: { ref: `card:${payer.payerRef}`, identity: { payerRef: payer.payerRef } }, limit: payer.limit } : {}),
      tenantId: order.tenantId,
      merchantId: order.merchantId,
      amountFen: order.amountFen,
      channel,
      from: order.state,
      event: 'start_payment',
      notAllowed: () => refuse('order_not_payable', `order ${order.id} is ${order.state}; only an unpaid open order can be paid`),
      persist: async (tx, i) => {
        const moved = await this.repo.changeState(tx, order.id, order.state, i.state, {
          method,
          channel,
          paymentStarted: true,
          ...(payer ? { payerRef: payer.payerRef } : {}),
        });
        if (!moved) throw new ApiError('conflict', `order ${order.id} changed concurrently; retry`);
        return moved;
      },
    });
    return started.order;
  }
}

function duplicateOutTradeNo(outTradeNo: string): ApiError {
  return new ApiError(
    'duplicate_out_trade_no',
    `an order with outTradeNo '${outTradeNo}' already exists for this app; use a new number or query the existing order`,
    'outTradeNo',
  );
}
