import { Injectable } from '@nestjs/common';

/**
 * What the simulated county core banking does with settlement payouts, set by tests:
 * - `account_closed`: the account is closed (every payout to it fails) until the scenario is cleared;
 * - `timeout_after_processing`: the next payout is made but its answer is lost (504);
 * - `timeout_before_processing`: the next payout times out before the bank made it (504, nothing recorded).
 */
export const PAYOUT_BEHAVIOURS = ['account_closed', 'timeout_after_processing', 'timeout_before_processing'] as const;
export type PayoutBehaviour = (typeof PAYOUT_BEHAVIOURS)[number];

export interface PayoutScenario {
  tenantId: string;
  behaviour: PayoutBehaviour;
  /** the account it applies to; without one, the tenant's next payout (timeouts only) */
  accountNo?: string;
}

@Injectable()
export class PayoutScenarioStore {
  private scenarios: PayoutScenario[] = [];

  add(s: PayoutScenario): void {
    this.scenarios.push(s);
  }

  isClosed(tenantId: string, accountNo: string): boolean {
    return this.scenarios.some((s) => s.behaviour === 'account_closed' && s.tenantId === tenantId && s.accountNo === accountNo);
  }

  /** The timeout set for this payout (its account first, then the tenant's next payout), consumed. */
  takeTimeout(tenantId: string, accountNo: string): PayoutBehaviour | undefined {
    const timeout = (s: PayoutScenario) => s.tenantId === tenantId && s.behaviour !== 'account_closed';
    const i = this.scenarios.findIndex((s) => timeout(s) && s.accountNo === accountNo);
    const j = i >= 0 ? i : this.scenarios.findIndex((s) => timeout(s) && !s.accountNo);
    if (j < 0) return undefined;
    const [s] = this.scenarios.splice(j, 1);
    return s!.behaviour;
  }

  clear(tenantId: string, accountNo?: string): number {
    const before = this.scenarios.length;
    this.scenarios = this.scenarios.filter((s) => !(s.tenantId === tenantId && (accountNo === undefined || s.accountNo === accountNo)));
    return before - this.scenarios.length;
  }
}
