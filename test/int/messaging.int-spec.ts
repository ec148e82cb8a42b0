import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { IsString, IsUUID } from 'class-validator';
import type { EventDefinition } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { collectTopic, createTestSchema, createTestTopic, eventually, testKafka, type TestSchema } from '@countypay/testing';
import {
  addToOutbox,
  createProducer,
  IdempotentConsumer,
  messagingTablesSql,
  on,
  OutboxRelay,
  outboxNotifySeqSql,
  readDeadLetters,
  replayDeadLetters,
} from '@countypay/messaging';

class ThingHappened {
  @IsUUID()
  thingId!: string;

  @IsString()
  label!: string;
}

const TENANT_A = 't510121';
const TENANT_B = 't511381';

function thingEvent(topic: string): EventDefinition<ThingHappened> {
  return { topic, type: 'thing.happened', version: 1, dataClass: ThingHappened, key: (d) => d.thingId };
}

const thing = (label: string): ThingHappened => Object.assign(new ThingHappened(), { thingId: randomUUID(), label });

describe('messaging: outbox, relay, idempotent consumer, dead letters (real PostgreSQL + Kafka)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    db = await createTestSchema('msg', [
      ...messagingTablesSql(),
      `create table effects (event_id uuid primary key, tenant_id text not null, label text not null)`,
    ]);
    ds = await db.appDataSource();
    kafka = testKafka();
    producer = createProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  it('never publishes an event whose transaction rolled back', async () => {
    const topic = await createTestTopic(kafka, 'rollback');
    const ev = thingEvent(topic);
    await expect(
      inTenantTransaction(ds, TENANT_A, async (em) => {
        await addToOutbox(em, ev, thing('rolled-back'), { tenantId: TENANT_A });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await inTenantTransaction(ds, TENANT_A, (em) => addToOutbox(em, ev, thing('committed'), { tenantId: TENANT_A }));

    const relay = new OutboxRelay(ds, producer, { batchSize: 50, pollMs: 50 });
    while ((await relay.publishBatch()) > 0);
    const seen = await collectTopic(kafka, topic);
    await eventually(async () => (seen.messages.length >= 1 ? true : undefined), 'the committed event');
    await new Promise((r) => setTimeout(r, 1000)); // would a second (rolled-back) one arrive?
    await seen.stop();
    expect(seen.messages.map((m) => JSON.parse(m.value).data.label)).toEqual(['committed']);
    expect(seen.messages[0].headers['tenant-id']).toBe(TENANT_A);
    expect(seen.messages[0].headers['event-type']).toBe('thing.happened.v1');
  });

  it('two relays running at once publish each outbox row exactly once', async () => {
    const topic = await createTestTopic(kafka, 'relays', 6);
    const ev = thingEvent(topic);
    const N = 400;
    for (const tenant of [TENANT_A, TENANT_B]) {
      await inTenantTransaction(ds, tenant, async (em) => {
        for (let i = 0; i < N / 2; i++) await addToOutbox(em, ev, thing(`${tenant}-${i}`), { tenantId: tenant });
      });
    }
    const ds2 = await db.appDataSource();
    const producer2 = createProducer(kafka);
    await producer2.connect();
    const relays = [new OutboxRelay(ds, producer, { batchSize: 25, pollMs: 10 }), new OutboxRelay(ds2, producer2, { batchSize: 25, pollMs: 10 })];
    const counts = await Promise.all(
      relays.map(async (r) => {
        let total = 0;
        for (let n = await r.publishBatch(); n > 0; n = await r.publishBatch()) total += n;
        return total;
      }),
    );
    await producer2.disconnect();
    expect(counts[0] + counts[1]).toBe(N);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);

    const seen = await collectTopic(kafka, topic);
    await eventually(async () => (seen.messages.length >= N ? true : undefined), `${N} messages`);
    await new Promise((r) => setTimeout(r, 1000));
    await seen.stop();
    const ids = seen.messages.map((m) => m.headers['event-id']);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    const unpublished = await db.admin((c) => c.query(`select count(*)::int as n from outbox where topic = $1 and published_at is null`, [topic]));
    expect(unpublished.rows[0].n).toBe(0);
  });

  it('a consumer that dies after its commit but before the offset commit gets the event again and applies it once', async () => {
    const topic = await createTestTopic(kafka, 'crash', 1);
    const ev = thingEvent(topic);
    const outcomes: string[] = [];
    let crashed = false;
    const consumer = new IdempotentConsumer(kafka, ds, producer, {
      name: `it-crash-${randomUUID()}`,
      subscriptions: [
        on(ev, async (e, em) => {
          await em.query('insert into effects (event_id, tenant_id, label) values ($1, $2, $3)', [e.id, e.tenantId, e.data.label]);
        }),
      ],
      maxAttempts: 3,
      backoffMs: 10,
      afterCommit: async () => {
        if (!crashed) {
          crashed = true;
          throw new Error('simulated crash after the database commit, before the offset commit');
        }
      },
      onOutcome: (o) => outcomes.push(o),
    });
    const envelope = await inTenantTransaction(ds, TENANT_B, (em) => addToOutbox(em, ev, thing('once'), { tenantId: TENANT_B }));
    await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
    await consumer.start();
    try {
      await eventually(async () => (outcomes.includes('duplicate') ? true : undefined), 'the redelivery', 60_000);
    } finally {
      await consumer.stop();
    }
    expect(crashed).toBe(true);
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
    const rows = await db.admin((c) => c.query('select tenant_id, label from effects where event_id = $1', [envelope.id]));
    expect(rows.rows).toEqual([{ tenant_id: TENANT_B, label: 'once' }]);
  });

  it('sends a poison message to the dead-letter topic after the configured attempts, and the replay puts it back', async () => {
    const topic = await createTestTopic(kafka, 'poison', 1);
    const ev = thingEvent(topic);
    let healthy = false;
    let calls = 0;
    const consumer = new IdempotentConsumer(kafka, ds, producer, {
      name: `it-poison-${randomUUID()}`,
      subscriptions: [
        on(ev, async (e, em) => {
          calls++;
          if (!healthy) throw new Error('downstream rejected label for 张三 13812345678');
          await em.query('insert into effects (event_id, tenant_id, label) values ($1, $2, $3)', [e.id, e.tenantId, e.data.label]);
        }),
      ],
      maxAttempts: 3,
      backoffMs: 20,
    });
    const envelope = await inTenantTransaction(ds, TENANT_A, (em) => addToOutbox(em, ev, thing('poison'), { tenantId: TENANT_A }));
    await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
    await consumer.start();
    try {
      const letters = await eventually(async () => {
        const l = await readDeadLetters(kafka, topic);
        return l.length > 0 ? l : undefined;
      }, 'the dead letter');
      expect(calls).toBe(3);
      expect(letters).toHaveLength(1);
      const [l] = letters;
      expect(l.eventId).toBe(envelope.id);
      expect(l.tenantId).toBe(TENANT_A);
      expect(l.originalTopic).toBe(topic);
      expect(l.attempts).toBe(3);
      expect(l.errorCode).toBe('handler_failed');
      expect(l.errorMessage).toContain('downstream rejected');
      expect(l.errorMessage).not.toContain('13812345678');
      expect(l.headers['event-type']).toBe('thing.happened.v1');

      healthy = true;
      expect(await replayDeadLetters(producer, letters)).toBe(1);
      const row = await eventually(async () => {
        const r = await db.admin((c) => c.query('select label from effects where event_id = $1', [envelope.id]));
        return r.rows[0];
      }, 'the replayed event applied');
      expect(row).toEqual({ label: 'poison' });
      expect(calls).toBe(4);
    } finally {
      await consumer.stop();
    }
  });

  it('commits a batch of events of several tenants together, once each, and isolates the one poison event of a batch', async () => {
    const topic = await createTestTopic(kafka, 'batch', 1);
    const ev = thingEvent(topic);
    const N = 120;
    // all published before the consumer starts, so they arrive as batches of one partition
    await inTenantTransaction(ds, TENANT_A, async (em) => {
      for (let i = 0; i < N / 2; i++) await addToOutbox(em, ev, thing(i === 17 ? 'poison' : `a-${i}`), { tenantId: TENANT_A });
    });
    await inTenantTransaction(ds, TENANT_B, async (em) => {
      for (let i = 0; i < N / 2; i++) await addToOutbox(em, ev, thing(`b-${i}`), { tenantId: TENANT_B });
    });
    const relay = new OutboxRelay(ds, producer, { batchSize: 200, pollMs: 10 });
    while ((await relay.publishBatch()) > 0);
    const seenTenants: string[] = [];
    const consumer = new IdempotentConsumer(kafka, ds, producer, {
      name: `it-batch-${randomUUID()}`,
      subscriptions: [
        on(ev, async (e, em) => {
          if (e.data.label === 'poison') throw new Error('this one always fails');
          seenTenants.push(e.tenantId);
          // row-level security scopes each event to its own tenant inside the shared transaction
          await em.query('insert into effects (event_id, tenant_id, label) values ($1, $2, $3)', [e.id, e.tenantId, e.data.label]);
        }),
      ],
      maxAttempts: 2,
      backoffMs: 10,
    });
    await consumer.start();
    try {
      const rows = await eventually(
        async () => {
          const r = await db.adminQuery<{ tenant_id: string; n: string }>(
            `select tenant_id, count(*)::text as n from effects where label like 'a-%' or label like 'b-%' group by tenant_id order by tenant_id`,
          );
          return r.reduce((sum, x) => sum + Number(x.n), 0) === N - 1 ? r : undefined;
        },
        `${N - 1} effects`,
      );
      expect(rows).toEqual([
        { tenant_id: TENANT_A, n: String(N / 2 - 1) },
        { tenant_id: TENANT_B, n: String(N / 2) },
      ]);
      const letters = await eventually(async () => {
        const l = await readDeadLetters(kafka, topic);
        return l.length > 0 ? l : undefined;
      }, 'the poison event dead-lettered');
      expect(letters.map((l) => l.errorMessage)).toEqual([expect.stringContaining('always fails')]);
      const inbox = await db.adminQuery<{ n: string; transactions: string }>(
        `select count(*)::text as n, count(distinct processed_at)::text as transactions from inbox where consumer like 'it-batch-%'`,
      );
      expect(inbox[0]!.n).toBe(String(N - 1));
      // now() is the transaction's time: events committed together share it — far fewer transactions than events
      expect(Number(inbox[0]!.transactions)).toBeLessThan(N / 2);
    } finally {
      await consumer.stop();
    }
  });

  it('runs every subscription of a topic in the event’s one transaction', async () => {
    const topic = await createTestTopic(kafka, 'two-subs', 1);
    const ev = thingEvent(topic);
    const seen: string[] = [];
    const consumer = new IdempotentConsumer(kafka, ds, producer, {
      name: `it-two-${randomUUID()}`,
      subscriptions: [
        on(ev, async (e, em) => {
          seen.push('registry');
          await em.query('insert into effects (event_id, tenant_id, label) values ($1, $2, $3)', [e.id, e.tenantId, e.data.label]);
        }),
        on(ev, async () => void seen.push('webhooks')),
      ],
      maxAttempts: 2,
      backoffMs: 10,
    });
    const envelope = await inTenantTransaction(ds, TENANT_A, (em) => addToOutbox(em, ev, thing('both'), { tenantId: TENANT_A }));
    await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
    await consumer.start();
    try {
      await eventually(async () => (seen.length >= 2 ? true : undefined), 'both handlers');
    } finally {
      await consumer.stop();
    }
    expect(seen).toEqual(['registry', 'webhooks']);
    const rows = await db.admin((c) => c.query('select label from effects where event_id = $1', [envelope.id]));
    expect(rows.rows).toEqual([{ label: 'both' }]);
  });

  it('commits offsets once per interval, not per batch, and what is pending when it stops: a restarted consumer gets nothing again', async () => {
    const topic = await createTestTopic(kafka, 'commits', 1);
    const ev = thingEvent(topic);
    const group = `it-commits-${randomUUID()}`;
    const outcomes: string[] = [];
    const make = (): IdempotentConsumer =>
      new IdempotentConsumer(kafka, ds, producer, {
        name: group,
        subscriptions: [
          on(
            ev,
            async (e, em) => void (await em.query('insert into effects (event_id, tenant_id, label) values ($1, $2, $3)', [e.id, e.tenantId, e.data.label])),
          ),
        ],
        maxAttempts: 3,
        backoffMs: 10,
        commitIntervalMs: 60_000,
        onOutcome: (o) => outcomes.push(o),
      });
    const committed = async (): Promise<string | undefined> => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return t?.partitions.find((p) => p.partition === 0)?.offset;
      } finally {
        await admin.disconnect();
      }
    };
    const consumer = make();
    await consumer.start();
    try {
      // three batches, one at a time: before, each was an OffsetCommit of its own
      for (const label of ['c1', 'c2', 'c3']) {
        await inTenantTransaction(ds, TENANT_A, (em) => addToOutbox(em, ev, thing(label), { tenantId: TENANT_A }));
        await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
        await eventually(async () => (outcomes.length >= ['c1', 'c2', 'c3'].indexOf(label) + 1 ? true : undefined), `event ${label}`);
      }
      expect(outcomes).toEqual(['processed', 'processed', 'processed']);
      // the database has them; Kafka does not yet (the interval has not passed)
      expect(await committed()).toBe('-1');
    } finally {
      await consumer.stop();
    }
    expect(await committed()).toBe('3');
    const again = make();
    await again.start();
    try {
      await inTenantTransaction(ds, TENANT_A, (em) => addToOutbox(em, ev, thing('c4'), { tenantId: TENANT_A }));
      await new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 10 }).publishBatch();
      await eventually(async () => (outcomes.length >= 4 ? true : undefined), 'event c4');
    } finally {
      await again.stop();
    }
    // the restarted member started after the three committed events: no redelivery, no duplicate
    expect(outcomes).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(await committed()).toBe('4');
  });

  it('dead-letters an invalid message at once without calling the handler', async () => {
    const topic = await createTestTopic(kafka, 'invalid', 1);
    let calls = 0;
    const consumer = new IdempotentConsumer(kafka, ds, producer, {
      name: `it-invalid-${randomUUID()}`,
      subscriptions: [on(thingEvent(topic), async () => void calls++)],
      maxAttempts: 3,
      backoffMs: 10,
    });
    await producer.send({ topic, messages: [{ key: 'k', value: '{"id":"not-a-uuid"}', headers: { 'tenant-id': TENANT_A } }] });
    await consumer.start();
    try {
      const letters = await eventually(async () => {
        const l = await readDeadLetters(kafka, topic);
        return l.length > 0 ? l : undefined;
      }, 'the dead letter');
      expect(letters[0].errorCode).toBe('invalid_envelope');
      expect(letters[0].attempts).toBe(0);
      expect(calls).toBe(0);
    } finally {
      await consumer.stop();
    }
  });
});

describe('outbox relay: where a listening relay claims from (real PostgreSQL + Kafka)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    db = await createTestSchema('relayfloor', [...messagingTablesSql(), ...outboxNotifySeqSql()]);
    ds = await db.appDataSource();
    kafka = testKafka();
    producer = createProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  it('publishes a row committed after a higher seq was published: its notification names its seq (no wait for the safety-net full scan)', async () => {
    const topic = await createTestTopic(kafka, 'floor', 1);
    const ev = thingEvent(topic);
    const seen = await collectTopic(kafka, topic);
    const labels = (): string[] => seen.messages.map((m) => JSON.parse(m.value).data.label);
    // the safety net (a full scan) only every 10 minutes: whatever is published below came by the floor and its notifications
    const relay = new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 600_000, listeningPollMs: 600_000 });
    relay.start();
    try {
      await inTenantTransaction(ds, TENANT_A, (em) => addToOutbox(em, ev, thing('first'), { tenantId: TENANT_A }));
      await eventually(async () => (labels().includes('first') ? true : undefined), 'the first event');

      // a slow transaction takes the lower seq, a fast one the higher and commits first
      const slow = ds.createQueryRunner();
      await slow.connect();
      await slow.startTransaction();
      await slow.query(`select set_config('app.tenant_id', $1, true)`, [TENANT_A]);
      await addToOutbox(slow.manager, ev, thing('slow'), { tenantId: TENANT_A });
      await addToOutbox(slow.manager, ev, thing('slow-2'), { tenantId: TENANT_A });
      await inTenantTransaction(ds, TENANT_B, (em) => addToOutbox(em, ev, thing('fast'), { tenantId: TENANT_B }));
      await eventually(async () => (labels().includes('fast') ? true : undefined), 'the fast event');
      // the fast row (the highest seq) is published and marked while the slow ones below it wait for their commit
      const rows = async (): Promise<string> =>
        (
          await db.admin((c) =>
            c.query(`select payload->'data'->>'label' as label, published_at is not null as published from outbox where topic = $1 order by seq`, [topic]),
          )
        ).rows
          .map((r: { label: string; published: boolean }) => `${r.label}:${r.published}`)
          .join();
      await eventually(async () => ((await rows()) === 'first:true,fast:true' ? true : undefined), 'the fast row marked');
      expect(labels()).toEqual(['first', 'fast']);

      await slow.commitTransaction();
      await slow.release();
      await eventually(async () => (labels().includes('slow') && labels().includes('slow-2') ? true : undefined), 'the slow events', 10_000);
      // they were below the row published before them (what a floor at the highest seq claimed would skip without their notification)
      expect(await rows()).toBe('first:true,slow:true,slow-2:true,fast:true');
      // a rolled-back write is never published; a later one of the same transaction after a savepoint rolled back is
      await inTenantTransaction(ds, TENANT_A, async (em) => {
        await em.query('savepoint s');
        await addToOutbox(em, ev, thing('undone'), { tenantId: TENANT_A });
        await em.query('rollback to savepoint s');
        await addToOutbox(em, ev, thing('after-savepoint'), { tenantId: TENANT_A });
      });
      await eventually(async () => (labels().includes('after-savepoint') ? true : undefined), 'the event after the savepoint', 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(labels()).toEqual(['first', 'fast', 'slow', 'slow-2', 'after-savepoint']);
    } finally {
      await relay.stop();
      await seen.stop();
    }
  });

  it('with gatherMs, publishes the rows of the commits within that wait in ONE round, each once, in seq order', async () => {
    const topic = await createTestTopic(kafka, 'gather', 1);
    const ev = thingEvent(topic);
    const seen = await collectTopic(kafka, topic);
    const labels = (): string[] => seen.messages.map((m) => JSON.parse(m.value).data.label);
    const rounds: number[] = [];
    const relay = new OutboxRelay(ds, producer, {
      batchSize: 50,
      pollMs: 600_000,
      listeningPollMs: 600_000,
      gatherMs: 600,
      onPublished: (n) => rounds.push(n),
    });
    relay.start();
    try {
      // the start's round and the listener's connection (its reset wakes a round at once), done
      await new Promise((r) => setTimeout(r, 1500));
      await eventually(async () => ((await relay.publishBatch()) === 0 ? true : undefined), 'the outbox drained');
      rounds.length = 0;
      // five commits, 50 ms apart: the first notification starts the wait, the others come within it
      for (const label of ['g1', 'g2', 'g3', 'g4', 'g5']) {
        await inTenantTransaction(ds, label === 'g3' ? TENANT_B : TENANT_A, (em) =>
          addToOutbox(em, ev, thing(label), { tenantId: label === 'g3' ? TENANT_B : TENANT_A }),
        );
        await new Promise((r) => setTimeout(r, 50));
      }
      await eventually(async () => (labels().length >= 5 ? true : undefined), 'the five events', 10_000);
      await new Promise((r) => setTimeout(r, 700));
      expect(labels()).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
      expect(rounds).toEqual([5]);
    } finally {
      await relay.stop();
      await seen.stop();
    }
  });
});
