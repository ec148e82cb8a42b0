import { Kafka, Partitioners, logLevel, type Producer, type LogEntry } from 'kafkajs';
import { fixKafkajsIdleLoop } from './kafkajs-idle-fix';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';

/** The clients' retry policy: 200 ms doubling, capped at 1 s, 30 retries. */
export const KAFKA_RETRY = { initialRetryTime: 200, maxRetryTime: 1000, retries: 30 } as const;

/** A kafkajs client whose own log lines go to the service logger. */
export function createKafka(opts: { brokers: string; clientId: string; logger?: MessagingLogger }): Kafka {
  fixKafkajsIdleLoop();
  const logger = opts.logger ?? silentLogger;
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers.split(','),
    logLevel: logLevel.WARN,
    // reconnects at most a second apart, for ~30 s: after a broker restart the clients are back within
    // a second of it (kafkajs' default backoff doubles to 30 s; chaos measured 52 s to recover)
    retry: KAFKA_RETRY,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        const entry = { component: 'kafkajs', ...rest };
        if (level <= logLevel.ERROR) logger.error(entry, message);
        else logger.warn(entry, message);
      },
  });
}

/** An idempotent producer (acks=all, no duplicates on the producer's own retries). */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}
