import { auditMask } from './audit.service';

describe('audit snapshots', () => {
  it('mask personal data by field name', () => {
    const masked = auditMask('merchant', { legalRepName: '欧阳明华', legalRepIdNumber: '11010519491231002X', phone: '13800138000', settlementAccount: { accountNo: '6222020200112233446' } }) as Record<string, unknown>;
    expect(masked).toEqual({ legalRepName: '欧阳**', legalRepIdNumber: '110***********002X', phone: '138****8000', settlementAccount: { accountNo: '622202*********3446' } });
  });

  it('keep the name of an organisation but not of a person', () => {
    expect(auditMask('partner', { name: 'Chengdu Mall', kind: 'ecommerce_platform' })).toEqual({ name: 'Chengdu Mall', kind: 'ecommerce_platform' });
    expect((auditMask('operator', { name: 'Zhang San' }) as { name: string }).name).toBe('Z**** S**');
    expect(auditMask('tenant', null)).toBeNull();
  });
});
