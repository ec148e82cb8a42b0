import { ipAllowed } from './ip-allowlist';

describe('ipAllowed', () => {
  it('allows everyone with an empty list', () => {
    expect(ipAllowed([], '198.51.100.7')).toBe(true);
  });

  it('matches addresses and CIDR ranges, IPv4-mapped IPv6 included', () => {
    const list = ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'];
    expect(ipAllowed(list, '203.0.113.200')).toBe(true);
    expect(ipAllowed(list, '::ffff:198.51.100.7')).toBe(true);
    expect(ipAllowed(list, '2001:db8:1::5')).toBe(true);
    expect(ipAllowed(list, '198.51.100.8')).toBe(false);
    expect(ipAllowed(list, '127.0.0.1')).toBe(false);
    expect(ipAllowed(list, undefined)).toBe(false);
  });

  it('ignores malformed entries (they allow nothing)', () => {
    expect(ipAllowed(['not-an-ip', '10.0.0.0/99'], '10.0.0.1')).toBe(false);
  });
});
