import { currentTenantId, isTenantId, requireTenantId, runWithTenant, InvalidTenantError, MissingTenantError } from './tenant-context';

describe('tenant context', () => {
  it('accepts t + six digits only', () => {
    expect(isTenantId('t510121')).toBe(true);
    for (const bad of ['', 't51012', 'T510121', 't510121 ', "t510121'--", 'province']) expect(isTenantId(bad)).toBe(false);
  });

  it('flows through awaits and does not leak between concurrent scopes', async () => {
    const seen = await Promise.all(
      ['t510121', 't511381'].map((t) =>
        runWithTenant(t, async () => {
          await new Promise((r) => setTimeout(r, 5));
          return currentTenantId();
        }),
      ),
    );
    expect(seen).toEqual(['t510121', 't511381']);
    expect(currentTenantId()).toBeUndefined();
  });

  it('refuses an invalid tenant and a missing one', () => {
    expect(() => runWithTenant('x', () => 1)).toThrow(InvalidTenantError);
    expect(() => requireTenantId()).toThrow(MissingTenantError);
  });
});
