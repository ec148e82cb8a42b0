import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type PaymentChannel, type TenantConfig } from '@countypay/contracts';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { isTenantId } from '@countypay/tenancy';
import { renderQrPng } from '@countypay/emvco';
import { applicableBarcodeLimit, checkBarcodeLimit, shanghaiBusinessDay } from '../domain/barcode-limits';
import { transition } from '../domain/order-state';
import { CHANNEL_NAMES, channelOfDetectedWallet, compactUuid, expandUuid } from '../domain/payment-routing';
import { detectWallet } from '../domain/wallet-detect';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { orderView, type OrderView } from '../orders/order-view';
import { OrdersRepository } from '../orders/orders.repository';
import { assertStore } from '../orders/orders.service';
import { PaymentExecutor } from '../orders/payment-executor.service';
import { staticCodePayload } from '../orders/qr-payload';
import { assertEnabled, ReadModelService, tenantBarcodeLimits } from '../read-model/read-model.service';
import type { MerchantView } from '../read-model/read-model.repository';
import type { StaticPayDto } from './dto/static-codes.dto';

export interface StaticTarget {
  tenantId: string;
  merchantId: string;
  storeId?: string;
}

export type ResolveOutcome =
  | { kind: 'unsupported'; merchantName: string; channels: PaymentChannel[]; message: string }
  | { kind: 'pay'; merchantName: string; channel: PaymentChannel; payPath: string; limitFen: bigint };

/** Merchant-presented static codes: the sticker payload, the resolve page, the payment. */
@Injectable()
export class StaticCodesService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly readModel: ReadModelService,
    private readonly executor: PaymentExecutor,
    private readonly config: QrPaymentConfig,
  ) {}

  /** The payload to print on a sticker (point of initiation 11, no amount). */
  async code(tenantId: string, merchantId: string, storeId: string | undefined) {
    const merchant = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const m = await this.readModel.merchant(em, merchantId);
      if (storeId) assertStore(m, storeId);
      return m;
    });
    const base = this.config.QR_RESOLVE_BASE_URL.replace(/\/$/, '');
    const { payload, resolveUrlInPayload } = staticCodePayload({ tenantId, merchant, storeId: storeId ?? null, resolveBaseUrl: base });
    const path = `/qr/r/${tenantId}/${compactUuid(merchantId)}${storeId ? `/${compactUuid(storeId)}` : ''}`;
    return {
      merchantId,
      storeId: storeId ?? null,
      payload,
      resolveUrl: `${base}${path}`,
      resolveUrlInPayload,
      imagePngBase64: (await renderQrPng(payload)).toString('base64'),
    };
  }

  /** What the payer's phone sees: which wallet opened the code decides the channel. */
  async resolve(target: StaticTarget, userAgent: string | undefined): Promise<ResolveOutcome> {
    const { merchant, config } = await this.load(target);
    const enabled = config.enabledChannels;
    const channel = channelOfDetectedWallet(detectWallet(userAgent));
    if (!channel || !enabled.includes(channel))
      return {
        kind: 'unsupported',
        merchantName: merchant.legalName,
        channels: enabled,
        message: `scan this code with one of these payment apps: ${enabled.map((c) => CHANNEL_NAMES[c]).join(', ')}`,
      };
    const limit = applicableBarcodeLimit('static', 'C', tenantBarcodeLimits(config));
    return {
      kind: 'pay',
      merchantName: merchant.legalName,
      channel,
      payPath: `/qr/r/${target.tenantId}/${compactUuid(target.merchantId)}${target.storeId ? `/${compactUuid(target.storeId)}` : ''}/pay`,
      limitFen: limit === 'unlimited' ? 0n : limit,
    };
  }

  /** The payer confirmed an amount: a static order paid through the wallet's channel (≤ the static daily limit). */
  async pay(target: StaticTarget, userAgent: string | undefined, dto: StaticPayDto): Promise<OrderView> {
    const now = new Date();
    const id = randomUUID();
    const amountFen = BigInt(dto.amountFen);
    const { order, channel } = await inTenantTransaction(this.ds, target.tenantId, async (em) => {
      const config = await this.readModel.tenantConfig(em);
      assertEnabled(config, 'qr');
      const merchant = await this.readModel.activeMerchant(em, target.merchantId);
      if (target.storeId) assertStore(merchant, target.storeId);
      const ch = channelOfDetectedWallet(detectWallet(userAgent));
      if (!ch) throw walletNotSupported(config);
      assertEnabled(config, 'qr', ch);
      const businessDay = shanghaiBusinessDay(now);
      await this.repo.lockPayer(em, target.tenantId, `${ch}:${dto.payerId}`);
      const paidToday = await this.repo.paidTodayByPayer(em, businessDay, { channel: ch, payerId: dto.payerId });
      const decision = checkBarcodeLimit({ codeKind: 'static', verification: { level: 'C' }, amountFen, alreadyPaidTodayFen: paidToday, tenantLimits: tenantBarcodeLimits(config) });
      if (!decision.allowed) throw new ApiError('barcode_limit_exceeded', decision.message, 'amountFen');
      const start = transition('created', 'start_payment');
      if (!start.ok) throw new Error(start.message);
      const inserted = await this.repo.insert(em, {
        id,
        tenantId: target.tenantId,
        appId: '',
        outTradeNo: `st_${compactUuid(id)}`,
        merchantId: merchant.merchantId,
        storeId: target.storeId ?? null,
        kind: 'static',
        channel: ch,
        amountFen,
        state: start.state,
        payerId: dto.payerId,
        businessDay,
      });
      if (!inserted) throw new ApiError('conflict', 'could not create the order; retry');
      return { order: inserted, channel: ch };
    });
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': target.tenantId });
    return orderView(await this.executor.execute(order, channel, { kind: 'qr_static', payerId: dto.payerId, waitForFinal: false }));
  }

  /** Parses the ids of a resolve URL (canonical or compact); a bad one is a 404. */
  target(tenantCode: string, merchantId: string, storeId?: string): StaticTarget {
    const m = expandUuid(merchantId);
    const s = storeId === undefined ? undefined : expandUuid(storeId);
    if (!isTenantId(tenantCode) || !m || (storeId !== undefined && !s)) throw new ApiError('not_found', 'no such payment code');
    return { tenantId: tenantCode, merchantId: m, ...(s ? { storeId: s } : {}) };
  }

  private async load(target: StaticTarget): Promise<{ merchant: MerchantView; config: TenantConfig }> {
    return inTenantTransaction(this.ds, target.tenantId, async (em) => {
      const config = await this.readModel.tenantConfig(em);
      assertEnabled(config, 'qr');
      const merchant = await this.readModel.activeMerchant(em, target.merchantId);
      if (target.storeId) assertStore(merchant, target.storeId);
      return { merchant, config };
    });
  }
}

export function walletNotSupported(config: TenantConfig): ApiError {
  return new ApiError(
    'wallet_not_supported',
    `this code must be scanned with a payment app: ${config.enabledChannels.map((c) => CHANNEL_NAMES[c]).join(', ')}`,
    'user-agent',
  );
}
