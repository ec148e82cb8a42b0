/**
 * The gateway's overload guard: how many requests this instance is working on, in all and per
 * county. Past either limit a request is refused at once (the caller retries after a second)
 * instead of queueing behind the others: a queue past the platform's capacity only adds waiting
 * to every request (and timeouts for work that still runs), while a refusal costs almost nothing
 * and keeps the latency of the admitted requests bounded. The per-county limit keeps one busy
 * county from taking the whole instance from the other 98.
 *
 * A slot is taken after authentication (the refusal is signed like every answer to a signed
 * request) and before any database work, and is given back when the answer has left or the
 * caller went away, whichever comes first.
 */
export type ShedDecision = { admitted: true; release: () => void } | { admitted: false; refusedBy: 'instance' | 'tenant' };

export interface LoadShedderLimits {
  /** requests in flight on this instance, all counties together */
  maxInFlight: number;
  /** requests in flight on this instance for one county */
  maxInFlightPerTenant: number;
}

export class LoadShedder {
  private total = 0;
  private readonly byTenant = new Map<string, number>();

  constructor(private readonly limits: LoadShedderLimits) {}

  /** Takes a slot for a request of `tenantId` (none: counted in the instance's total only), or says which limit refuses it. */
  tryEnter(tenantId?: string): ShedDecision {
    const mine = tenantId === undefined ? 0 : (this.byTenant.get(tenantId) ?? 0);
    if (tenantId !== undefined && mine >= this.limits.maxInFlightPerTenant) return { admitted: false, refusedBy: 'tenant' };
    if (this.total >= this.limits.maxInFlight) return { admitted: false, refusedBy: 'instance' };
    this.total += 1;
    if (tenantId !== undefined) this.byTenant.set(tenantId, mine + 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        if (tenantId === undefined) return;
        const left = (this.byTenant.get(tenantId) ?? 1) - 1;
        if (left > 0) this.byTenant.set(tenantId, left);
        else this.byTenant.delete(tenantId);
      },
    };
  }

  /** Requests in flight now (all, and of one county). */
  inFlight(tenantId?: string): number {
    return tenantId === undefined ? this.total : (this.byTenant.get(tenantId) ?? 0);
  }
}
