// @countypay/sdk — the typed TypeScript client of the countypay open API, and the one
// implementation of its signing scheme (docs/signing.md, docs/adr/0006).
export { CountypayClient, type CountypayClientOptions } from './client';
export { CountypayOperatorClient, type CountypayOperatorClientOptions } from './operator-client';
export { CountypayApiError, CountypayConnectionError, CountypaySignatureError } from './errors';
export { type FetchLike, type Query, type QueryValue, type RequestOptions, buildQuery } from './http';
export { type WebhookHeaders, parseWebhook, verifyWebhook } from './webhooks';
// the signing scheme, for partners who sign with their own HTTP client; `verifyWebhook` above is
// the one-call check, `verifyStandardWebhook` the Standard Webhooks check that tells why it failed
export { type SignatureAlgorithm, verifyWebhook as verifyStandardWebhook } from './signing';
export * from './signing';
export * from './types';
