import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantScopePlpgsql } from '@countypay/persistence';

/**
 * `ledger_post(batches)`: a transaction's ledger postings in ONE statement (issue 14,
 * docs/perf/throughput.md "tpsettle2"). A consumer's batch of money events was one journal insert
 * and one outbox insert per event, then per tenant a `set_config`, the balances upsert and the
 * postings insert; now it is this one call, at the transaction's end. `batches` is a JSON array
 * of `{ "tenant": …, "batch": … }`, one per tenant, in the order to apply them (the caller sorts
 * by tenant); each is `ledger_post_tenant(tenant, batch)`, which binds its tenant itself
 * (transaction-local, as `bindTenant` does; the transaction stays bound to the last). SECURITY
 * INVOKER (the app role: row-level security, grants, the append-only triggers and every key apply
 * as before). Returns (tenant, entry id) of every entry inserted.
 *
 * `batch` (jsonb; amounts as strings of fen, times ISO-8601):
 * - `e`: journal entries to insert, in order; one already posted — same source event, or same
 *   (source type, business key) — is skipped (`on conflict do nothing`), with its lines and outbox row;
 * - `k`: ids of entries the caller inserted itself earlier in the transaction (payouts,
 *   reconciliation adjustments): their lines are applied;
 * - `l`: posting lines (`entry_id`, `line_no`, `account`, `account_type`, `normal_side`, `direction`,
 *   `amount_fen`) of entries of `e` and `k`;
 * - `o`: outbox rows (`entry_id` — the entry they announce —, `id`, `topic`, `message_key`,
 *   `event_type`, `payload`, `headers`), in order.
 *
 * Order, as before: the entries first; then every balance row the applied lines move, summed per
 * account and upserted in ONE order (the account, bytewise — the order JavaScript sorts strings
 * in), so two transactions posting to the same hot rows (fee income, a channel's receivable) queue
 * instead of deadlocking; then the postings (their account's balance row exists by then: foreign
 * key); then the outbox rows in their order (per-key order kept). Returns the ids of the entries
 * of `e` it inserted.
 */
export function ledgerPostFunctionSql(): string[] {
  return [
    `create function ledger_post_tenant(p_tenant text, p_batch jsonb) returns setof uuid language plpgsql as $$
     declare
       v_inserted uuid[];
       v_applied uuid[];
     begin
       ${tenantScopePlpgsql('p_tenant')};
       with e as (
         insert into journal_entries (id, tenant_id, source_event_id, source_type, source_ref, order_id, refund_id, merchant_id,
                                      partner_app_id, product, channel, amount_fen, fee_fen, fee_rate_bp, fee_min_fen, fee_rule_channel,
                                      occurred_at, posted_at)
         select x.id, p_tenant, x.source_event_id, x.source_type, x.source_ref, x.order_id, x.refund_id, x.merchant_id,
                x.partner_app_id, x.product, x.channel, x.amount_fen, x.fee_fen, x.fee_rate_bp, x.fee_min_fen, x.fee_rule_channel,
                x.occurred_at, x.posted_at
           from rows from (jsonb_to_recordset(coalesce(p_batch->'e', '[]'::jsonb)) as (
                  id uuid, source_event_id uuid, source_type text, source_ref text, order_id uuid, refund_id uuid, merchant_id uuid,
                  partner_app_id text, product text, channel text, amount_fen bigint, fee_fen bigint, fee_rate_bp integer,
                  fee_min_fen bigint, fee_rule_channel text, occurred_at timestamptz, posted_at timestamptz)) with ordinality as x
          order by x.ordinality
         on conflict do nothing
         returning id)
       select coalesce(array_agg(e.id), '{}') into v_inserted from e;
       v_applied := v_inserted || array(select k::uuid from jsonb_array_elements_text(coalesce(p_batch->'k', '[]'::jsonb)) as k);
       if cardinality(v_applied) > 0 then
         insert into account_balances as b (tenant_id, account, account_type, normal_side, debits_fen, credits_fen, posting_count)
         select p_tenant, l.account, min(l.account_type), min(l.normal_side),
                coalesce(sum(l.amount_fen) filter (where l.direction = 'debit'), 0),
                coalesce(sum(l.amount_fen) filter (where l.direction = 'credit'), 0),
                count(*)
           from jsonb_to_recordset(coalesce(p_batch->'l', '[]'::jsonb)) as l(entry_id uuid, account text, account_type text, normal_side text, direction text, amount_fen bigint)
          where l.entry_id = any(v_applied)
          group by l.account
          order by l.account collate "C"
         on conflict (tenant_id, account) do update
           set debits_fen = b.debits_fen + excluded.debits_fen,
               credits_fen = b.credits_fen + excluded.credits_fen,
               posting_count = b.posting_count + excluded.posting_count,
               updated_at = now();
         insert into postings (tenant_id, entry_id, line_no, account, direction, amount_fen)
         select p_tenant, l.entry_id, l.line_no, l.account, l.direction, l.amount_fen
           from jsonb_to_recordset(coalesce(p_batch->'l', '[]'::jsonb)) as l(entry_id uuid, line_no smallint, account text, direction text, amount_fen bigint)
          where l.entry_id = any(v_applied);
       end if;
       if cardinality(v_inserted) > 0 then
         insert into outbox (id, tenant_id, topic, message_key, event_type, payload, headers)
         select o.id, p_tenant, o.topic, o.message_key, o.event_type, o.payload, o.headers
           from rows from (jsonb_to_recordset(coalesce(p_batch->'o', '[]'::jsonb)) as (
                  entry_id uuid, id uuid, topic text, message_key text, event_type text, payload jsonb, headers jsonb)) with ordinality as o
          where o.entry_id = any(v_inserted)
          order by o.ordinality;
       end if;
       return query select unnest(v_inserted);
     end $$`,
    `create function ledger_post(p_batches jsonb) returns table (tenant_id text, entry_id uuid) language plpgsql as $$
     declare
       v_item jsonb;
     begin
       for v_item in select b.value from jsonb_array_elements(p_batches) with ordinality as b(value, n) order by b.n loop
         return query select v_item->>'tenant', p.id from ledger_post_tenant(v_item->>'tenant', v_item->'batch') as p(id);
       end loop;
     end $$`,
  ];
}

export class LedgerPostFunction1768430000000 implements MigrationInterface {
  name = 'LedgerPostFunction1768430000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of ledgerPostFunctionSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop function ledger_post(jsonb)');
    await q.query('drop function ledger_post_tenant(text, jsonb)');
  }
}
