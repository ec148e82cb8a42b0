import 'reflect-metadata';

export { applyHttpConventions, createServiceApp, runService, type BodyParsing, type RunServiceOptions } from './bootstrap';
export { requestIdOf } from './http/request-id';
export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
export { platformTablesSql } from './platform-tables';
export { ApiExceptionFilter, RETRY_AFTER_OUTAGE_SECONDS, sendError } from './http/api-exception.filter';
export { apiValidationPipe } from './http/validation';
export { ProbeService } from './probe/probe.service';
export { KAFKA, LOGGER, METRICS, PRODUCER, SERVICE_NAME, SUBSCRIPTIONS } from './tokens';
export { OutboxNotify1764500100000, OutboxNotifySeq1768200000000, PLATFORM_MIGRATIONS, PlatformTables1764201600000 } from './platform-tables.migration';
export {
  ACTOR_HEADER_NAMES,
  ACTOR_HEADERS,
  ACTOR_TYPES,
  actorAppId,
  actorFromHeaders,
  actorHeaders,
  actorSeesTenant,
  actorTenant,
  appActorOf,
  auditActor,
  type Actor,
  type ActorType,
  type AppActor,
  type CountyActor,
  type ProvinceActor,
} from './auth/actor';
export {
  ACCESS_METADATA,
  AccessGuard,
  Auth,
  Authenticated,
  InternalRoute,
  PlatformRoute,
  PublicRoute,
  RequestId,
  routeAccess,
  type AuthenticatedOptions,
  type RouteAccess,
} from './auth/access';
export { assertedActor, ServiceAuth, ServiceAuthConfig } from './auth/service-auth';
export {
  API_OPERATION_METADATA,
  ApiOperation,
  ApiSchema,
  appIdParam,
  IdParam,
  Nullable,
  nullableSchema,
  tenantParam,
  uuidParam,
  type ApiOperationOptions,
} from './api/api-operation';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery, pageRequest } from './api/page-query.dto';
export { CreditQuote, ScheduleLineView } from './api/credit-quote.dto';
export {
  controllersOf,
  describeClasses,
  describeServices,
  normalise as normaliseSchema,
  type DescribedApi,
  type DescribedOperation,
  type DescribedParameter,
  type HttpMethod,
  type JsonSchema,
  type ServiceApi,
} from './api/openapi-generator';
export { jsonBodyParsing, type JsonBodyOptions } from './http/body-parsing';
export { MAX_JSON_DEPTH, parseJsonBody, type BodyProblem } from './http/json-body';
export { NoBodyGuard } from './http/no-body.guard';
