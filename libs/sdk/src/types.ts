// The API's types, by name. Every one is an alias of the types generated from the published OpenAPI
// document (`./generated/api.ts`, written by `npm run openapi` from the services' own classes), so
// the SDK cannot drift from what the platform validates and answers.
import type { components, operations } from './generated/api';

type Schemas = components['schemas'];
type QueryOf<Op extends keyof operations> = operations[Op] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** Amounts are integers in fen (分), CNY minor units, everywhere. */
export type Fen = number;

/** Every list answers a cursor page: pass `nextCursor` back as `cursor` until it is null. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type PlatformKey = Schemas['PlatformKey'];
export type ErrorCode = Schemas['ErrorCode'];
export type ApiErrorBody = Schemas['Error'];

// ---- merchants --------------------------------------------------------------------------------
export type Merchant = Schemas['Merchant'];
export type MerchantStatus = Merchant['status'];
export type Store = Schemas['Store'];
export type Terminal = Schemas['Terminal'];
export type SettlementAccount = Schemas['MerchantSettlementAccountInput'];
export type CreateMerchantRequest = Schemas['CreateMerchantRequest'];
export type UpdateMerchantRequest = Schemas['UpdateMerchantRequest'];
export type CreateStoreRequest = Schemas['CreateStoreRequest'];
export type CreateTerminalRequest = Schemas['CreateTerminalRequest'];
export type ListMerchantsQuery = QueryOf<'listMerchants'>;

// ---- QR payments ------------------------------------------------------------------------------
export type QrOrder = Schemas['QrOrder'];
export type CreatedQrOrder = Schemas['CreatedQrOrder'];
export type PaymentChannel = NonNullable<QrOrder['channel']>;
export type QrOrderStatus = QrOrder['status'];
export type QrOrderKind = QrOrder['kind'];
export type CreateQrOrderRequest = Schemas['CreateQrOrderRequest'];
export type ListQrOrdersQuery = QueryOf<'listQrOrders'>;
export type PosPaymentRequest = Schemas['CreateQrPosPaymentRequest'];
export type VerificationFactor = NonNullable<PosPaymentRequest['verificationFactors']>[number];
export type CreateRefundRequest = Schemas['CreateQrRefundRequest'];
export type Refund = Schemas['QrRefund'];
export type RefundStatus = Refund['status'];
export type QrStaticCode = Schemas['QrStaticCode'];
export type DecodedQrPayload = Schemas['DecodedQrPayload'];

// ---- online acquiring ------------------------------------------------------------------------
export type AcquiringOrder = Schemas['AcquiringOrder'];
export type AcquiringOrderStatus = AcquiringOrder['status'];
export type AcquiringPayment = Schemas['AcquiringPayment'];
export type OnlinePaymentMethod = Schemas['PayAcquiringOrderRequest']['method'];
export type CreateAcquiringOrderRequest = Schemas['CreateAcquiringOrderRequest'];
export type PayAcquiringOrderRequest = Schemas['PayAcquiringOrderRequest'];
export type ListAcquiringOrdersQuery = QueryOf<'listAcquiringOrders'>;
export type AcquiringRefund = Schemas['AcquiringRefund'];
export type CreateAcquiringRefundRequest = Schemas['CreateAcquiringRefundRequest'];
export type BindCardRequest = Schemas['BindCardRequest'];
export type CardAgreement = Schemas['CardAgreement'];
export type CardBinding = Schemas['CardBinding'];
export type SmsSent = Schemas['SmsSent'];

// ---- profit sharing (分账) ----------------------------------------------------------------------
export type SharingReceiver = Schemas['SharingReceiver'];
export type AddSharingReceiverRequest = Schemas['AddSharingReceiverRequest'];
export type ListSharingReceiversQuery = QueryOf<'listSharingReceivers'>;
export type Split = Schemas['Split'];
export type SplitStatus = Split['status'];
export type CreateSplitRequest = Schemas['CreateSplitRequest'];
export type EscrowPosition = Schemas['EscrowPositionView'];

// ---- ledger -----------------------------------------------------------------------------------
export type LedgerEntry = Schemas['LedgerEntry'];
export type MerchantBalance = Schemas['MerchantBalance'];
export type ListLedgerEntriesQuery = QueryOf<'listLedgerEntries'>;

// ---- webhooks ---------------------------------------------------------------------------------
/** The body of a webhook delivery: one of the event types, told apart by `type`. */
export type WebhookEvent = Schemas['WebhookEvent'];
export type WebhookEventType = WebhookEvent['type'];
export type PaymentSucceededEventData = Schemas['PaymentSucceededData'];
export type PaymentFailedEventData = Schemas['PaymentFailedData'];
export type PaymentClosedEventData = Schemas['PaymentClosedData'];
export type RefundEventData = Schemas['RefundData'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookDeliveryStatus = WebhookDelivery['status'];
export type WebhookAttempt = Schemas['WebhookAttempt'];
export type ListWebhookDeliveriesQuery = QueryOf<'listWebhookDeliveries'>;

// ---- operators (province and county ops teams) -------------------------------------------------
export type Tenant = Schemas['Tenant'];
export type TenantConfig = Schemas['TenantConfig'];
export type UpdateTenantConfigRequest = Schemas['UpdateTenantConfigRequest'];
export type Partner = Schemas['Partner'];
export type CreatePartnerRequest = Schemas['CreatePartnerRequest'];
export type App = Schemas['App'];
export type CreateAppRequest = Schemas['CreateAppRequest'];
export type CreatedApp = Schemas['CreatedApp'];
export type Operator = Schemas['Operator'];
export type CreateOperatorRequest = Schemas['CreateOperatorRequest'];
export type CreatedOperator = Schemas['CreatedOperator'];
export type MerchantReviewRequest = Schemas['MerchantReviewRequest'];

/**
 * The published retry schedule of webhook deliveries, in seconds after each failed attempt
 * (16 attempts over about a day), as the OpenAPI document's `x-webhook-retry-schedule-seconds`
 * states it; the SDK's unit test keeps the two equal.
 */
export const WEBHOOK_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
]);
