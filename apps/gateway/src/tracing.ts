// Loaded first by main.ts: OpenTelemetry must patch http, express, pg and kafkajs before they load.
import { startTracing, tracingOptionsFromEnv } from '@countypay/observability';
import { currentTenantId } from '@countypay/tenancy';

export const tracing = startTracing({ ...tracingOptionsFromEnv('gateway', process.env), getTenantId: currentTenantId });
