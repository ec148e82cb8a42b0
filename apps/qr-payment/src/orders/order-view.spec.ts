import { decodeCursor, encodeCursor } from './order-view';

describe('list cursor', () => {
  it('round-trips the last row position', () => {
    const row = { createdAt: new Date('2026-11-27T08:00:00.123Z'), id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' };
    expect(decodeCursor(encodeCursor(row))).toEqual({ createdAt: '2026-11-27T08:00:00.123Z', id: row.id });
  });
  it('refuses a cursor it did not issue', () => {
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor(Buffer.from(JSON.stringify({ c: 'x', i: 'y' })).toString('base64url'))).toBeUndefined();
  });
});
