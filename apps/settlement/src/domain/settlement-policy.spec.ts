import { DEFAULT_APPROVAL_THRESHOLD_FEN, settlementPolicyOf } from './settlement-policy';

describe('settlement policy from the tenant config', () => {
  it('defaults to the natural day, T+1, no reserve, a 500,000.00 yuan threshold, fees kept on refunds', () => {
    expect(settlementPolicyOf(undefined)).toEqual({
      cutoffTime: '00:00',
      cycle: 'T1',
      reserveBp: 0,
      approvalThresholdFen: DEFAULT_APPROVAL_THRESHOLD_FEN,
      refundFeePolicy: 'kept',
    });
  });

  it('takes the county settings; a reserve only applies to D+0', () => {
    const cfg = {
      cutoffTime: '23:00',
      settlementCycle: 'D0',
      settlementReserveBp: 1_000,
      settlementApprovalThresholdFen: 100_000,
      refundFeePolicy: 'returned_pro_rata',
    };
    expect(settlementPolicyOf(cfg)).toEqual({
      cutoffTime: '23:00',
      cycle: 'D0',
      reserveBp: 1_000,
      approvalThresholdFen: 100_000n,
      refundFeePolicy: 'returned_pro_rata',
    });
    expect(settlementPolicyOf({ ...cfg, settlementCycle: 'T1' }).reserveBp).toBe(0);
  });

  it('ignores malformed values', () => {
    expect(settlementPolicyOf({ cutoffTime: '25:00', settlementApprovalThresholdFen: 1.5, settlementReserveBp: 'x' })).toMatchObject({
      cutoffTime: '00:00',
      approvalThresholdFen: DEFAULT_APPROVAL_THRESHOLD_FEN,
    });
  });
});
