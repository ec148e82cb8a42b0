import fc from 'fast-check';
import { digitsToFen, yuanToFen } from './yuan';

describe('yuan → fen (string arithmetic)', () => {
  it.each([
    ['123.45', 12_345n],
    ['0.05', 5n],
    ['0.5', 50n],
    ['12', 1_200n],
    ['-23.45', -2_345n],
    ['0.29', 29n],
    ['90071992547409.93', 9_007_199_254_740_993n],
  ])('%s → %s fen', (yuan, fen) => expect(yuanToFen(yuan)).toBe(fen));

  it.each(['1.234', '1,00', '', '.5', '1e3', 'NaN', '¥1.00', '--1'])('refuses %j', (bad) => expect(() => yuanToFen(bad)).toThrow(RangeError));

  it('round-trips every fen amount written as yuan', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (fen) => {
        const abs = (fen < 0n ? -fen : fen).toString().padStart(3, '0');
        const yuan = `${fen < 0n ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
        expect(yuanToFen(yuan)).toBe(fen);
      }),
    );
  });

  it('reads fixed-width fen digits', () => {
    expect(digitsToFen('000000012345')).toBe(12_345n);
    expect(() => digitsToFen('12 45')).toThrow(RangeError);
  });
});
