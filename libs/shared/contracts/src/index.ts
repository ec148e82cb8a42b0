import 'reflect-metadata';

export { EventEnvelope, defineEvent, type EventDefinition } from './envelope';
export { DLQ_SUFFIX, TOPICS, dlqTopic, isDeclaredTopic, type TopicSpec } from './topics';
export { PlatformProbeData, PlatformProbeV1 } from './events/platform-probe/platform-probe.event';
export { ApiError, ERROR_CODES, errorSpec, type ErrorBody, type ErrorCode, type ErrorType } from './errors';
export { IsAmountFen, type Fen } from './money';
export { INSTANT_PATTERN, IsInstant } from './instant';
export * from './events/payment/payment.events';
export * from './events/sharing/sharing.events';
export * from './events/onboarding/tenant-config';
export * from './events/onboarding/onboarding.events';
export * from './events/settlement/settlement.events';
export * from './events/settlement/settlement-batch.events';
export * from './events/settlement/reconciliation.events';
export * from './events/credit/credit.events';
export { COUNTIES, type County } from './reference/counties';
export { OPENAPI_DOCUMENT } from './openapi/openapi-document';
export { installValidationMetadataCache } from './validation-metadata-cache';
