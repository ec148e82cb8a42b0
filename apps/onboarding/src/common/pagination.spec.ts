import { ApiError } from '@countypay/contracts';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('cursor pagination', () => {
  it('round-trips a sort key', () => {
    const key = ['2026-11-27T20:33:53.896Z', '97116c0b-7636-4a59-8a24-cfa51964a7a1'];
    expect(decodeCursor(encodeCursor(key), ['time', 'uuid'])).toEqual(key);
    expect(decodeCursor(undefined, ['seq'])).toBeUndefined();
  });

  it.each([
    ['garbage', ['seq']],
    [encodeCursor(['12']), ['seq', 'id']],
    [encodeCursor(['12; drop table x']), ['seq']],
    [encodeCursor(['yesterday', 'x']), ['time', 'id']],
    [encodeCursor(['2026-11-27T20:33:53.896Z', 'not-a-uuid']), ['time', 'uuid']],
  ] as const)('refuses %s as a 400 naming cursor', (cursor, parts) => {
    expect(() => decodeCursor(cursor, parts)).toThrow(ApiError);
    try {
      decodeCursor(cursor, parts);
    } catch (e) {
      expect((e as ApiError).param).toBe('cursor');
    }
  });

  it('builds pages from limit + 1 rows', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const page = toPage(rows, 2, (r) => [String(r.n)], (r) => r.n * 10);
    expect(page.data).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor ?? undefined, ['seq'])).toEqual(['2']);
    expect(toPage(rows, 3, (r) => [String(r.n)], (r) => r.n).nextCursor).toBeNull();
  });
});
