import { isDatabaseUnavailable } from './unavailable';

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006' }],
    [{ code: 'ECONNREFUSED' }],
    [new Error('Connection terminated unexpectedly')],
    [{ name: 'QueryFailedError', message: 'x', driverError: { code: '57P03', message: 'the database system is starting up' } }],
    [new Error('timeout exceeded when trying to connect')],
  ])('an outage: %o', (e) => expect(isDatabaseUnavailable(e)).toBe(true));

  it.each([[{ code: '23505', message: 'duplicate key' }], [{ code: '42P01' }], [new Error('boom')], [undefined], ['text']])('not an outage: %o', (e) =>
    expect(isDatabaseUnavailable(e)).toBe(false),
  );
});
