// Integration tests run against the real PostgreSQL and Kafka of deploy/local (started here
// when they are not running yet) in their own database, countypay_test.
import { infraUp } from '../../deploy/local/infra.mjs';

export default async function setup() {
  const info = await infraUp({ database: process.env.COUNTYPAY_TEST_DB_NAME ?? 'countypay_test' });
  process.env.COUNTYPAY_TEST_ADMIN_URL = info.adminUrl;
  process.env.COUNTYPAY_TEST_KAFKA_BROKERS = info.kafkaBrokers;
}
