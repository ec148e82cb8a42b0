import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import {
  CreditDrawdownCreatedV1,
  CreditDrawdownRefundedV1,
  CreditDrawdownReversedV1,
  CreditRepaymentReceivedV1,
  type CreditDrawdownData,
  type CreditDrawdownRefundData,
  type CreditRepaymentData,
  type EventEnvelope,
} from '@countypay/contracts';
import { IdempotentConsumer, on } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import { SettlementReadModelModule } from '../read-model';
import { createTestTopic, eventually, startTestService, testActors, testKafka, uniqueName, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import type { LedgerEntry, TrialBalance } from './dto/ledger.responses.dto';
import { LedgerModule } from './ledger.module';
import { LedgerService } from './ledger.service';

const A = 't510121'; // 金堂县
const B = 't511381'; // another county: sees none of A's loan book

describe('credit loan book → tenant ledger (real Kafka → idempotent consumer → postings)', () => {
  let svc: TestService;
  let producer: Producer;
  let consumer: IdempotentConsumer | undefined;
  const topics = { created: '', reversed: '', refunded: '', repaid: '' };
  const outcomes: string[] = [];

  beforeAll(async () => {
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [SettlementReadModelModule, LedgerModule],
      grants: 'as-migrated',
    });
    const kafka = testKafka();
    producer = kafka.producer();
    await producer.connect();
    topics.created = await createTestTopic(kafka, 'credit-drawdown-created');
    topics.reversed = await createTestTopic(kafka, 'credit-drawdown-reversed');
    topics.refunded = await createTestTopic(kafka, 'credit-drawdown-refunded');
    topics.repaid = await createTestTopic(kafka, 'credit-repayment-received');
    const ledger = svc.app.get(LedgerService);
    consumer = new IdempotentConsumer(kafka, svc.ds, producer, {
      name: uniqueName('it-settlement-credit'),
      subscriptions: [
        on({ ...CreditDrawdownCreatedV1, topic: topics.created }, async (e, em) => void (await ledger.onCreditDrawdownCreated(e, em))),
        on({ ...CreditDrawdownReversedV1, topic: topics.reversed }, async (e, em) => void (await ledger.onCreditDrawdownReversed(e, em))),
        on({ ...CreditDrawdownRefundedV1, topic: topics.refunded }, async (e, em) => void (await ledger.onCreditDrawdownRefunded(e, em))),
        on({ ...CreditRepaymentReceivedV1, topic: topics.repaid }, async (e, em) => void (await ledger.onCreditRepaymentReceived(e, em))),
      ],
      maxAttempts: 3,
      backoffMs: 50,
      onOutcome: (o) => outcomes.push(o),
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await svc?.close();
  });

  function message<T extends object>(type: string, key: string, data: T, id = randomUUID()) {
    const envelope: EventEnvelope<T> = { id, type, version: 1, tenantId: A, occurredAt: new Date().toISOString(), data };
    return { key, value: JSON.stringify(envelope), headers: { 'tenant-id': A, 'event-id': id, 'event-type': `${type}.v1` } };
  }

  function drawdown(lineId: string, principalFen: number, merchantId?: string): CreditDrawdownData {
    return {
      loanId: randomUUID(),
      lineId,
      holdId: randomUUID(),
      caller: 'credit',
      paymentRef: `PAY-${randomUUID().slice(0, 8)}`,
      ...(merchantId ? { merchantId } : {}),
      principalFen,
      installments: 3,
      aprPpm: 129_600,
      businessDate: '2026-11-29',
      at: new Date().toISOString(),
    };
  }

  async function trialBalance(tenant: string): Promise<TrialBalance> {
    const r = await svc.call('GET', '/ledger/trial-balance', { actor: testActors.county(tenant) });
    expect(r.status).toBe(200);
    return r.body as TrialBalance;
  }

  it('posts drawdowns, a reversal, a refund and repayments exactly once, and the tenant trial balance stays balanced to the fen', async () => {
    const lineId = randomUUID();
    const merchantId = randomUUID();
    const bought = drawdown(lineId, 300_000, merchantId); // ¥3,000.00 of seed at a merchant, 3 installments
    const unnamed = drawdown(lineId, 50_001); // ¥500.01 with no merchant named → credit clearing
    const refunded = drawdown(lineId, 12_345, merchantId); // refunded before billing
    const repaymentId = randomUUID();
    const repaid: CreditRepaymentData = {
      lineId,
      repaymentId,
      kind: 'auto_debit',
      amountFen: 103_167,
      principalFen: 100_000,
      interestFen: 3_000,
      feeFen: 100,
      penaltyFen: 67,
      businessDate: '2026-12-25',
      at: new Date().toISOString(),
    };
    const overpaid: CreditRepaymentData = {
      lineId,
      repaymentId: randomUUID(),
      kind: 'manual',
      amountFen: 1_000,
      principalFen: 990,
      interestFen: 0,
      feeFen: 0,
      penaltyFen: 0,
      businessDate: '2026-12-26',
      at: new Date().toISOString(),
    };
    const boughtEvent = randomUUID();
    const repaidEvent = randomUUID();

    await producer.send({
      topic: topics.created,
      messages: [
        message('credit.drawdown-created', lineId, bought, boughtEvent),
        message('credit.drawdown-created', lineId, bought, boughtEvent), // redelivered: the inbox drops it
        message('credit.drawdown-created', lineId, bought), // republished under a new id: the ledger's business key drops it
        message('credit.drawdown-created', lineId, unnamed),
        message('credit.drawdown-created', lineId, refunded),
      ],
    });
    await producer.send({ topic: topics.reversed, messages: [message('credit.drawdown-reversed', lineId, refunded)] });
    // a partial refund after billing: 1 000.00 of the 3 000.00 purchase given back by the merchant
    const partial: CreditDrawdownRefundData = {
      refundId: randomUUID(),
      loanId: bought.loanId,
      lineId,
      merchantId,
      principalFen: 100_000,
      interestReturnedFen: 1_500,
      businessDate: '2026-12-05',
      at: new Date().toISOString(),
    };
    await producer.send({ topic: topics.refunded, messages: [message('credit.drawdown-refunded', lineId, partial)] });
    await producer.send({
      topic: topics.repaid,
      messages: [
        message('credit.repayment-received', lineId, repaid, repaidEvent),
        message('credit.repayment-received', lineId, repaid),
        message('credit.repayment-received', lineId, overpaid),
      ],
    });

    await eventually(async () => (outcomes.length >= 10 ? true : undefined), 'ten deliveries handled');
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(9);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(1);
    expect(outcomes).not.toContain('dead_lettered');

    const tb = await trialBalance(A);
    expect(tb.balanced).toBe(true);
    expect(tb.debitsFen).toBe(tb.creditsFen);
    const account = (code: string) => tb.accounts.find((a) => a.account === code);
    // loans receivable: 3 000.00 + 500.01 + 123.45 − 123.45 (reversed) − 1 000.00 (refunded) − 1 000.00 − 9.90 (repaid) = 1 490.11
    expect(account('loans_receivable')).toMatchObject({
      type: 'asset',
      normalSide: 'debit',
      debitFen: 300_000 + 50_001 + 12_345 - 12_345 - 100_000 - 100_000 - 990,
    });
    expect(account(`merchant_payable:${merchantId}`)).toMatchObject({ creditFen: 200_000, postedCreditsFen: 312_345, postedDebitsFen: 112_345 });
    // credit clearing: the unnamed drawdown and the repayment's unapplied 0.10
    expect(account('credit_clearing')).toMatchObject({ creditFen: 50_001 + 10 });
    expect(account('customer_deposits')).toMatchObject({ type: 'liability', debitFen: 103_167 + 1_000 });
    expect(account('interest_income')).toMatchObject({ type: 'income', creditFen: 3_000 });
    expect(account('credit_fee_income')).toMatchObject({ creditFen: 100 });
    expect(account('penalty_income')).toMatchObject({ creditFen: 67 });

    // the entries: one per fact, the loan (or the repayment) as the order, each balanced
    const entries = await svc.call('GET', `/ledger/entries?orderId=${bought.loanId}`, { actor: testActors.county(A) });
    expect(entries.body.data).toHaveLength(1);
    const entry = entries.body.data[0] as LedgerEntry;
    expect(entry).toMatchObject({
      sourceEventId: boughtEvent,
      sourceType: 'credit.drawdown-created',
      merchantId,
      product: 'credit',
      channel: 'county_bank',
      amountFen: 300_000,
      feeFen: 0,
    });
    expect(entry.postings).toEqual([
      { line: 1, account: 'loans_receivable', direction: 'debit', amountFen: 300_000 },
      { line: 2, account: `merchant_payable:${merchantId}`, direction: 'credit', amountFen: 300_000 },
    ]);
    const rep = await svc.call('GET', `/ledger/entries?orderId=${repaymentId}`, { actor: testActors.county(A) });
    expect(rep.body.data).toHaveLength(1);
    expect(rep.body.data[0]).toMatchObject({ sourceEventId: repaidEvent, sourceType: 'credit.repayment-received', merchantId: null, amountFen: 103_167 });
    expect((rep.body.data[0] as LedgerEntry).postings.map((p) => [p.account, p.direction, p.amountFen])).toEqual([
      ['customer_deposits', 'debit', 103_167],
      ['loans_receivable', 'credit', 100_000],
      ['interest_income', 'credit', 3_000],
      ['credit_fee_income', 'credit', 100],
      ['penalty_income', 'credit', 67],
    ]);

    // the postings themselves agree with the balance table, and each posted entry announced settlement.posted
    const check = await inTenantTransaction(svc.ds, A, async (em) => ({
      sums: (await em.query(
        `select coalesce(sum(amount_fen) filter (where direction = 'debit'), 0)::text as d, coalesce(sum(amount_fen) filter (where direction = 'credit'), 0)::text as c from postings`,
      )) as Array<{ d: string; c: string }>,
      posted: (await em.query(
        `select count(*)::int as n from outbox where topic = 'countypay.settlement.posted.v1' and payload->'data'->>'sourceType' like 'credit.%'`,
      )) as Array<{ n: number }>,
    }));
    expect(check.sums[0]!.d).toBe(check.sums[0]!.c);
    expect(check.posted).toEqual([{ n: 7 }]);

    // another county's ledger has none of it
    const other = await trialBalance(B);
    expect(other.accounts.find((a) => a.account === 'loans_receivable')).toBeUndefined();
  });
});
