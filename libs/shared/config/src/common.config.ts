import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { Sensitive } from './load-config';

/** The HTTP listener of a service. */
export class HttpConfig {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  /** the largest accepted request body, in bytes */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = 64 * 1024;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * on SIGTERM, how long requests in flight may still run before their connections are closed;
   * keep it below the orchestrator's grace period (Kubernetes: terminationGracePeriodSeconds)
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_DRAIN_MS = 20_000;
}

/** The service's own PostgreSQL schema, reached with its non-owner role. */
export class DatabaseConfig {
  @Sensitive()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = '';

  @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = '';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  DATABASE_POOL_SIZE = 10;

  /**
   * a pooled connection idle this long is closed, down to DATABASE_POOL_MIN (0: never). A new one
   * is a new PostgreSQL backend whose first statements load the catalog of every table and
   * partition they touch (tens to hundreds of ms of CPU): keep it longer than the gaps between the
   * bursts of a busy period. It never raises the connections held: at most DATABASE_POOL_SIZE.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  DATABASE_POOL_IDLE_TIMEOUT_MS = 300_000;

  /** pooled connections kept open however long they are idle (at most DATABASE_POOL_SIZE) */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  DATABASE_POOL_MIN = 2;
}

/** Kafka brokers and the messaging guarantees' knobs. */
export class KafkaConfig {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS = '';

  /** consumer groups are `<prefix>.<service>`; a separate prefix gives a separate set of groups */
  @Matches(/^[a-z0-9-]+$/, { message: 'KAFKA_GROUP_PREFIX must be lower-case letters, digits and dashes' })
  KAFKA_GROUP_PREFIX = 'countypay';

  /** poll interval of the outbox relay when idle */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  OUTBOX_POLL_MS = 250;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_BATCH_SIZE = 100;

  /** attempts of a consumer handler before the message goes to the dead-letter topic */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  CONSUMER_MAX_ATTEMPTS = 5;

  /** first retry delay; doubles per attempt */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  CONSUMER_BACKOFF_MS = 200;

  /** a busy consumer commits its Kafka offsets at most this often (and on stop); 0 commits after every batch */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5_000)
  CONSUMER_COMMIT_INTERVAL_MS = 1000;

  /** after a small batch a consumer waits this long before its next fetch, so events gather; 0 fetches at once */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(200)
  CONSUMER_LINGER_MS = 50;
}
