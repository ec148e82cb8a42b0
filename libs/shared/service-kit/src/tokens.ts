/** Injection tokens of the service kit. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const KAFKA = Symbol('KAFKA');
export const PRODUCER = Symbol('PRODUCER');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
/** a provider the app gives: the Kafka subscriptions of its one consumer group */
export const SUBSCRIPTIONS = Symbol('SUBSCRIPTIONS');
