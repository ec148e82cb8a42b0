import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_SCHEDULE_SECONDS, describeRetrySchedule } from './retry-schedule';
import { WEBHOOK_EVENT_TYPES } from './webhook-payload';

/**
 * What the OpenAPI document should say about webhooks (for openapi.document.ts to merge): the
 * published retry schedule as a vendor extension and a description (the delivery schemas are
 * the response classes of webhooks.controller.ts).
 */
export const WEBHOOKS_OPENAPI = {
  description:
    `Signed with Standard Webhooks (webhook-id = event id, stable across retries; webhook-timestamp; ` +
    `webhook-signature v1,<base64>). Any 2xx within 10 s is success; redirects are not followed. ` +
    `Retries after a failure: ${describeRetrySchedule()} (${WEBHOOK_MAX_ATTEMPTS} attempts over about a day), then failed.`,
  'x-retry-schedule-seconds': WEBHOOK_RETRY_SCHEDULE_SECONDS,
  'x-event-types': WEBHOOK_EVENT_TYPES,
} as const;
