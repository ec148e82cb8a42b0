export { HEADER, DLQ_HEADER, REPLAY_HEADER, decodeHeaders, type MessageHeaders } from './headers';
export { createKafka, createProducer } from './kafka';
export { messagingTablesSql, outboxNotifySeqSql, outboxNotifySql } from './messaging-tables';
export { addToOutbox, outboxRow, OUTBOX_ROW_COLUMNS, type OutboxAddOptions, type OutboxRow } from './outbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export {
  IdempotentConsumer,
  on,
  type BatchWriter,
  type EventHandler,
  type IdempotentConsumerOptions,
  type PreparedEvent,
  type Subscription,
} from './idempotent-consumer';
export { InvalidMessageError, parseEnvelope } from './parse-envelope';
export { deadLetter, readDeadLetters, replayDeadLetters, type DeadLetter } from './dead-letter';
export { silentLogger, type MessagingLogger } from './logger';
export { PollingLoop, type PollingLoopOptions } from './polling-loop';
