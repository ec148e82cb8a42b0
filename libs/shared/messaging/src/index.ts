export { HEADER, DLQ_HEADER, REPLAY_HEADER, decodeHeaders, type MessageHeaders } from './headers';
export { createKafka, createProducer } from './kafka';
export { messagingTablesSql } from './messaging-tables';
export { addToOutbox, type OutboxAddOptions } from './outbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { IdempotentConsumer, on, type EventHandler, type IdempotentConsumerOptions, type Subscription } from './idempotent-consumer';
export { InvalidMessageError, parseEnvelope } from './parse-envelope';
export { deadLetter, readDeadLetters, replayDeadLetters, type DeadLetter } from './dead-letter';
export { silentLogger, type MessagingLogger } from './logger';
