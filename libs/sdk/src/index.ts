// @countypay/sdk — the typed TypeScript client of the countypay open API.
export { CountypayClient, type CountypayClientOptions } from './client';
export { CountypayOperatorClient, type CountypayOperatorClientOptions } from './operator-client';
export { CountypayApiError, CountypayConnectionError, CountypaySignatureError } from './errors';
export { type FetchLike, type Query, type QueryValue, type RequestOptions, buildQuery } from './http';
export { type WebhookHeaders, parseWebhook, verifyWebhook } from './webhooks';
export * from './types';
