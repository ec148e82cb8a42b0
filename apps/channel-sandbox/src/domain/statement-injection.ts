import { newRefundNo, newTradeNo, type Channel } from './channels';
import type { EntryStatus, EntryType, StatementEntry } from './statement-formats';

/**
 * Discrepancies a test tells the sandbox to put into a tenant's statement of one channel and day,
 * so that every reconciliation class can be produced on purpose:
 *
 * - `drop_row`: the movement is missing from the statement (the platform has it: 短款 on the platform's side);
 * - `add_row`: the statement has a movement the platform does not know (长款);
 * - `change_amount`: the statement's amount differs;
 * - `change_status`: the statement's status differs.
 *
 * An injection stays on that day's statement until cleared: a channel's statement of a closed day
 * is the same file every time it is downloaded (a reconciliation run again sees the same file).
 */
export type StatementInjection =
  | { kind: 'drop_row'; type: EntryType; orderId: string; refundId?: string }
  | {
      kind: 'add_row';
      type: EntryType;
      orderId: string;
      refundId?: string;
      amountFen: bigint;
      status: EntryStatus;
      channelTradeNo?: string;
      channelRefundNo?: string;
      at?: Date;
    }
  | { kind: 'change_amount'; type: EntryType; orderId: string; refundId?: string; amountFen: bigint }
  | { kind: 'change_status'; type: EntryType; orderId: string; refundId?: string; status: EntryStatus };

function targets(e: StatementEntry, i: { type: EntryType; orderId: string; refundId?: string }): boolean {
  return e.type === i.type && e.orderId === i.orderId && (i.refundId === undefined || e.refundId === i.refundId);
}

/** The statement entries with the injections applied, in order; an added row gets numbers of the channel's shape. */
export function applyInjections(
  channel: Channel,
  entries: readonly StatementEntry[],
  injections: readonly StatementInjection[],
  dayEnd: Date,
): StatementEntry[] {
  let out = [...entries];
  for (const i of injections) {
    switch (i.kind) {
      case 'drop_row':
        out = out.filter((e) => !targets(e, i));
        break;
      case 'change_amount':
        out = out.map((e) => (targets(e, i) ? { ...e, amountFen: i.amountFen } : e));
        break;
      case 'change_status':
        out = out.map((e) => (targets(e, i) ? { ...e, status: i.status } : e));
        break;
      case 'add_row': {
        const at = i.at ?? new Date(dayEnd.getTime() - 60_000);
        out.push({
          type: i.type,
          orderId: i.orderId,
          refundId: i.refundId ?? null,
          channelTradeNo: i.channelTradeNo ?? newTradeNo(channel, at),
          channelRefundNo: i.type === 'refund' ? (i.channelRefundNo ?? newRefundNo(channel, at)) : null,
          amountFen: i.amountFen,
          status: i.status,
          at,
        });
        break;
      }
    }
  }
  return out;
}

/** The injections per tenant, channel and day (in memory, like the behaviour scenarios). */
export class StatementInjections {
  private readonly byDay = new Map<string, StatementInjection[]>();

  private static key(tenantId: string, channel: Channel, date: string): string {
    return `${tenantId}/${channel}/${date}`;
  }

  /** Adds an injection; an added row gets its channel numbers now, so every download of the day shows the same ones. */
  add(tenantId: string, channel: Channel, date: string, i: StatementInjection): StatementInjection {
    const k = StatementInjections.key(tenantId, channel, date);
    const list = this.byDay.get(k) ?? [];
    const stored: StatementInjection =
      i.kind === 'add_row'
        ? {
            ...i,
            channelTradeNo: i.channelTradeNo ?? newTradeNo(channel),
            ...(i.type === 'refund' ? { channelRefundNo: i.channelRefundNo ?? newRefundNo(channel) } : {}),
          }
        : i;
    list.push(stored);
    this.byDay.set(k, list);
    return stored;
  }

  list(tenantId: string, channel: Channel, date: string): readonly StatementInjection[] {
    return this.byDay.get(StatementInjections.key(tenantId, channel, date)) ?? [];
  }

  clear(tenantId: string, channel: Channel, date: string): number {
    const k = StatementInjections.key(tenantId, channel, date);
    const n = this.byDay.get(k)?.length ?? 0;
    this.byDay.delete(k);
    return n;
  }
}
