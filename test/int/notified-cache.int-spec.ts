import type { DataSource } from 'typeorm';
import { createTestSchema, eventually, type TestSchema } from '@countypay/testing';
import { NotifiedCache, type NotifiedCacheOptions } from '@countypay/persistence';

/**
 * The in-memory copy every hot read of the platform uses (the gateway's app registry and webhook
 * endpoints, the onboarding read model of qr-payment and settlement): real PostgreSQL
 * notifications from a trigger, as the services' migrations create them.
 */
describe('NotifiedCache (real PostgreSQL LISTEN/NOTIFY)', () => {
  let db: TestSchema;
  let ds: DataSource;
  const caches: Array<NotifiedCache<unknown>> = [];

  beforeAll(async () => {
    db = await createTestSchema('ncache', [
      `create table things (k text primary key, grp text not null, v int not null)`,
      `create function things_notify() returns trigger language plpgsql as $$
       begin
         perform pg_notify('things_' || tg_table_schema, coalesce(new.k, old.k));
         return null;
       end $$`,
      `create trigger things_notify after insert or update or delete on things for each row execute function things_notify()`,
      `insert into things values ('a', 'g1', 1), ('b', 'g1', 2), ('c', 'g2', 3)`,
    ]);
    ds = await db.appDataSource();
  });

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.stop()));
  });

  afterAll(() => db.drop());

  type Thing = { k: string; grp: string; v: number };
  /** counts the database reads the cache makes */
  let reads = 0;
  const read =
    (k: string, q: { query: DataSource['query'] } = ds) =>
    async (): Promise<Thing | undefined> => {
      reads++;
      const rows = (await q.query(`select k, grp, v from things where k = $1`, [k])) as Thing[];
      return rows[0];
    };
  const cacheOf = (opts: Partial<NotifiedCacheOptions<Thing>> = {}): NotifiedCache<Thing> => {
    const c = new NotifiedCache<Thing>(ds, { channel: 'things', max: 100, ...opts });
    caches.push(c as NotifiedCache<unknown>);
    return c;
  };
  const set = (k: string, v: number): Promise<unknown> => db.adminQuery(`update things set v = $2 where k = $1`, [k, v]);

  beforeEach(() => {
    reads = 0;
  });

  it('serves nothing from memory before its listener is connected, then keeps what it read', async () => {
    const cache = cacheOf();
    expect(cache.serving).toBe(false);
    await cache.get('a', read('a'));
    await cache.get('a', read('a'));
    expect(reads).toBe(2);
    expect(cache.size).toBe(0);

    await cache.start();
    expect(cache.serving).toBe(true);
    expect(await cache.get('a', read('a'))).toMatchObject({ v: 1 });
    expect(await cache.get('a', read('a'))).toMatchObject({ v: 1 });
    expect(reads).toBe(3);
    // nothing found is not kept: asked again next time
    expect(await cache.get('zz', read('zz'))).toBeUndefined();
    expect(await cache.get('zz', read('zz'))).toBeUndefined();
    expect(reads).toBe(5);
  });

  it('drops a key the moment a committed change notifies it, and only that key', async () => {
    const cache = cacheOf();
    await cache.start();
    await cache.get('a', read('a'));
    await cache.get('b', read('b'));
    await set('a', 10);
    await eventually(async () => ((await cache.get('a', read('a')))!.v === 10 ? true : undefined), 'the change of a seen');
    const readsAfter = reads;
    expect(await cache.get('b', read('b'))).toMatchObject({ v: 2 });
    expect(reads).toBe(readsAfter);
  });

  it('a custom rule drops the entries a predicate selects, or everything for a payload it does not understand', async () => {
    const cache = cacheOf({ drops: (p) => (p.startsWith('grp:') ? (_k, t) => t.grp === p.slice(4) : 'all') });
    await cache.start();
    for (const k of ['a', 'b', 'c']) await cache.get(k, read(k));
    expect(cache.size).toBe(3);
    await db.adminQuery(`select pg_notify('things_' || current_schema(), 'grp:g1')`);
    await eventually(async () => (cache.size === 1 ? true : undefined), 'g1 dropped');
    expect(await cache.get('c', read('c'))).toMatchObject({ v: 3 });
    expect(reads).toBe(3);
    await db.adminQuery(`select pg_notify('things_' || current_schema(), 'what?')`);
    await eventually(async () => (cache.size === 0 ? true : undefined), 'everything dropped');
  });

  it('does not keep a read that a notification overtook (it may have seen the row before the change)', async () => {
    const cache = cacheOf();
    await cache.start();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.get('b', async () => {
      const t = await read('b')();
      await gate; // the change commits and is notified while this read is under way
      return t;
    });
    await set('b', 20);
    await new Promise((r) => setTimeout(r, 300));
    release();
    expect(await slow).toMatchObject({ v: 2 });
    expect(await cache.get('b', read('b'))).toMatchObject({ v: 20 });
    expect(cache.size).toBe(1);
    await set('b', 2);
  });

  it('a transaction that wrote a key reads it from the database and keeps nothing of it, even after a rollback', async () => {
    const cache = cacheOf();
    await cache.start();
    await cache.get('c', read('c'));
    await ds
      .transaction(async (em) => {
        await em.query(`update things set v = 99 where k = 'c'`);
        cache.wrote(em, 'c');
        expect(await cache.get('c', read('c', em), em)).toMatchObject({ v: 99 });
        expect(await cache.get('c', read('c', em), em)).toMatchObject({ v: 99 });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    // the uncommitted 99 was never kept; others read the committed row
    expect(await cache.get('c', read('c'))).toMatchObject({ v: 3 });
    expect(await cache.get('c', read('c'))).toMatchObject({ v: 3 });
    expect(reads).toBe(4);
  });

  it('forgets everything when its listener is lost, and serves nothing until it is back', async () => {
    const cache = cacheOf();
    await cache.start();
    await cache.get('a', read('a'));
    expect(cache.size).toBe(1);
    await db.adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where query like 'listen things_%' and pid <> pg_backend_pid()`);
    await eventually(async () => (cache.size === 0 ? true : undefined), 'the copy dropped on the lost listener');
    // reconnects by itself (backoff 0.5 s) and serves from memory again
    await eventually(async () => (cache.serving ? true : undefined), 'listening again', 10_000);
    await cache.get('a', read('a'));
    const before = reads;
    await cache.get('a', read('a'));
    expect(reads).toBe(before);
  });

  it('reads a kept entry again after its time to live, and starts afresh when full', async () => {
    const cache = cacheOf({ ttlMs: 200, max: 2 });
    await cache.start();
    await cache.get('a', read('a'));
    await cache.get('a', read('a'));
    expect(reads).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    await cache.get('a', read('a'));
    expect(reads).toBe(2);
    await cache.get('b', read('b'));
    expect(cache.size).toBe(2);
    await cache.get('c', read('c'));
    expect(cache.size).toBe(1);
  });
});
