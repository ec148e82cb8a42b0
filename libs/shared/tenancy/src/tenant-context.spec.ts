import { currentTenantId, isTenantId, requireTenantId, runWithTenant, InvalidTenantError, MissingTenantError } from './tenant-context';

describe('tenant context', () => {
  it('accepts t + six digits only', () => {
    expect(isTenantId('t370124')).toBe(true);
    for (const bad of ['', 't37012', 'T370124', 't370124 ', "t370124'--", 'province']) expect(isTenantId(bad)).toBe(false);
  });

  it('flows through awaits and does not leak between concurrent scopes', async () => {
    const seen = await Promise.all(
      ['t370124', 't371581'].map((t) =>
        runWithTenant(t, async () => {
          await new Promise((r) => setTimeout(r, 5));
          return currentTenantId();
        }),
      ),
    );
    expect(seen).toEqual(['t370124', 't371581']);
    expect(currentTenantId()).toBeUndefined();
  });

  it('refuses an invalid tenant and a missing one', () => {
    expect(() => runWithTenant('x', () => 1)).toThrow(InvalidTenantError);
    expect(() => requireTenantId()).toThrow(MissingTenantError);
  });
});
