import { instanceToPlain } from 'class-transformer';
import { ApiError, defaultTenantConfig } from '@countypay/contracts';
import { applyTenantConfigPatch, effectiveTenantConfig } from './tenant-config';

function failure(patch: unknown): { code: string; param?: string; message: string } {
  try {
    applyTenantConfigPatch(defaultTenantConfig(), patch);
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, param: e.param, message: e.message };
    throw e;
  }
  throw new Error('expected the patch to be refused');
}

describe('tenant config', () => {
  it('an empty stored config means the default one', () => {
    expect(instanceToPlain(effectiveTenantConfig({}))).toEqual(instanceToPlain(defaultTenantConfig()));
    expect(instanceToPlain(effectiveTenantConfig(null))).toEqual(instanceToPlain(defaultTenantConfig()));
  });

  it('a partial patch replaces only the fields it names', () => {
    const next = applyTenantConfigPatch(defaultTenantConfig(), { cutoffTime: '22:30', settlementCycle: 'D0' });
    expect(next.cutoffTime).toBe('22:30');
    expect(next.settlementCycle).toBe('D0');
    expect(instanceToPlain(next.feePlan)).toEqual(instanceToPlain(defaultTenantConfig().feePlan));
  });

  it('a fee plan replaces the whole plan', () => {
    const next = applyTenantConfigPatch(defaultTenantConfig(), { feePlan: [{ product: 'qr', channel: '*', rateBp: 30, minFeeFen: 0 }] });
    expect(next.feePlan).toHaveLength(1);
    expect(next.feePlan[0]?.rateBp).toBe(30);
  });

  it('refuses a cut-off of 25:00 naming cutoffTime', () => {
    expect(failure({ cutoffTime: '25:00' })).toMatchObject({ code: 'invalid_request', param: 'cutoffTime' });
  });

  it.each([
    [{ feePlan: [{ product: 'qr', channel: '*', rateBp: 'x', minFeeFen: 1 }] }, 'feePlan.0.rateBp'],
    [{ feePlan: [{ product: 'qr', channel: '*', rateBp: 38.5, minFeeFen: 1 }] }, 'feePlan.0.rateBp'],
    [{ feePlan: [{ product: 'lottery', channel: '*', rateBp: 38, minFeeFen: 1 }] }, 'feePlan.0.product'],
    [{ feePlan: [{ product: 'qr', channel: '*', rateBp: 38, minFeeFen: -1 }] }, 'feePlan.0.minFeeFen'],
    [{ feePlan: 'cheap' }, 'feePlan'],
    [{ settlementCycle: 'T7' }, 'settlementCycle'],
  ])('refuses %j naming %s', (patch, param) => {
    expect(failure(patch)).toMatchObject({ code: 'invalid_request', param });
  });

  it('the quick-pay payment password is off by default, switched on by a boolean only', () => {
    expect(defaultTenantConfig().quickPayPassword).toBeUndefined();
    expect(applyTenantConfigPatch(defaultTenantConfig(), { quickPayPassword: true }).quickPayPassword).toBe(true);
    expect(failure({ quickPayPassword: 'yes' })).toMatchObject({ code: 'invalid_request', param: 'quickPayPassword' });
  });

  it('refuses an unknown field', () => {
    expect(failure({ colour: 'red' })).toMatchObject({ code: 'unknown_field', param: 'colour' });
  });

  it('refuses a body that is not an object', () => {
    expect(failure([1, 2])).toMatchObject({ code: 'invalid_request', param: undefined });
    expect(failure(null)).toMatchObject({ code: 'invalid_request', param: undefined });
    expect(failure({})).toMatchObject({ code: 'invalid_request', message: 'nothing to change: give at least one config field' });
  });
});
