/**
 * Request and response types of the countypay open API (the public `/v1` routes). Amounts are
 * integer fen (`amountFen: 1288` is ¥12.88), never floats. Timestamps are ISO 8601 strings.
 */

export type SignatureAlgorithm = 'HMAC-SHA256' | 'SM2-SM3' | 'RSA-SHA256';

/** `GET /v1/platform-key`: the key that signs responses to SM2-SM3 and RSA-SHA256 apps. */
export interface PlatformKey {
  algorithm: 'SM2-SM3';
  /** `04` + 128 hex digits: pass as `platformPublicKey` */
  publicKey: string;
  publicKeyPem: string;
  /** the SM2 user id of Z_A */
  userId: string;
}

/** Integer minor units (fen) of CNY. */
export type Fen = number;

/** Every list: newest first, `nextCursor` (null on the last page) fetches the next page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  hasMore?: boolean;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

// ---- merchants, stores, terminals (onboarding) ----------------------------------------------

export type MerchantStatus = 'pending_review' | 'active' | 'suspended' | 'closed';

export interface SettlementAccount {
  /** bank card / account number; answers show it masked */
  accountNo: string;
  accountName: string;
  bankName: string;
}

export interface CreateMerchantRequest {
  legalName: string;
  /** 18-character unified social credit code */
  uscc: string;
  legalRepName: string;
  /** the legal representative's resident ID number */
  legalRepIdNumber: string;
  /** mainland mobile number */
  phone: string;
  /** 4-digit merchant category code */
  mcc: string;
  address: string;
  city: string;
  settlementAccount: SettlementAccount;
}

export type UpdateMerchantRequest = Partial<Pick<CreateMerchantRequest, 'legalName' | 'phone' | 'mcc' | 'address' | 'city' | 'settlementAccount'>>;

export interface ListMerchantsQuery extends PageQuery {
  status?: MerchantStatus;
}

export interface Terminal {
  terminalId: string;
  storeId: string;
  merchantId: string;
  serialNo: string;
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface Store {
  storeId: string;
  merchantId: string;
  tenantId: string;
  name: string;
  status: 'active' | 'disabled';
  terminals: Terminal[];
  createdAt: string;
}

/** A merchant as the API shows it: personal data masked. */
export interface Merchant {
  merchantId: string;
  tenantId: string;
  partnerId: string | null;
  legalName: string;
  uscc: string;
  legalRepName: string;
  legalRepIdNumber: string;
  phone: string;
  mcc: string;
  address: string;
  city: string;
  settlementAccount: SettlementAccount;
  status: MerchantStatus;
  statusReason: string | null;
  riskLevel: 'low' | 'medium' | 'high';
  /** on single-merchant answers, absent from lists */
  stores?: Store[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateStoreRequest {
  name: string;
}

export interface CreateTerminalRequest {
  /** 1–40 letters, digits, `_` or `-` */
  serialNo: string;
}

// ---- QR payments (qr-payment) ----------------------------------------------------------------

export type PaymentChannel = 'wechat' | 'alipay' | 'unionpay' | 'county_bank';
export type QrOrderStatus = 'created' | 'paying' | 'succeeded' | 'failed' | 'closed';
export type QrOrderKind = 'static' | 'dynamic' | 'payer_code';

export interface CreateQrOrderRequest {
  merchantId: string;
  storeId?: string;
  /** your order number, unique per app: `[A-Za-z0-9_-|*.]{1,64}` */
  outTradeNo: string;
  amountFen: Fen;
  description?: string;
  expiresInSeconds?: number;
}

export interface QrOrder {
  id: string;
  outTradeNo: string;
  merchantId: string;
  storeId: string | null;
  terminalId: string | null;
  kind: QrOrderKind;
  channel: PaymentChannel | null;
  amountFen: Fen;
  currency: 'CNY';
  status: QrOrderStatus;
  payerId: string | null;
  channelTradeNo: string | null;
  failureReason: string | null;
  closeReason: string | null;
  description: string | null;
  expiresAt: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A new dynamic order: the EMVCo payload to show as a QR code, and where to fetch it as an image. */
export interface CreatedQrOrder extends QrOrder {
  qr: { payload: string; pngPath: string; svgPath: string };
}

export interface ListQrOrdersQuery extends PageQuery {
  outTradeNo?: string;
  status?: QrOrderStatus;
  merchantId?: string;
}

export type VerificationFactor = 'payment_password' | 'sms_otp' | 'fingerprint' | 'face' | 'device_binding' | 'digital_certificate' | 'electronic_signature';

/** Customer-presented: the cashier scanned the payer's code. */
export interface PosPaymentRequest {
  merchantId: string;
  terminalId?: string;
  outTradeNo: string;
  amountFen: Fen;
  payerCode: string;
  verificationFactors?: VerificationFactor[];
  description?: string;
}

export interface CreateRefundRequest {
  /** your refund number, unique per order: the same number is the same refund */
  outRefundNo: string;
  amountFen: Fen;
  reason?: string;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface Refund {
  id: string;
  orderId: string;
  outRefundNo: string;
  amountFen: Fen;
  currency: 'CNY';
  status: RefundStatus;
  reason: string | null;
  channelRefundNo: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

// ---- webhooks ---------------------------------------------------------------------------------

export type WebhookEventType = 'payment.succeeded' | 'payment.failed' | 'payment.closed' | 'refund.succeeded' | 'refund.failed';

interface PaymentEventRef {
  orderId: string;
  outTradeNo: string;
  merchantId: string;
  partnerAppId?: string;
  product: 'qr' | 'acquiring' | 'credit';
  channel: PaymentChannel;
  amountFen: Fen;
  currency: 'CNY';
}

export interface PaymentSucceededEventData extends PaymentEventRef {
  channelTradeNo: string;
  paidAt: string;
}

export interface PaymentFailedEventData extends PaymentEventRef {
  reason: string;
  failedAt: string;
}

export interface PaymentClosedEventData extends PaymentEventRef {
  reason: 'expired' | 'closed_by_partner' | 'reversed';
  closedAt: string;
}

export interface RefundEventData {
  refundId: string;
  outRefundNo: string;
  orderId: string;
  merchantId: string;
  partnerAppId?: string;
  product: 'qr' | 'acquiring' | 'credit';
  channel: PaymentChannel;
  amountFen: Fen;
  currency: 'CNY';
  at: string;
  reason?: string;
}

interface WebhookEventBase<T extends WebhookEventType, D> {
  /** the event id; also the `webhook-id` header: deduplicate on it */
  id: string;
  type: T;
  /** unix seconds */
  created: number;
  tenantId: string;
  data: D;
}

/** The body of a webhook delivery. */
export type WebhookEvent =
  | WebhookEventBase<'payment.succeeded', PaymentSucceededEventData>
  | WebhookEventBase<'payment.failed', PaymentFailedEventData>
  | WebhookEventBase<'payment.closed', PaymentClosedEventData>
  | WebhookEventBase<'refund.succeeded', RefundEventData>
  | WebhookEventBase<'refund.failed', RefundEventData>;

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  attemptNo: number;
  triggeredBy: 'schedule' | 'resend';
  statusCode: number | null;
  durationMs: number;
  /** `http_status`, `redirect`, `timeout`, `connection_refused`, `dns`, `network`, `invalid_url`, `secret_unavailable`, `url_removed`; null when delivered */
  errorClass: string | null;
  outcome: 'delivered' | 'failed';
  at: string;
}

export interface WebhookDelivery {
  id: string;
  object: 'webhook_delivery';
  eventId: string;
  eventType: WebhookEventType;
  url: string;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attempts: WebhookAttempt[];
}

export interface ListWebhookDeliveriesQuery extends PageQuery {
  status?: WebhookDeliveryStatus;
}

/**
 * The published retry schedule of webhook deliveries, in seconds after each failed attempt
 * (16 attempts over about a day). The gateway's source of truth is
 * apps/gateway/src/webhooks/retry-schedule.ts; the SDK's unit test keeps the two equal.
 */
export const WEBHOOK_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
]);
