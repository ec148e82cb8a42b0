// Issue 8, profit sharing and escrow (分账), end to end: through the gateway with the SDK as a
// platform partner would, against the whole platform (acquiring → outbox → Kafka → settlement's
// ledger and the gateway's webhooks). A shared order's net goes to the merchant's escrow account;
// splits move it to receivers, the county's maximum hold (ACQ_SHARING_MAX_HOLD_SECONDS in the e2e
// profile) releases what is left, a refund after a split reverses it first. Amounts are exact fen.
import { CountypayApiError, type AcquiringOrder } from '@countypay/sdk';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  WebhookReceiver,
  onboardMerchant,
  onboardPartner,
  uniq,
  until,
  waitForLedger,
} from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510131';
const OTHER_TENANT = 't510181';
const SCOPES = ['acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'];
const hooks = new WebhookReceiver();
let on: Onboarded;
let other: Onboarded;
/** one app per group of tests (the e2e profile allows 120 requests per minute and app) */
let app: Record<'setup' | 'split' | 'refused' | 'hold' | 'refund', OnboardedApp>;
let mall: OnboardedMerchant;
let farm: OnboardedMerchant;
let coop: OnboardedMerchant;
let elsewhere: OnboardedMerchant;

/** A profit-sharing order of `amountFen`, paid by the sandbox's simulated WeChat payer. */
async function paidSharedOrder(a: OnboardedApp, amountFen: number): Promise<AcquiringOrder> {
  const order = await a.client.acquiringOrders.create({
    merchantId: mall.merchantId,
    outTradeNo: `sh-${uniq()}`,
    amountFen,
    subject: '金堂脐橙 团购',
    profitSharing: true,
  });
  await a.client.acquiringOrders.pay(order.id, { method: 'wechat_native' });
  const r = await fetch(`${serviceUrl('channel-sandbox')}/online/payer/wechat/${order.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId: TENANT, action: 'pay', notify: true }),
  });
  expect(r.status).toBe(200);
  return until(
    `order ${order.id} to succeed`,
    async () => {
      const o = await a.client.acquiringOrders.get(order.id);
      return o.status === 'succeeded' ? o : undefined;
    },
    30_000,
    300,
  );
}

/** Registers the merchant as a receiver of the app, once acquiring knows it (onboarding's event). */
function addReceiver(a: OnboardedApp, merchantId: string) {
  return until(
    `acquiring to know merchant ${merchantId}`,
    async () => {
      try {
        return await a.client.profitSharing.addReceiver({ merchantId, relation: 'supplier' });
      } catch (err) {
        if (err instanceof CountypayApiError && (err.code === 'not_found' || err.code === 'merchant_not_active')) return undefined;
        throw err;
      }
    },
    60_000,
    500,
  );
}

function postingsOf(entries: Awaited<ReturnType<typeof waitForLedger>>, sourceType: string) {
  return entries.filter((e) => e.sourceType === sourceType).flatMap((e) => e.postings.map((p) => [p.account, p.direction, p.amountFen]));
}

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'acquiring', 'settlement'])
    await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e sharing mall ${uniq()}`, appCount: 5, callbackUrl: hooks.url, scopes: SCOPES },
  );
  const [setup, split, refused, hold, refund] = on.apps;
  app = { setup: setup!, split: split!, refused: refused!, hold: hold!, refund: refund! };
  for (const a of on.apps) hooks.secrets.set(a.appId, a.webhookSecret);
  mall = await onboardMerchant(on, app.setup, `金堂县e2e分账商城${uniq()}`);
  farm = await onboardMerchant(on, app.setup, `金堂县e2e脐橙合作社${uniq()}`);
  coop = await onboardMerchant(on, app.setup, `金堂县e2e物流公司${uniq()}`);
  other = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: OTHER_TENANT, name: `e2e sharing other county ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: SCOPES },
  );
  hooks.secrets.set(other.apps[0]!.appId, other.apps[0]!.webhookSecret);
  elsewhere = await onboardMerchant(other, other.apps[0]!, `都江堰e2e商户${uniq()}`);
  for (const a of [app.split, app.refused, app.hold, app.refund]) {
    await addReceiver(a, farm.merchantId);
    await addReceiver(a, coop.merchantId);
  }
  // the other county's app knows its own merchant (so a 404 below is about the county, not timing)
  await addReceiver(other.apps[0]!, elsewhere.merchantId);
});

afterAll(async () => {
  await hooks.stop();
});

describe('profit sharing (分账)', () => {
  it('split: the net goes to escrow, 30.00 to a receiver and the rest to the merchant; webhook split.succeeded; each ledger step balanced', async () => {
    const order = await paidSharedOrder(app.split, 10_000);
    expect(order.profitSharing).toBe(true);
    const outSplitNo = `sp-${uniq()}`;
    const receivers = [
      { merchantId: farm.merchantId, amountFen: 3_000 },
      { merchantId: mall.merchantId, amountFen: 6_945 }, // 100.00 less the 0.55 fee (55 bp) less 30.00
    ];
    const split = await app.split.client.profitSharing.split(order.id, { outSplitNo, receivers });
    expect(split).toMatchObject({ orderId: order.id, outSplitNo, totalFen: 9_945, status: 'succeeded' });
    expect((await app.split.client.profitSharing.split(order.id, { outSplitNo, receivers })).id).toBe(split.id);
    expect(await app.split.client.profitSharing.getSplit(split.id)).toEqual(split);
    expect(await app.split.client.profitSharing.escrow(order.id)).toMatchObject({ feeFen: 55, splitFen: 9_945, escrowFen: 0, splittableFen: 0 });
    const hook = await hooks.waitFor('split.succeeded', order.id);
    expect(hook.verified).toBe(true);
    expect(hook.event.data).toMatchObject({ splitId: split.id, amountFen: 9_945, receivers });
    const entries = await waitForLedger(app.split.client, order.id, 2);
    expect(postingsOf(entries, 'payment.succeeded')).toEqual([
      ['channel_receivable:wechat', 'debit', 10_000],
      [`merchant_escrow:${mall.merchantId}`, 'credit', 9_945],
      ['fee_income', 'credit', 55],
    ]);
    expect(postingsOf(entries, 'split.succeeded')).toEqual([
      [`merchant_escrow:${mall.merchantId}`, 'debit', 9_945],
      [`merchant_payable:${farm.merchantId}`, 'credit', 3_000],
      [`merchant_payable:${mall.merchantId}`, 'credit', 6_945],
    ]);
  });

  it('cap exceeded and over-split are refused with stable codes, nothing moves; an unregistered receiver too', async () => {
    const order = await paidSharedOrder(app.refused, 10_000);
    const cap = await apiError(
      app.refused.client.profitSharing.split(order.id, {
        outSplitNo: `sp-${uniq()}`,
        receivers: [
          { merchantId: farm.merchantId, amountFen: 2_000 },
          { merchantId: coop.merchantId, amountFen: 1_001 },
        ],
      }),
    );
    expect([cap.status, cap.code]).toEqual([422, 'split_receiver_cap_exceeded']);
    const over = await apiError(
      app.refused.client.profitSharing.split(order.id, {
        outSplitNo: `sp-${uniq()}`,
        receivers: [
          { merchantId: farm.merchantId, amountFen: 1_000 },
          { merchantId: mall.merchantId, amountFen: 8_946 },
        ],
      }),
    );
    expect([over.status, over.code]).toEqual([422, 'split_exceeds_available']);
    const stranger = await apiError(
      app.refused.client.profitSharing.split(order.id, { outSplitNo: `sp-${uniq()}`, receivers: [{ merchantId: elsewhere.merchantId, amountFen: 1 }] }),
    );
    expect([stranger.status, stranger.code]).toEqual([422, 'receiver_not_registered']);
    expect(await app.refused.client.profitSharing.listSplits(order.id)).toEqual({ data: [] });
    expect(await app.refused.client.profitSharing.escrow(order.id)).toMatchObject({ splitFen: 0, escrowFen: 9_945 });
    // an order not flagged for sharing has no escrow
    const plain = await app.refused.client.acquiringOrders.create({
      merchantId: mall.merchantId,
      outTradeNo: `pl-${uniq()}`,
      amountFen: 100,
      subject: '普通订单',
    });
    expect((await apiError(app.refused.client.profitSharing.finish(plain.id))).code).toBe('order_not_splittable');
  });

  it('release on timeout: past the maximum hold the sweep releases the unsplit remainder (split.released, hold_expired)', async () => {
    const order = await paidSharedOrder(app.hold, 20_000);
    await app.hold.client.profitSharing.split(order.id, { outSplitNo: `sp-${uniq()}`, receivers: [{ merchantId: coop.merchantId, amountFen: 5_000 }] });
    // fee 1.10 (55 bp of 200.00): 200.00 − 1.10 − 50.00 = 148.90 is released
    const hook = await hooks.waitFor('split.released', order.id, 150_000);
    expect(hook.event.data).toMatchObject({ amountFen: 14_890, reason: 'hold_expired', merchantId: mall.merchantId });
    const position = await app.hold.client.profitSharing.escrow(order.id);
    expect(position).toMatchObject({ releasedFen: 14_890, escrowFen: 0, finishedAt: expect.any(String) });
    const late = await apiError(
      app.hold.client.profitSharing.split(order.id, { outSplitNo: `sp-${uniq()}`, receivers: [{ merchantId: mall.merchantId, amountFen: 1 }] }),
    );
    expect(late.code).toBe('order_not_splittable');
    const entries = await waitForLedger(app.hold.client, order.id, 3);
    expect(postingsOf(entries, 'split.released')).toEqual([
      [`merchant_escrow:${mall.merchantId}`, 'debit', 14_890],
      [`merchant_payable:${mall.merchantId}`, 'credit', 14_890],
    ]);
  });

  it('refund after split: the split is reversed (回退) first, the ledger shows each step, balanced, the escrow back at 0', async () => {
    const order = await paidSharedOrder(app.refund, 10_000);
    const split = await app.refund.client.profitSharing.split(order.id, {
      outSplitNo: `sp-${uniq()}`,
      receivers: [
        { merchantId: farm.merchantId, amountFen: 3_000 },
        { merchantId: mall.merchantId, amountFen: 6_945 },
      ],
    });
    const refund = await app.refund.client.acquiringOrders.refund(order.id, { outRefundNo: `rf-${uniq()}`, amountFen: 8_000 });
    expect(refund.status).toBe('succeeded');
    const reversed = await hooks.waitFor('split.reversed', order.id);
    expect(reversed.event.data).toMatchObject({
      splitId: split.id,
      refundId: refund.id,
      amountFen: 8_000,
      receivers: [
        { merchantId: farm.merchantId, amountFen: 3_000 },
        { merchantId: mall.merchantId, amountFen: 5_000 },
      ],
    });
    expect((await hooks.waitFor('refund.succeeded', refund.id)).event.data).toMatchObject({ amountFen: 8_000, escrowFen: 8_000 });
    expect((await app.refund.client.profitSharing.getSplit(split.id)).receivers.map((r) => r.reversedFen)).toEqual([3_000, 5_000]);
    const entries = await waitForLedger(app.refund.client, order.id, 4);
    expect(entries.map((e) => e.sourceType).sort()).toEqual(['payment.succeeded', 'refund.succeeded', 'split.reversed', 'split.succeeded']);
    const escrow = `merchant_escrow:${mall.merchantId}`;
    let escrowBalance = 0;
    for (const e of entries) {
      const dr = e.postings.filter((p) => p.direction === 'debit').reduce((s, p) => s + p.amountFen, 0);
      const cr = e.postings.filter((p) => p.direction === 'credit').reduce((s, p) => s + p.amountFen, 0);
      expect(dr).toBe(cr);
      for (const p of e.postings) if (p.account === escrow) escrowBalance += p.direction === 'credit' ? p.amountFen : -p.amountFen;
    }
    expect(escrowBalance).toBe(0);
    expect(postingsOf(entries, 'refund.succeeded')).toEqual([
      [escrow, 'debit', 8_000],
      ['channel_receivable:wechat', 'credit', 8_000],
    ]);
  });

  it("another county's receivers, splits and orders are a 404; another app of the county cannot split this app's order", async () => {
    const order = await paidSharedOrder(app.split, 1_000);
    const split = await app.split.client.profitSharing.split(order.id, {
      outSplitNo: `sp-${uniq()}`,
      receivers: [{ merchantId: farm.merchantId, amountFen: 100 }],
    });
    const stranger = other.apps[0]!.client;
    expect((await apiError(stranger.profitSharing.getSplit(split.id))).status).toBe(404);
    expect((await apiError(stranger.profitSharing.escrow(order.id))).status).toBe(404);
    expect(
      (await apiError(stranger.profitSharing.split(order.id, { outSplitNo: `sp-${uniq()}`, receivers: [{ merchantId: elsewhere.merchantId, amountFen: 1 }] })))
        .status,
    ).toBe(404);
    // a merchant of another county cannot be registered as a receiver
    const foreign = await apiError(app.split.client.profitSharing.addReceiver({ merchantId: elsewhere.merchantId, relation: 'partner' }));
    expect([foreign.status, foreign.code]).toEqual([404, 'not_found']);
    // receivers are per app and per county
    const theirs = await stranger.profitSharing.listReceivers();
    expect(theirs.data.map((r) => r.merchantId)).toEqual([elsewhere.merchantId]);
    const removeForeign = await apiError(app.split.client.profitSharing.removeReceiver(theirs.data[0]!.id));
    expect(removeForeign.status).toBe(404);
    expect(
      (
        await apiError(
          app.setup.client.profitSharing.split(order.id, { outSplitNo: `sp-${uniq()}`, receivers: [{ merchantId: mall.merchantId, amountFen: 1 }] }),
        )
      ).status,
    ).toBe(404);
  });
});
