import fc from 'fast-check';
import { emvAmountToFen, fenToEmvAmount, MAX_EMV_AMOUNT_FEN } from './amount';

describe('fenToEmvAmount', () => {
  it.each([
    [1n, '0.01'],
    [10n, '0.10'],
    [1234n, '12.34'],
    [1200n, '12.00'],
    [2372n, '23.72'],
    [MAX_EMV_AMOUNT_FEN, '9999999999.99'],
  ])('%s fen -> %s', (fen, text) => {
    expect(fenToEmvAmount(fen)).toBe(text);
  });

  it('rejects zero, negative and too-large amounts', () => {
    expect(() => fenToEmvAmount(0n)).toThrow(RangeError);
    expect(() => fenToEmvAmount(-1n)).toThrow(RangeError);
    expect(() => fenToEmvAmount(MAX_EMV_AMOUNT_FEN + 1n)).toThrow(RangeError);
  });
});

describe('emvAmountToFen', () => {
  it.each([
    ['12.34', 1234n],
    ['12.3', 1230n],
    ['12', 1200n],
    ['0.01', 1n],
    ['012.34', 1234n],
    ['9999999999.99', MAX_EMV_AMOUNT_FEN],
  ])('%s -> %s fen', (text, fen) => {
    expect(emvAmountToFen(text)).toEqual({ ok: true, fen });
  });

  it.each(['12.345', '1,234.00', '-1.00', '+1', '1e3', '.5', '12.', '', ' 12', '0', '0.00', 'NaN', '12,34', '12345678901'])('rejects %j', (text) => {
    expect(emvAmountToFen(text).ok).toBe(false);
  });

  it('round-trips every valid fen amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_EMV_AMOUNT_FEN }), (fen) => {
        expect(emvAmountToFen(fenToEmvAmount(fen))).toEqual({ ok: true, fen });
      }),
    );
  });
});
