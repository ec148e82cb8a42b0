// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { GatewayTables1764202000000 } from './migrations/1764202000000-gateway-tables';
import { Webhooks1764210000000 } from './migrations/1764210000000-webhooks';
import { WebhookTrace1764210100000 } from './migrations/1764210100000-webhook-trace';
import { GatewayAdmission1764500000000 } from './migrations/1764500000000-gateway-admission';
import { WebhookOps1766500000000 } from './migrations/1766500000000-webhook-ops';
import { WebhookResendInFlight1767100000000 } from './migrations/1767100000000-webhook-resend-in-flight';
import { GatewayHotPath1768300000000 } from './migrations/1768300000000-gateway-hot-path';
import { WebhookIntake1768500000000 } from './migrations/1768500000000-webhook-intake';

export const SCHEMA = 'gateway';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  GatewayTables1764202000000,
  Webhooks1764210000000,
  WebhookTrace1764210100000,
  GatewayAdmission1764500000000,
  WebhookOps1766500000000,
  WebhookResendInFlight1767100000000,
  GatewayHotPath1768300000000,
  WebhookIntake1768500000000,
];
export const entities = [];
