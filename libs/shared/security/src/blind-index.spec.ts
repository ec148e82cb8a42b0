import { createHmac } from 'node:crypto';
import { blindIndex } from './blind-index';
import { SecurityError } from './security.exception';

const key = Buffer.alloc(32, 7).toString('base64');

describe('blindIndex', () => {
  it('is deterministic lowercase hex HMAC-SHA256 over context || 0x00 || value', () => {
    const expected = createHmac('sha256', Buffer.alloc(32, 7))
      .update('merchants.legal_rep_id\0' + '11010519491231002X')
      .digest('hex');
    expect(blindIndex('11010519491231002X', key, 'merchants.legal_rep_id')).toBe(expected);
    expect(blindIndex('11010519491231002X', Buffer.alloc(32, 7), 'merchants.legal_rep_id')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('separates contexts and values', () => {
    expect(blindIndex('a', key, 'c1')).not.toBe(blindIndex('a', key, 'c2'));
    expect(blindIndex('ab', key, 'c')).not.toBe(blindIndex('b', key, 'ca'));
  });

  it('refuses short or malformed keys', () => {
    expect(() => blindIndex('a', Buffer.alloc(16).toString('base64'))).toThrow(SecurityError);
    expect(() => blindIndex('a', 'not base64!')).toThrow(SecurityError);
  });
});
