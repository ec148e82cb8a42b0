import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_SCHEDULE_SECONDS, describeRetrySchedule } from './retry-schedule';
import { WEBHOOK_EVENT_TYPES } from './webhook-payload';

/**
 * What the OpenAPI document should say about webhooks (for openapi.document.ts to merge): the
 * published retry schedule as a vendor extension and a description, and the delivery schemas.
 */
export const WEBHOOKS_OPENAPI = {
  description:
    `Signed with Standard Webhooks (webhook-id = event id, stable across retries; webhook-timestamp; ` +
    `webhook-signature v1,<base64>). Any 2xx within 10 s is success; redirects are not followed. ` +
    `Retries after a failure: ${describeRetrySchedule()} (${WEBHOOK_MAX_ATTEMPTS} attempts over about a day), then failed.`,
  'x-retry-schedule-seconds': WEBHOOK_RETRY_SCHEDULE_SECONDS,
  'x-event-types': WEBHOOK_EVENT_TYPES,
  schemas: {
    WebhookAttempt: {
      type: 'object',
      required: ['attemptNo', 'triggeredBy', 'statusCode', 'durationMs', 'errorClass', 'outcome', 'at'],
      properties: {
        attemptNo: { type: 'integer', minimum: 1 },
        triggeredBy: { type: 'string', enum: ['schedule', 'resend'] },
        statusCode: { type: ['integer', 'null'] },
        durationMs: { type: 'integer', minimum: 0 },
        errorClass: {
          type: ['string', 'null'],
          enum: ['http_status', 'redirect', 'timeout', 'connection_refused', 'dns', 'network', 'invalid_url', 'secret_unavailable', 'url_removed', null],
        },
        outcome: { type: 'string', enum: ['delivered', 'failed'] },
        at: { type: 'string', format: 'date-time' },
      },
    },
    WebhookDelivery: {
      type: 'object',
      required: ['id', 'object', 'eventId', 'eventType', 'url', 'status', 'attemptCount', 'createdAt', 'attempts'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        object: { const: 'webhook_delivery' },
        eventId: { type: 'string', format: 'uuid' },
        eventType: { type: 'string', enum: WEBHOOK_EVENT_TYPES },
        url: { type: 'string', format: 'uri' },
        status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
        attemptCount: { type: 'integer', minimum: 0 },
        nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
        lastAttemptAt: { type: ['string', 'null'], format: 'date-time' },
        lastStatusCode: { type: ['integer', 'null'] },
        lastErrorClass: { type: ['string', 'null'] },
        deliveredAt: { type: ['string', 'null'], format: 'date-time' },
        createdAt: { type: 'string', format: 'date-time' },
        attempts: { type: 'array', items: { $ref: '#/components/schemas/WebhookAttempt' } },
      },
    },
    WebhookDeliveryList: {
      type: 'object',
      required: ['object', 'data', 'hasMore', 'nextCursor'],
      properties: {
        object: { const: 'list' },
        data: { type: 'array', items: { $ref: '#/components/schemas/WebhookDelivery' } },
        hasMore: { type: 'boolean' },
        nextCursor: { type: ['string', 'null'] },
      },
    },
  },
} as const;
