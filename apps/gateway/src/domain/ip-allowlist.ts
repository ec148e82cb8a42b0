import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/**
 * An app's IP allowlist: addresses (`203.0.113.7`, `2001:db8::1`) and CIDR ranges
 * (`203.0.113.0/24`). An empty list allows every address; malformed entries allow nothing.
 */
export function ipAllowed(allowlist: readonly string[], clientIp: string | undefined): boolean {
  if (allowlist.length === 0) return true;
  if (!clientIp) return false;
  const ip = normalizeIp(clientIp);
  const family = isIP(ip);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of allowlist) {
    const [address, prefix] = entry.trim().split('/', 2);
    const entryFamily = isIP(address);
    if (entryFamily === 0) continue;
    const type = entryFamily === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else if (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (entryFamily === 4 ? 32 : 128)) list.addSubnet(address, Number(prefix), type);
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
