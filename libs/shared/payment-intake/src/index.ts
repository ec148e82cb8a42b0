export { announcePaymentOutcome, paymentOutcomeRow, type FinalOrder } from './announce';
export { callChannel, ChannelCallError, ChannelTimeoutError } from './channel-http';
export {
  CreditCallError,
  CreditHoldsClient,
  CreditOutcomeUnknownError,
  type CreditDrawdownView,
  type CreditHoldRequest,
  type CreditHoldsCaller,
  type CreditHoldsClientOptions,
  type CreditHoldView,
  type CreditPurchase,
  type CreditQuoteView,
  type CreditRefundView,
  type CreditScheduleLine,
  type PayerLineView,
  type PayerOffersView,
  type ServiceAssertionSource,
} from './credit-holds.client';
export { shanghaiBusinessDay } from './business-day';
export { advisoryPayerLock, payerLockKey, type PayerLock } from './payer-lock';
export {
  allow,
  NO_PLACE,
  PaymentIntake,
  refusalError,
  refuse,
  type Admission,
  type AdmissionRequest,
  type Decision,
  type Intake,
  type LimitInput,
  type PaidTodayQuery,
  type PayerLedgerPort,
  type PayerSpec,
  type PaymentIntakePorts,
  type PaymentRequest,
  type Place,
  type Refusal,
  type Started,
  type TenantPort,
  type TransitionRule,
} from './payment-intake';
