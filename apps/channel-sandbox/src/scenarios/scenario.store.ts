import { Injectable } from '@nestjs/common';
import type { Behaviour } from '../domain/behaviour';
import type { Channel } from '../domain/channels';

export interface Scenario {
  channel: Channel;
  behaviour: Behaviour;
  /** the order it applies to; without one, it applies to the channel's next new payment */
  orderId?: string;
  /** narrows the scenario to one tenant */
  tenantId?: string;
}

/**
 * Admin overrides of the channels' behaviour, in memory (tests set them right before the call
 * they concern). A scenario is used up by the payment it decides.
 */
@Injectable()
export class ScenarioStore {
  private scenarios: Scenario[] = [];

  add(s: Scenario): void {
    if (s.orderId) this.scenarios = this.scenarios.filter((x) => !(x.channel === s.channel && x.orderId === s.orderId && x.tenantId === s.tenantId));
    this.scenarios.push(s);
  }

  /** The behaviour set for this new payment (its order first, then the channel's next call), consumed. */
  take(channel: Channel, tenantId: string, orderId: string): Behaviour | undefined {
    return this.takeUndoable(channel, tenantId, orderId)?.behaviour;
  }

  /**
   * As `take`, with `undo()` putting the scenario back where it was: for a payment that turns out to
   * be a repeat of an existing order only once its insert finds the order taken (a repeat consumes
   * no scenario).
   */
  takeUndoable(channel: Channel, tenantId: string, orderId: string): { behaviour: Behaviour; undo: () => void } | undefined {
    const applies = (s: Scenario) => s.channel === channel && (!s.tenantId || s.tenantId === tenantId);
    const i = this.scenarios.findIndex((s) => applies(s) && s.orderId === orderId);
    const j = i >= 0 ? i : this.scenarios.findIndex((s) => applies(s) && !s.orderId);
    if (j < 0) return undefined;
    const [s] = this.scenarios.splice(j, 1);
    let undone = false;
    return {
      behaviour: s.behaviour,
      undo: () => {
        if (undone) return;
        undone = true;
        // an order's own scenario set again meanwhile replaced this one (`add`): the newer one stays
        if (s.orderId && this.scenarios.some((x) => x.channel === s.channel && x.orderId === s.orderId && x.tenantId === s.tenantId)) return;
        this.scenarios.splice(Math.min(j, this.scenarios.length), 0, s);
      },
    };
  }

  list(): Scenario[] {
    return [...this.scenarios];
  }

  clear(channel?: Channel): number {
    const before = this.scenarios.length;
    this.scenarios = channel ? this.scenarios.filter((s) => s.channel !== channel) : [];
    return before - this.scenarios.length;
  }
}
