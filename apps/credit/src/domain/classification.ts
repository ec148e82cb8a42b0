/**
 * Five-category loan classification (贷款五级分类) by days past due:
 *   0 days        normal          正常
 *   1–90          special_mention 关注
 *   91–270        substandard     次级   (> 90)
 *   271–360       doubtful        可疑   (> 270)
 *   > 360         loss            损失
 */
export const LOAN_CLASSES = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
export type LoanClass = (typeof LOAN_CLASSES)[number];

export const LOAN_CLASS_LABELS: Record<LoanClass, { zh: string; en: string }> = {
  normal: { zh: '正常', en: 'Normal' },
  special_mention: { zh: '关注', en: 'Special mention' },
  substandard: { zh: '次级', en: 'Substandard' },
  doubtful: { zh: '可疑', en: 'Doubtful' },
  loss: { zh: '损失', en: 'Loss' },
};

export function classify(daysPastDue: number): LoanClass {
  if (!Number.isInteger(daysPastDue) || daysPastDue < 0) throw new RangeError('daysPastDue must be a non-negative integer');
  if (daysPastDue === 0) return 'normal';
  if (daysPastDue <= 90) return 'special_mention';
  if (daysPastDue <= 270) return 'substandard';
  if (daysPastDue <= 360) return 'doubtful';
  return 'loss';
}

/** Days past due on `today` of the oldest unpaid installment due on `oldestUnpaidDue` (0 if none or not yet due). */
export function daysPastDue(oldestUnpaidDue: string | null, today: string): number {
  if (oldestUnpaidDue === null || today <= oldestUnpaidDue) return 0;
  const ms = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${oldestUnpaidDue}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}
