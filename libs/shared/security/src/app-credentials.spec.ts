import { APP_ID_PATTERN, generateAppId, generateAppSecret } from './app-credentials';

describe('app credentials', () => {
  it('generates app ids of the documented shape', () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateAppId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(APP_ID_PATTERN);
  });

  it('generates 32-byte base64url secrets', () => {
    const secret = generateAppSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(generateAppSecret()).not.toBe(secret);
  });
});
