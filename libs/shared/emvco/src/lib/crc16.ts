/**
 * CRC-16/CCITT-FALSE as EMVCo MPM requires for tag 63:
 * width 16, poly 0x1021, init 0xFFFF, no input/output reflection, xorout 0x0000.
 * Check value: CRC of ASCII "123456789" = 0x29B1.
 */
const TABLE: readonly number[] = (() => {
  const table: number[] = [];
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table.push(crc);
  }
  return table;
})();

const utf8 = new TextEncoder();

/** CRC-16/CCITT-FALSE of raw bytes, as a number 0..0xFFFF. */
export function crc16CcittFalseBytes(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  }
  return crc;
}

/** CRC-16/CCITT-FALSE over the UTF-8 bytes of `text`, as 4 uppercase hex characters. */
export function crc16CcittFalse(text: string): string {
  return crc16CcittFalseBytes(utf8.encode(text)).toString(16).toUpperCase().padStart(4, '0');
}
