/**
 * Repayment allocation (还款冲抵顺序): fees → penalty → interest → principal, each category
 * oldest first. An amount first clears every outstanding fee (oldest item first), then every
 * penalty, then interest, then principal; what remains is unapplied (an overpayment the caller
 * refuses or keeps as a credit). No bucket ever goes below zero.
 */
export const ALLOCATION_ORDER = ['fee', 'penalty', 'interest', 'principal'] as const;
export type AllocationCategory = (typeof ALLOCATION_ORDER)[number];

export interface Outstanding {
  readonly id: string;
  /** Oldest first by due date, then by `seq`. */
  readonly dueDate: string;
  readonly seq: number;
  readonly feeFen: bigint;
  readonly penaltyFen: bigint;
  readonly interestFen: bigint;
  readonly principalFen: bigint;
}

export interface AllocationPart {
  readonly id: string;
  readonly category: AllocationCategory;
  readonly amountFen: bigint;
}

export interface Allocation {
  readonly parts: AllocationPart[];
  /** Per item, what is still owed after the allocation. */
  readonly remaining: Outstanding[];
  readonly appliedFen: bigint;
  readonly unappliedFen: bigint;
}

const FIELD: Record<AllocationCategory, 'feeFen' | 'penaltyFen' | 'interestFen' | 'principalFen'> = {
  fee: 'feeFen',
  penalty: 'penaltyFen',
  interest: 'interestFen',
  principal: 'principalFen',
};

export function oldestFirst(a: Outstanding, b: Outstanding): number {
  return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.seq - b.seq;
}

export function allocate(items: readonly Outstanding[], amountFen: bigint): Allocation {
  if (typeof amountFen !== 'bigint' || amountFen < 0n) throw new RangeError('amountFen must be a non-negative bigint');
  for (const it of items) for (const c of ALLOCATION_ORDER) if (it[FIELD[c]] < 0n) throw new RangeError(`item ${it.id} has a negative ${c}`);
  const remaining = [...items].sort(oldestFirst).map((i) => ({ ...i }));
  const parts: AllocationPart[] = [];
  let left = amountFen;
  for (const category of ALLOCATION_ORDER) {
    const field = FIELD[category];
    for (const item of remaining) {
      if (left === 0n) break;
      const owed = item[field];
      if (owed === 0n) continue;
      const take = owed < left ? owed : left;
      item[field] = owed - take;
      left -= take;
      parts.push({ id: item.id, category, amountFen: take });
    }
  }
  return { parts, remaining, appliedFen: amountFen - left, unappliedFen: left };
}

export function totalOutstanding(items: readonly Outstanding[]): bigint {
  return items.reduce((s, i) => s + i.feeFen + i.penaltyFen + i.interestFen + i.principalFen, 0n);
}
