import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type PaymentChannel } from '@countypay/contracts';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { refusalError } from '@countypay/payment-intake';
import { OnboardingReadModel } from '@countypay/read-models';
import { isTenantId } from '@countypay/tenancy';
import { renderQrPng } from '@countypay/emvco';
import { applicableBarcodeLimit, barcodeLimitDecision } from '../domain/barcode-limits';
import { CHANNEL_NAMES, channelOfOpeningWallet, compactUuid, expandUuid, walletPayerRef } from '../domain/payment-routing';
import { placeOfPayment } from '../domain/store-terminal';
import { tenantBarcodeLimits } from '../domain/tenant-rules';
import { QrPaymentConfig } from '../config/qr-payment.config';
import type { QrOrder } from '../orders/dto/qr-order.dto';
import { OrderIntake } from '../orders/order-intake';
import { orderView } from '../orders/order-view';
import { PaymentExecutor } from '../orders/payment-executor.service';
import { staticCodePayload } from '../orders/qr-payload';
import type { PayQrStaticCodeRequest, QrStaticCode } from './dto/static-codes.dto';

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
    private readonly intake: OrderIntake,
    private readonly readModel: OnboardingReadModel,
    private readonly executor: PaymentExecutor,
    private readonly config: QrPaymentConfig,
  ) {}

  /** The payload to print on a sticker (point of initiation 11, no amount). */
  async code(tenantId: string, merchantId: string, storeId: string | undefined): Promise<QrStaticCode> {
    const merchant = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const m = await this.readModel.merchant(em, merchantId);
      const place = placeOfPayment(m, { storeId });
      if (!place.ok) throw refusalError(place);
      return m;
    });
    const base = this.config.QR_RESOLVE_BASE_URL.replace(/\/$/, '');
    const { payload, resolveUrlInPayload } = staticCodePayload({ tenantId, merchant, storeId: storeId ?? null, resolveBaseUrl: base });
    return {
      merchantId,
      storeId: storeId ?? null,
      payload,
      resolveUrl: `${base}${this.path({ tenantId, merchantId, ...(storeId ? { storeId } : {}) })}`,
      resolveUrlInPayload,
      imagePngBase64: (await renderQrPng(payload)).toString('base64'),
    };
  }

  /** What the payer's phone sees: which wallet opened the code decides the channel. */
  async resolve(target: StaticTarget, userAgent: string | undefined): Promise<ResolveOutcome> {
    const { merchant, config } = await inTenantTransaction(this.ds, target.tenantId, (em) =>
      this.intake.admit(em, { tenantId: target.tenantId, merchantId: target.merchantId, place: (m) => placeOfPayment(m, { storeId: target.storeId }) }),
    );
    const enabled = config.enabledChannels;
    const wallet = channelOfOpeningWallet(enabled, userAgent);
    if (!wallet.ok || !enabled.includes(wallet.value))
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
      channel: wallet.value,
      payPath: `${this.path(target)}/pay`,
      limitFen: limit === 'unlimited' ? 0n : limit,
    };
  }

  /** The payer confirmed an amount: a static order paid through the wallet's channel (≤ the static daily limit). */
  async pay(target: StaticTarget, userAgent: string | undefined, dto: PayQrStaticCodeRequest): Promise<QrOrder> {
    const { order, channel } = await inTenantTransaction(this.ds, target.tenantId, (em) =>
      this.intake.open(em, {
        tenantId: target.tenantId,
        appId: '',
        merchantId: target.merchantId,
        channel: (config) => channelOfOpeningWallet(config.enabledChannels, userAgent),
        place: (m) => placeOfPayment(m, { storeId: target.storeId }),
        kind: 'static',
        amountFen: BigInt(dto.amountFen),
        payer: (a) => {
          if (!a.channel) throw new Error('a static-code payer is named within its wallet channel');
          return { ref: walletPayerRef(a.channel, dto.payerId), identity: { payerId: dto.payerId } };
        },
        limit: ({ config, amountFen, alreadyPaidTodayFen }) =>
          barcodeLimitDecision({ codeKind: 'static', verification: { level: 'C' }, amountFen, alreadyPaidTodayFen, tenantLimits: tenantBarcodeLimits(config) }),
        startPayment: true,
      }),
    );
    if (!channel) throw new Error(`static order ${order.id} has no channel`);
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

  private path(t: StaticTarget): string {
    return `/qr/r/${t.tenantId}/${compactUuid(t.merchantId)}${t.storeId ? `/${compactUuid(t.storeId)}` : ''}`;
  }
}
