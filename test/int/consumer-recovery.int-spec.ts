// Issue 12, found by the chaos suite (npm run test:chaos): a service restarted after kill -9 did not
// listen for 30 s — its start waited for the consumer group, which waited for the dead instance's
// 30 s session. Now the group's session is 6 s and services join it in the background.
import { randomUUID } from 'node:crypto';
import { Socket, createConnection, createServer } from 'node:net';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { IsString, IsUUID } from 'class-validator';
import type { EventDefinition } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { createTestSchema, createTestTopic, eventually, testInfra, testKafka, type TestSchema } from '@countypay/testing';
import { addToOutbox, createKafka, createProducer, IdempotentConsumer, messagingTablesSql, on, OutboxRelay } from '@countypay/messaging';

class Pinged {
  @IsUUID()
  pingId!: string;

  @IsString()
  label!: string;
}

const TENANT = 't510121';
const pingEvent = (topic: string): EventDefinition<Pinged> => ({ topic, type: 'ping.happened', version: 1, dataClass: Pinged, key: (d) => d.pingId });

/** A Kafka client whose connections can all be cut at once, as when its process is killed: no LeaveGroup, no heartbeat. */
function killableKafka(): { kafka: Kafka; kill: () => void } {
  const sockets = new Set<Socket>();
  let dead = false;
  const kafka = new Kafka({
    clientId: 'countypay-it-doomed',
    brokers: testInfra().brokers.split(','),
    logLevel: logLevel.NOTHING,
    socketFactory: ({ host, port, onConnect }) => {
      const s = new Socket();
      if (dead) {
        setImmediate(() => s.destroy(new Error('the process is dead')));
        return s;
      }
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.connect({ host, port }, onConnect);
      return s;
    },
  });
  return {
    kafka,
    kill: () => {
      dead = true;
      for (const s of sockets) s.destroy();
    },
  };
}

/** A Kafka client whose process can be paused (SIGSTOP): nothing read, nothing sent, until it thaws. */
function freezableKafka(): { kafka: Kafka; freeze: () => void; thaw: () => void } {
  const sockets = new Set<{ s: Socket; held: Array<() => void> }>();
  let frozen = false;
  const kafka = new Kafka({
    clientId: 'countypay-it-paused',
    brokers: testInfra().brokers.split(','),
    logLevel: logLevel.NOTHING,
    socketFactory: ({ host, port, onConnect }) => {
      const s = new Socket();
      const entry = { s, held: [] as Array<() => void> };
      const write = s.write.bind(s) as (...a: unknown[]) => boolean;
      s.write = ((...args: unknown[]) => {
        if (!frozen) return write(...args);
        entry.held.push(() => write(...args));
        return true;
      }) as typeof s.write;
      sockets.add(entry);
      s.on('close', () => sockets.delete(entry));
      s.connect({ host, port }, onConnect);
      return s;
    },
  });
  return {
    kafka,
    freeze: () => {
      frozen = true;
      for (const { s } of sockets) s.pause();
    },
    thaw: () => {
      frozen = false;
      for (const e of sockets) {
        for (const w of e.held.splice(0)) w();
        e.s.resume();
      }
    },
  };
}

describe('a consumer group after an instance dies (real Kafka + PostgreSQL)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let producer: Producer;

  beforeAll(async () => {
    db = await createTestSchema('recover', [...messagingTablesSql(), `create table pings (event_id uuid primary key, label text not null)`]);
    ds = await db.appDataSource();
    producer = createProducer(testKafka());
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  it('a restarted instance starts at once and takes over within the 6 s session of the dead one', async () => {
    const topic = await createTestTopic(testKafka(), 'recover', 3);
    const ev = pingEvent(topic);
    const group = `it-recover-${randomUUID()}`;
    const seen: string[] = [];
    const subscriptions = [
      on(ev, async (e, em) => {
        await em.query('insert into pings (event_id, label) values ($1, $2)', [e.id, e.data.label]);
        seen.push(e.data.label);
      }),
    ];
    const doomed = killableKafka();
    const first = new IdempotentConsumer(doomed.kafka, ds, producer, { name: group, subscriptions, maxAttempts: 3, backoffMs: 10 });
    await first.start();
    doomed.kill(); // kill -9: the group still counts it a member until its session runs out

    const restarted = new IdempotentConsumer(testKafka(), ds, producer, { name: group, subscriptions, maxAttempts: 3, backoffMs: 10 });
    const t0 = Date.now();
    restarted.startInBackground();
    // the service's start does not wait for the group: it listens at once
    expect(Date.now() - t0).toBeLessThan(100);
    try {
      await Promise.race([restarted.started, new Promise((r) => setTimeout(r, 20_000))]);
      const joinedS = (Date.now() - t0) / 1000;
      // the dead member's session (6 s) plus a rebalance; with the former 30 s session this took > 30 s
      expect(joinedS).toBeLessThan(15);

      const label = `after-${joinedS.toFixed(1)}s`;
      await inTenantTransaction(ds, TENANT, (em) => addToOutbox(em, ev, Object.assign(new Pinged(), { pingId: randomUUID(), label }), { tenantId: TENANT }));
      await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
      await eventually(async () => (seen.includes(label) ? true : undefined), 'the restarted instance to consume', 15_000);
    } finally {
      const bounded = (p: Promise<unknown>): Promise<unknown> => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
      await bounded(first.stop()); // its connections are dead: it cannot leave, only stop trying
      await bounded(restarted.stop());
    }
  }, 60_000);

  it('a consumer paused past its session (SIGSTOP) rejoins the group when it resumes, instead of dying', async () => {
    const topic = await createTestTopic(testKafka(), 'paused', 1);
    const ev = pingEvent(topic);
    const seen: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let entered: () => void = () => {};
    const inSlowHandler = new Promise<void>((r) => (entered = r));
    const paused = freezableKafka();
    const consumer = new IdempotentConsumer(paused.kafka, ds, producer, {
      name: `it-paused-${randomUUID()}`,
      subscriptions: [
        on(ev, async (e, em) => {
          if (e.data.label === 'slow' && !seen.includes('slow-entered')) {
            seen.push('slow-entered');
            entered();
            await gate;
          }
          await em.query('insert into pings (event_id, label) values ($1, $2) on conflict do nothing', [e.id, e.data.label]);
          seen.push(e.data.label);
        }),
      ],
      maxAttempts: 3,
      backoffMs: 10,
    });
    const publish = async (label: string): Promise<void> => {
      await inTenantTransaction(ds, TENANT, (em) => addToOutbox(em, ev, Object.assign(new Pinged(), { pingId: randomUUID(), label }), { tenantId: TENANT }));
      await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
    };
    await consumer.start();
    try {
      await publish('slow');
      await inSlowHandler;
      paused.freeze(); // the process stops mid-event: no heartbeat; the group evicts it after 6 s
      await new Promise((r) => setTimeout(r, 9000));
      paused.thaw();
      release(); // its offset commit is refused (unknown member): kafkajs gives up on this consumer
      await publish('after');
      await eventually(async () => (seen.includes('after') ? true : undefined), 'an event after the resume', 40_000);
      expect(seen.filter((l) => l === 'slow').length).toBeGreaterThanOrEqual(1);
      const rows = await db.admin((c) => c.query(`select label, count(*)::int n from pings where label in ('slow', 'after') group by label order by label`));
      expect(rows.rows).toEqual([
        { label: 'after', n: 1 },
        { label: 'slow', n: 1 },
      ]);
    } finally {
      await consumer.stop();
    }
  }, 90_000);

  it('a client reconnects within a second of the broker coming back (the retry backoff is capped at 1 s)', async () => {
    // the broker behind a loopback port that stays closed for 4 s, as during a broker restart
    const [host, port] = testInfra().brokers.split(',')[0]!.split(':');
    const proxy = createServer((a) => {
      const b = createConnection({ host, port: Number(port) });
      a.pipe(b).pipe(a);
      a.on('error', () => b.destroy());
      b.on('error', () => a.destroy());
    });
    const probe = createServer();
    const free = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    const admin = createKafka({ brokers: `127.0.0.1:${free}`, clientId: 'countypay-it-retry' }).admin();
    const t0 = Date.now();
    const connected = admin.connect().then(() => Date.now() - t0);
    await new Promise((r) => setTimeout(r, 4000));
    await new Promise<void>((r) => proxy.listen(free, '127.0.0.1', () => r()));
    try {
      const ms = await connected;
      // attempts at most ~1 s apart: connected by ~5 s (doubling without a cap: 0.2+0.4+0.8+1.6+3.2 ≈ 6.2 s)
      expect(ms).toBeGreaterThanOrEqual(4000);
      expect(ms).toBeLessThan(5600);
    } finally {
      await admin.disconnect().catch(() => undefined);
      proxy.close();
    }
  }, 30_000);

  it('an event whose database is down waits for it instead of going to the dead-letter topic (found by the chaos PostgreSQL restart)', async () => {
    const topic = await createTestTopic(testKafka(), 'dbdown', 1);
    const ev = pingEvent(topic);
    const outcomes: string[] = [];
    let outage = 6; // more failed tries than maxAttempts (3)
    const consumer = new IdempotentConsumer(testKafka(), ds, producer, {
      name: `it-dbdown-${randomUUID()}`,
      subscriptions: [
        on(ev, async (e, em) => {
          if (outage-- > 0) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
          await em.query('insert into pings (event_id, label) values ($1, $2)', [e.id, e.data.label]);
        }),
      ],
      maxAttempts: 3,
      backoffMs: 10,
      onOutcome: (o) => outcomes.push(o),
    });
    const envelope = await inTenantTransaction(ds, TENANT, (em) =>
      addToOutbox(em, ev, Object.assign(new Pinged(), { pingId: randomUUID(), label: 'through-the-outage' }), { tenantId: TENANT }),
    );
    await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
    await consumer.start();
    try {
      await eventually(async () => (outcomes.includes('processed') || outcomes.includes('dead_lettered') ? true : undefined), 'the event', 30_000);
    } finally {
      await consumer.stop();
    }
    expect(outcomes).not.toContain('dead_lettered');
    const rows = await db.admin((c) => c.query('select label from pings where event_id = $1', [envelope.id]));
    expect(rows.rows).toEqual([{ label: 'through-the-outage' }]);
  }, 60_000);

  it('a background start keeps trying while Kafka does not answer and ends on stop', async () => {
    const nowhere = new Kafka({ clientId: 'countypay-it-nowhere', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const ev = pingEvent('it.nowhere');
    const consumer = new IdempotentConsumer(nowhere, ds, producer, {
      name: `it-nowhere-${randomUUID()}`,
      subscriptions: [on(ev, async () => {})],
      maxAttempts: 1,
      backoffMs: 1,
    });
    const t0 = Date.now();
    consumer.startInBackground();
    expect(Date.now() - t0).toBeLessThan(100);
    let settled = false;
    void consumer.started.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 2500));
    expect(settled).toBe(false); // still trying, the service meanwhile serves
    await consumer.stop();
    await consumer.started;
  }, 30_000);
});
