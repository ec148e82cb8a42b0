// Publishes N payment.succeeded events at once to a running platform's Kafka, so that settlement's
// consumer takes them in large batches (up to 100 events a partition): what the ledger posting costs
// per event in a big batch — the cost the throughput target needs at higher rates (issue 14,
// docs/perf/throughput.md "tpsettle2"). Counties drawn by a Zipf law (s 1.1, seeded, as the bench);
// each event a new order and merchant. Diff pg_stat_statements around it, divided by the entries posted.
// The orders are made up: the ledger and reconciliation read model get entries no payment has.
//   node tools/ledger-burst.mjs [n=2000]        (KAFKA_BROKERS, or 127.0.0.1:$COUNTYPAY_KAFKA_PORT, default 9092)
import './node24.mjs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './swc-config.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const { COUNTIES } = require(join(root, 'dist/libs/shared/contracts/src/index.js'));

const n = Number(process.argv[2] ?? 2000);
const brokers = process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.COUNTYPAY_KAFKA_PORT ?? 9092}`;
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
const weights = COUNTIES.map((_, i) => 1 / Math.pow(i + 1, 1.1));
const total = weights.reduce((a, b) => a + b, 0);
const county = () => {
  let r = rnd() * total;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) <= 0) return COUNTIES[i].tenantId;
  return COUNTIES[0].tenantId;
};
const channels = ['wechat', 'wechat', 'alipay', 'unionpay', 'county_bank'];

const producer = new Kafka({ brokers: brokers.split(','), clientId: 'ledger-burst', logLevel: logLevel.NOTHING }).producer();
await producer.connect();
const tenants = new Set();
const messages = Array.from({ length: n }, (_, i) => {
  const tenantId = county();
  tenants.add(tenantId);
  const id = randomUUID();
  const data = {
    orderId: randomUUID(),
    outTradeNo: `BURST${i}`,
    merchantId: randomUUID(),
    product: 'qr',
    channel: channels[i % channels.length],
    amountFen: 100 + Math.floor(rnd() * 100_000),
    currency: 'CNY',
    channelTradeNo: `B${Date.now()}${i}`,
    paidAt: new Date().toISOString(),
  };
  return {
    key: `${tenantId}:${data.orderId}`,
    value: JSON.stringify({ id, type: 'payment.succeeded', version: 1, tenantId, occurredAt: new Date().toISOString(), data }),
    headers: { 'tenant-id': tenantId, 'event-id': id, 'event-type': 'payment.succeeded.v1' },
  };
});
for (let i = 0; i < messages.length; i += 500) await producer.send({ topic: 'countypay.payment.succeeded.v1', acks: -1, messages: messages.slice(i, i + 500) });
await producer.disconnect();
console.log(`published ${n} payment.succeeded events over ${tenants.size} counties to ${brokers}`);
