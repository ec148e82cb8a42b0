import fc from 'fast-check';
import { fenOf, yuanInput } from './money';

describe('console amounts (yuan text ↔ integer fen)', () => {
  it('reads what operators type, exactly', () => {
    expect(fenOf('1')).toBe(100);
    expect(fenOf('1.5')).toBe(150);
    expect(fenOf(' 12.34 ')).toBe(1234);
    expect(fenOf('-0.01')).toBe(-1);
    expect(fenOf('0.07')).toBe(7);
    expect(fenOf('9000000000000.99')).toBe(900_000_000_000_099);
  });

  it('refuses what is not an amount of fen', () => {
    for (const bad of ['', ' ', '1.234', '1,00', '¥1', 'abc', '1e3', '--1', '.5', '1.', '0x10', '12345678901234']) expect(fenOf(bad)).toBeUndefined();
  });

  it('writes fen as yuan text that reads back to the same fen', () => {
    expect(yuanInput(100)).toBe('1.00');
    expect(yuanInput(-105)).toBe('-1.05');
    expect(yuanInput(0)).toBe('0.00');
    fc.assert(fc.property(fc.integer({ min: -900_000_000_000_000, max: 900_000_000_000_000 }), (fen) => fenOf(yuanInput(fen)) === fen));
  });
});
