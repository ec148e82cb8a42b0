import { auditMask } from './audit.service';

describe('audit snapshots', () => {
  it('mask personal data by field name', () => {
    const masked = auditMask('merchant', {
      legalRepName: '欧阳明华',
      legalRepIdNumber: '11010519491231002X',
      phone: '13800138000',
      settlementAccount: { accountNo: '6222020200112233446' },
    }) as Record<string, unknown>;
    expect(masked).toEqual({
      legalRepName: '欧阳**',
      legalRepIdNumber: '110***********002X',
      phone: '138****8000',
      settlementAccount: { accountNo: '622202*********3446' },
    });
  });

  it('mask a settlement account of either type whole but keep its type', () => {
    const masked = auditMask('merchant', {
      settlementAccount: { accountType: 'corporate_account', accountNo: '51050142610800000123', accountName: '欧阳明华' },
    }) as Record<string, unknown>;
    expect(masked).toEqual({ settlementAccount: { accountType: 'corporate_account', accountNo: '510501**********0123', accountName: '欧阳**' } });
  });

  it('keep the name of an organisation but not of a person', () => {
    expect(auditMask('partner', { name: 'Chengdu Mall', kind: 'ecommerce_platform' })).toEqual({ name: 'Chengdu Mall', kind: 'ecommerce_platform' });
    expect((auditMask('operator', { name: 'Zhang San' }) as { name: string }).name).toBe('Z**** S**');
    expect(auditMask('tenant', null)).toBeNull();
  });
});
