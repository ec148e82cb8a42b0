import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { cashierMethods, environmentOf } from '../domain/cashier-methods';
import type { OnlineMethod } from '../domain/payment-methods';
import { OrdersRepository } from '../orders/orders.repository';
import { OrdersService } from '../orders/orders.service';
import type { CashierPayment, CashierView } from './cashier.dto';

/** The hosted cashier (收银台): what the payer sees, and the payer's choice of method. */
@Injectable()
export class CashierService {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly ordersService: OrdersService,
    private readonly readModel: OnboardingReadModel,
  ) {}

  async view(tenantId: string, orderId: string, userAgent: string | undefined): Promise<CashierView> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const o = await this.orders.findById(em, orderId);
      if (!o) throw new ApiError('not_found', `no order ${orderId}`);
      const config = await this.readModel.tenantConfig(em);
      const merchant = await this.readModel.merchant(em, o.merchantId);
      const acquiring = config.enabledProducts.includes('acquiring');
      const enabled = acquiring ? config.enabledChannels : [];
      return {
        orderId: o.id,
        merchantName: merchant.legalName,
        subject: o.subject,
        amountFen: fenToJson(o.amountFen),
        status: o.state,
        expiresAt: o.expiresAt.toISOString(),
        remainingSeconds: Math.max(0, Math.floor((o.expiresAt.getTime() - Date.now()) / 1000)),
        methods: cashierMethods(enabled, environmentOf(userAgent), { credit: acquiring && config.enabledProducts.includes('credit') }),
        returnUrl: o.returnUrl,
      };
    });
  }

  async pay(tenantId: string, orderId: string, method: OnlineMethod): Promise<CashierPayment> {
    const p = await this.ordersService.pay(tenantId, orderId, { method });
    return {
      status: p.order.status,
      action: p.next.action,
      ...(p.next.redirectUrl ? { redirectUrl: p.next.redirectUrl } : {}),
      ...(p.next.qrPayload ? { qrPayload: p.next.qrPayload } : {}),
      ...(p.next.payParams ? { payParamsJson: JSON.stringify(p.next.payParams) } : {}),
    };
  }
}
