import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_ROW_COLUMNS } from '@countypay/messaging';
import { tenantScopePlpgsql } from '@countypay/persistence';

/**
 * Fewer statements and transactions per payer-code payment in qr-payment (issue 14,
 * docs/perf/throughput.md "tpqr3"; the gateway's pattern, migration 1768300000000). Both functions
 * are SECURITY INVOKER: row-level security applies as in a tenant transaction.
 *
 * - `qr_order_change_announced`: the channel's success of an order and its `payment.succeeded`
 *   outbox row as ONE statement, its own transaction (was begin + set_config, conditional update,
 *   outbox insert, commit). It binds the tenant itself (transaction-local). The caller builds the
 *   event from the order as the update leaves it; the update applies only while the order is in
 *   `p_from` AND its channel and channel trade number come out as the event says (`p_expect_*`) —
 *   otherwise nothing is written and the caller decides in a transaction from the order as it is.
 * - `qr_payer_paid_today_locked`: the payer's lock (`pg_advisory_xact_lock`, held until the
 *   caller's transaction ends) and then what the payer paid today, in one round trip (was two
 *   statements). A VOLATILE function takes a fresh snapshot for each statement it runs, so the sum
 *   sees every payment a concurrent transaction of the same payer committed before releasing the
 *   lock — as when the sum was a statement of its own after the lock.
 */
export function paymentHotPathSql(): string[] {
  return [
    `create function qr_order_change_announced(
       p_tenant text, p_id uuid, p_from text, p_to text,
       p_channel text, p_payer_id text, p_channel_trade_no text, p_failure_reason text, p_close_reason text, p_paid_at timestamptz,
       p_expect_channel text, p_expect_channel_trade_no text,
       p_event_id uuid, p_topic text, p_message_key text, p_event_type text, p_payload jsonb, p_headers jsonb)
     returns setof payment_orders language plpgsql as $$
     begin
       ${tenantScopePlpgsql('p_tenant')};
       return query
         with moved as (
           update payment_orders o set state = p_to,
              channel = coalesce(p_channel, o.channel),
              payer_id = coalesce(p_payer_id, o.payer_id),
              channel_trade_no = coalesce(p_channel_trade_no, o.channel_trade_no),
              failure_reason = coalesce(p_failure_reason, o.failure_reason),
              close_reason = coalesce(p_close_reason, o.close_reason),
              paid_at = coalesce(p_paid_at, o.paid_at),
              updated_at = now(), version = o.version + 1
            where o.id = p_id and o.tenant_id = p_tenant and o.state = p_from
              and coalesce(p_channel, o.channel) is not distinct from p_expect_channel
              and coalesce(p_channel_trade_no, o.channel_trade_no) is not distinct from p_expect_channel_trade_no
            returning o.*),
         announced as (
           insert into outbox (${OUTBOX_ROW_COLUMNS})
           select p_event_id, p_tenant, p_topic, p_message_key, p_event_type, p_payload, p_headers from moved)
         select * from moved;
     end $$`,
    `create function qr_payer_paid_today_locked(
       p_lock_key text, p_tenant text, p_day date, p_payer_key text, p_channel text, p_payer_id text)
     returns bigint language plpgsql as $$
     declare
       v_total bigint;
     begin
       perform pg_advisory_xact_lock(hashtextextended(p_lock_key, 0));
       select coalesce(sum(x.amount_fen), 0)::bigint into v_total from (
         select a.id, a.amount_fen from payment_orders a
          where p_payer_key is not null and a.tenant_id = p_tenant and a.business_day = p_day and a.payer_key = p_payer_key
            and a.state in ('paying', 'succeeded') and a.kind in ('static', 'payer_code')
         union
         select b.id, b.amount_fen from payment_orders b
          where b.tenant_id = p_tenant and b.business_day = p_day and b.channel = p_channel
            and b.state in ('paying', 'succeeded') and b.kind in ('static', 'payer_code')
            and b.payer_id in (
              select p_payer_id where p_payer_id is not null
              union
              select k.payer_id from payment_orders k
               where p_payer_key is not null and k.tenant_id = p_tenant and k.payer_key = p_payer_key and k.payer_id is not null and k.channel = p_channel)
       ) x;
       return v_total;
     end $$`,
  ];
}

export class QrPaymentHotPath1768420100000 implements MigrationInterface {
  name = 'QrPaymentHotPath1768420100000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of paymentHotPathSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `drop function qr_order_change_announced(text, uuid, text, text, text, text, text, text, text, timestamptz, text, text, uuid, text, text, text, jsonb, jsonb)`,
    );
    await q.query(`drop function qr_payer_paid_today_locked(text, text, date, text, text, text)`);
  }
}
