import { createServiceDataSource, poolIdleOptions } from './data-source';

describe('poolIdleOptions', () => {
  it("defaults to pg-pool's 10 s idle timeout and two connections kept (tests, migrations)", () => {
    expect(poolIdleOptions({})).toEqual({ min: 2, idleTimeoutMillis: 10_000 });
  });

  it('takes the given idle timeout (0: never close) and minimum', () => {
    expect(poolIdleOptions({ poolSize: 10, idleTimeoutMs: 300_000, poolMin: 3 })).toEqual({ min: 3, idleTimeoutMillis: 300_000 });
    expect(poolIdleOptions({ idleTimeoutMs: 0, poolMin: 0 })).toEqual({ min: 0, idleTimeoutMillis: 0 });
  });

  it('keeps the minimum within the pool size', () => {
    expect(poolIdleOptions({ poolSize: 1 })).toEqual({ min: 1, idleTimeoutMillis: 10_000 });
    expect(poolIdleOptions({ poolSize: 5, poolMin: 20 })).toMatchObject({ min: 5 });
  });

  it('passes them to the driver with the pool size', () => {
    const ds = createServiceDataSource({
      url: 'postgres://u@127.0.0.1/x',
      schema: 'gateway',
      applicationName: 'countypay-gateway',
      poolSize: 7,
      idleTimeoutMs: 300_000,
      poolMin: 2,
    });
    expect(ds.options).toMatchObject({ poolSize: 7, extra: { min: 2, idleTimeoutMillis: 300_000, options: '-c search_path=gateway' } });
  });
});
