import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ConfigError, DatabaseConfig, HttpConfig, KafkaConfig, loadConfig } from '@countypay/config';
import { traceKeepAnswer, type Logger } from '@countypay/observability';
import type { ClassConstructor } from 'class-transformer';
import type { NextFunction, Request, Response } from 'express';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { jsonBodyParsing } from './http/body-parsing';
import { HttpDrainOnShutdown } from './http/graceful-drain';
import { apiValidationPipe } from './http/validation';
import { LOGGER } from './tokens';
import { ServiceAuthConfig } from './auth/service-auth';

/** Express middleware that parses (and limits) request bodies, answering bad ones in the API's error shape. */
export type BodyParsing = (limitBytes: number) => (req: Request, res: Response, next: NextFunction) => void;

export interface RunServiceOptions {
  service: string;
  module: unknown;
  /** the app's own config classes, validated before anything starts */
  configs?: ReadonlyArray<ClassConstructor<object>>;
  /** replaces the JSON body parsing (the gateway keeps the raw bytes its signatures cover) */
  bodyParsing?: BodyParsing;
}

/** Creates the Nest app with the platform's HTTP conventions (not listening yet). */
export async function createServiceApp(module: unknown, http: HttpConfig, opts: { bodyParsing?: BodyParsing } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  // first of the chain: the graceful drain tracks the requests in flight
  app.use(app.get(HttpDrainOnShutdown).drain.track);
  applyHttpConventions(app, {
    logger: app.get<Logger>(LOGGER),
    bodyLimitBytes: http.HTTP_BODY_LIMIT_BYTES,
    ...(opts.bodyParsing ? { bodyParsing: opts.bodyParsing } : {}),
  });
  // SIGTERM/SIGINT: drain HTTP (HttpDrainOnShutdown), then the shutdown hooks stop the consumer
  // after its current message commits, the outbox relay, the producer and the database pool;
  // then exit 0 (Nest's default re-raises the signal, which an orchestrator reports as a failure)
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  return app;
}

/**
 * The HTTP conventions every service app has — in production and in the integration tests'
 * TestPlatform alike: body parsing with its limit and error shapes, the one error filter, the
 * one validation pipe.
 */
export function applyHttpConventions(app: INestApplication, opts: { logger: Logger; bodyLimitBytes: number; bodyParsing?: BodyParsing }): void {
  (app.getHttpAdapter().getInstance() as { disable?: (setting: string) => void }).disable?.('x-powered-by');
  app.use(traceKeepAnswer);
  app.use((opts.bodyParsing ?? jsonBodyParsing)(opts.bodyLimitBytes));
  app.useGlobalFilters(new ApiExceptionFilter(opts.logger));
  app.useGlobalPipes(apiValidationPipe());
}

/**
 * Starts a service: validates all its config first (a bad value stops the process with a
 * message naming the variable), then builds and starts the Nest app.
 */
export async function runService(opts: RunServiceOptions): Promise<NestExpressApplication> {
  const problems: string[] = [];
  for (const cls of [HttpConfig, DatabaseConfig, KafkaConfig, ServiceAuthConfig, ...(opts.configs ?? [])]) {
    try {
      loadConfig(cls);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`${opts.service}: refusing to start: invalid configuration:\n  - ${problems.join('\n  - ')}\n`);
    process.exit(78); // EX_CONFIG
  }
  const http = loadConfig(HttpConfig);
  try {
    const app = await createServiceApp(opts.module, http, { bodyParsing: opts.bodyParsing });
    await app.listen(http.PORT, http.HOST);
    // keep idle connections open longer than clients keep them (undici: 4 s), so a client never
    // reuses a socket the server is closing at that moment ("other side closed")
    const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    app.get<Logger>(LOGGER).info({ port: http.PORT, host: http.HOST }, `${opts.service} listening`);
    return app;
  } catch (e) {
    process.stderr.write(`${opts.service}: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
