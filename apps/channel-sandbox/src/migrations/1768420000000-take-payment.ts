import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantScopePlpgsql } from '@countypay/persistence';

/**
 * `sandbox_take_payment`: a new payment of a wallet channel (not a county bank, which debits a
 * deposit account first) as ONE statement — its own transaction (issue 14, docs/perf/throughput.md
 * "tpqr3"; the gateway's `gateway_idempotency_complete` pattern, migration 1768300000000). It binds
 * the tenant itself (transaction-local) and runs SECURITY INVOKER, so row-level security applies
 * as in a tenant transaction. The order is inserted in the outcome the channel decided (`user_paying`,
 * `succeeded`, `failed` with its reason), a success with its statement line; no row when the order
 * number is taken (a repeat: the caller reads it in a tenant transaction, as before). Was: begin +
 * set_config, repeat check, insert, read `for update`, update, statement line, commit.
 */
export function takePaymentSql(): string[] {
  return [
    `create function sandbox_take_payment(
       p_tenant text, p_channel text, p_order_id uuid, p_channel_trade_no text, p_merchant_id text, p_amount_fen bigint, p_kind text,
       p_payer_code text, p_payer_id text, p_notify_url text, p_description text, p_behaviour text, p_status text, p_reason text)
     returns setof channel_payments language plpgsql as $$
     begin
       ${tenantScopePlpgsql('p_tenant')};
       return query
         with p as (
           insert into channel_payments (tenant_id, channel, order_id, channel_trade_no, merchant_id, amount_fen, kind, payer_code, payer_id,
             notify_url, description, behaviour, status, reason, updated_at)
           values (p_tenant, p_channel, p_order_id, p_channel_trade_no, p_merchant_id, p_amount_fen, p_kind, p_payer_code, p_payer_id,
             p_notify_url, p_description, p_behaviour, p_status, p_reason, clock_timestamp())
           on conflict (tenant_id, channel, order_id) do nothing
           returning *),
         line as (
           insert into statement_lines (tenant_id, channel, channel_trade_no, order_id, type, amount_fen, status, at)
           select p.tenant_id, p.channel, p.channel_trade_no, p.order_id, 'payment', p.amount_fen, 'succeeded', clock_timestamp()
             from p where p.status = 'succeeded')
         select * from p;
     end $$`,
  ];
}

export class SandboxTakePayment1768420000000 implements MigrationInterface {
  name = 'SandboxTakePayment1768420000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of takePaymentSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function sandbox_take_payment(text, text, uuid, text, text, bigint, text, text, text, text, text, text, text, text)`);
  }
}
