import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError, type PaymentChannel, type TenantConfig } from '@countypay/contracts';
import {
  PaymentIntake,
  refuse,
  type Admission,
  type AdmissionRequest,
  type Decision,
  type LimitInput,
  type PayerSpec,
  type Started,
} from '@countypay/payment-intake';
import { OnboardingReadModel, type MerchantView } from '@countypay/read-models';
import { transition, type OrderEvent, type OrderState } from '../domain/order-state';
import { compactUuid } from '../domain/payment-routing';
import { OrdersRepository, type CreditTerms, type OrderKind, type OrderRecord } from './orders.repository';

/** What QR payment knows of a payer before the channel names it: a hashed payer code, or a wallet's payer id. */
export interface QrPayer {
  payerKey?: string;
  payerId?: string;
}

type QrAdmission = Admission<TenantConfig, MerchantView>;
type QrAdmissionRequest = AdmissionRequest<TenantConfig, MerchantView>;

/** A new QR order through the payment intake. */
export interface OpenOrderRequest extends QrAdmissionRequest {
  appId: string;
  /** the partner's order number; none: the platform numbers it (`st_…`, static codes) */
  outTradeNo?: string;
  kind: OrderKind;
  amountFen: bigint;
  description?: string | null;
  expiresAt?: Date | null;
  /** the payer, when the payment counts against the PBoC barcode limit (known up front, or once the channel is chosen) */
  payer?: PayerSpec<QrPayer> | ((a: QrAdmission) => PayerSpec<QrPayer>);
  limit?: (input: LimitInput<TenantConfig, MerchantView>) => Decision<unknown>;
  /** start the payment now (payer code, static code); otherwise the order waits for its payer in `created` */
  startPayment: boolean;
}

/**
 * QR payment's use of the shared payment intake (`@countypay/payment-intake`): the onboarding
 * read model as its tenant port, the orders' daily sums as its payer ledger, the order state
 * table as its transitions, the orders repository as its writer. Every QR flow that starts a
 * payment — dynamic codes, payer codes at the POS, static codes — goes through here.
 */
@Injectable()
export class OrderIntake {
  private readonly intake: PaymentIntake<TenantConfig, MerchantView, QrPayer, OrderState, OrderEvent>;

  constructor(
    readModel: OnboardingReadModel,
    private readonly repo: OrdersRepository,
  ) {
    this.intake = new PaymentIntake({
      product: 'qr',
      tenants: readModel,
      payers: {
        paidToday: (em, q) => {
          if (!q.channel) throw new Error('a QR payer is counted per channel: the intake chose none');
          return repo.paidTodayByPayer(em, q.tenantId, q.businessDay, { ...q.payer, channel: q.channel });
        },
        // the payer lock and the sum in one round trip (issue 14)
        lockedPaidToday: (em, lockKey, q) => {
          if (!q.channel) throw new Error('a QR payer is counted per channel: the intake chose none');
          return repo.paidTodayByPayerLocked(em, lockKey, q.tenantId, q.businessDay, { ...q.payer, channel: q.channel });
        },
      },
      transition,
    });
  }

  /** Steps 1-3 of the intake (tenant, product and channel enabled, merchant and store active). */
  admit(em: EntityManager, req: QrAdmissionRequest): Promise<QrAdmission> {
    return this.intake.admit(em, req);
  }

  /** A new order: the intake's checks, then the insert (a taken `outTradeNo` is `duplicate_out_trade_no`). */
  async open(em: EntityManager, req: OpenOrderRequest): Promise<Started<TenantConfig, MerchantView, QrPayer, OrderState, OrderRecord>> {
    const id = randomUUID();
    const outTradeNo = req.outTradeNo ?? `st_${compactUuid(id)}`;
    try {
      return await this.startNew(em, req, id, outTradeNo);
    } catch (e) {
      // a repeated order number answers as such, whatever else is wrong with the repeat: looked up only
      // when the intake refused (its insert answers a repeat that passed every check; issue 14: no
      // lookup ahead of every new order). A refusal is thrown before any statement failed, so the
      // transaction can still read.
      if (e instanceof ApiError && e.code !== 'duplicate_out_trade_no' && req.outTradeNo !== undefined) {
        if (await this.repo.findByOutTradeNo(em, req.tenantId, req.appId, req.outTradeNo)) throw duplicateOutTradeNo(req.outTradeNo);
      }
      throw e;
    }
  }

  private startNew(
    em: EntityManager,
    req: OpenOrderRequest,
    id: string,
    outTradeNo: string,
  ): Promise<Started<TenantConfig, MerchantView, QrPayer, OrderState, OrderRecord>> {
    return this.intake.start(em, {
      ...req,
      from: 'created',
      ...(req.startPayment ? { event: 'start_payment' as const } : {}),
      persist: async (tx, i) => {
        const inserted = await this.repo.insert(tx, {
          id,
          tenantId: req.tenantId,
          appId: req.appId,
          outTradeNo,
          merchantId: i.merchant.merchantId,
          storeId: i.place.storeId,
          terminalId: i.place.terminalId,
          kind: req.kind,
          channel: i.channel ?? null,
          amountFen: req.amountFen,
          state: i.state,
          description: req.description ?? null,
          payerKey: i.payer?.identity.payerKey ?? null,
          payerId: i.payer?.identity.payerId ?? null,
          businessDay: i.businessDay,
          expiresAt: req.expiresAt ?? null,
        });
        if (!inserted) throw req.outTradeNo !== undefined ? duplicateOutTradeNo(req.outTradeNo) : new ApiError('conflict', 'could not create the order; retry');
        return inserted;
      },
    });
  }

  /** A dynamic order waiting in `created` starts its payment through the wallet's channel (county credit: with the payer's terms). */
  async startPayment(em: EntityManager, order: OrderRecord, channel: PaymentChannel, payerId: string, credit?: CreditTerms): Promise<OrderRecord> {
    const started = await this.intake.start(em, {
      tenantId: order.tenantId,
      merchantId: order.merchantId,
      amountFen: order.amountFen,
      channel,
      from: order.state,
      event: 'start_payment',
      notAllowed: () => refuse('order_not_payable', `order ${order.id} is ${order.state}; only a created order can be paid`),
      persist: async (tx, i) => {
        const moved = await this.repo.changeState(tx, order.id, order.state, i.state, { channel, payerId, ...(credit ? { credit } : {}) });
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
