import { crc16CcittFalse, crc16CcittFalseBytes } from './crc16';

describe('crc16CcittFalse', () => {
  it('matches the standard check value for "123456789" (0x29B1)', () => {
    expect(crc16CcittFalseBytes(new TextEncoder().encode('123456789'))).toBe(0x29b1);
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('is 0xFFFF (the init value) for empty input', () => {
    expect(crc16CcittFalse('')).toBe('FFFF');
  });

  it('pads to 4 uppercase hex characters', () => {
    for (const text of ['A', 'countypay', '最佳运输', '0002010102116304']) {
      expect(crc16CcittFalse(text)).toMatch(/^[0-9A-F]{4}$/);
    }
  });

  it('computes over UTF-8 bytes, not UTF-16 code units', () => {
    // '最' is U+6700 -> UTF-8 E6 9C 80
    expect(crc16CcittFalse('最')).toBe(crc16CcittFalse('\u6700'));
    expect(crc16CcittFalse('最')).toBe(
      crc16CcittFalseBytes(new Uint8Array([0xe6, 0x9c, 0x80]))
        .toString(16)
        .toUpperCase()
        .padStart(4, '0'),
    );
  });
});
