import 'reflect-metadata';

export { createServiceApp, runService, type BodyParsing, type RunServiceOptions } from './bootstrap';
export { requestIdOf } from './http/request-id';
export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
export { platformTablesSql } from './platform-tables';
export { ApiExceptionFilter, sendError } from './http/api-exception.filter';
export { apiValidationPipe } from './http/validation';
export { ProbeService } from './probe/probe.service';
export { KAFKA, LOGGER, METRICS, PRODUCER, SERVICE_NAME, SUBSCRIPTIONS } from './tokens';
export { PlatformTables1764201600000 } from './platform-tables.migration';
