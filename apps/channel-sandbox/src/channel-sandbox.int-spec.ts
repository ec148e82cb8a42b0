import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { HttpConfig, loadConfig } from '@countypay/config';
import { migrateService } from '@countypay/persistence';
import { createServiceApp } from '@countypay/service-kit';
import { createTestSchema, eventually, testInfra, testServiceAuthEnv, uniqueName, type TestSchema } from '@countypay/testing';
import { migrations } from './data-source';
import { signNotification } from './domain/notify-signature';
import { shanghaiIso } from './domain/statement';

const TENANT = 't510121';
const OTHER_TENANT = 't511381';
const SECRET = 'it-notify-secret';

interface Received {
  body: Record<string, unknown>;
  signed: boolean;
}

describe('channel sandbox (real PostgreSQL, app in process)', () => {
  let db: TestSchema;
  let app: INestApplication;
  let base: string;
  let receiver: Server;
  let notifyUrl: string;
  const received: Received[] = [];
  /** orders whose first notification attempt the receiver answers with 500 */
  const failFirst = new Set<string>();

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; text: string; type: string }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, text, type, json: type.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const pay = (channel: string, amountFen: number, extra: Record<string, unknown> = {}) =>
    call('POST', `/channels/${channel}/payments`, { tenantId: TENANT, orderId: randomUUID(), merchantId: 'm-1001', amountFen, kind: 'qr_dynamic', ...extra });

  /** a 19-digit debit card number (the deposit account of a quick-pay card) */
  const cardNumber = () => `622848${String(randomInt(0, 10 ** 12)).padStart(12, '0')}1`;

  const notificationsOf = (orderId: string) => received.filter((r) => r.body.orderId === orderId);

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw) as Record<string, unknown>;
        const orderId = String(body.orderId);
        if (failFirst.delete(orderId)) {
          res.statusCode = 500;
          res.end('try again');
          return;
        }
        received.push({ body, signed: req.headers['x-sandbox-signature'] === signNotification(raw, SECRET) });
        res.statusCode = 200;
        res.end('{"code":"SUCCESS"}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;

    db = await createTestSchema('sandbox', []);
    await migrateService({ adminUrl: db.adminUrl, schema: db.schema, appPassword: decodeURIComponent(new URL(db.appUrl).password), migrations });
    Object.assign(process.env, {
      DATABASE_URL: db.appUrl,
      DATABASE_SCHEMA: db.schema,
      KAFKA_BROKERS: testInfra().brokers,
      KAFKA_GROUP_PREFIX: uniqueName('it-sandbox').replace(/_/g, '-'),
      LOG_LEVEL: 'warn',
      SANDBOX_NOTIFY_SECRET: SECRET,
      SANDBOX_TIMEOUT_MS: '200',
      SANDBOX_USER_PAYING_MS: '600000',
      SANDBOX_LATE_NOTIFY_MS: '50',
      SANDBOX_NOTIFY_RETRY_MS: '20',
      ...testServiceAuthEnv('channel-sandbox'),
    });
    const { AppModule } = await import('./app.module');
    app = await createServiceApp(AppModule, loadConfig(HttpConfig));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((r) => receiver?.close(r));
    await db?.drop();
  });

  it('succeeds an ordinary amount at once and keeps the order per tenant', async () => {
    const orderId = randomUUID();
    const body = { tenantId: TENANT, orderId, merchantId: 'm-1001', amountFen: 12_300, kind: 'payer_code', payerCode: '134567890123000001' };
    const first = await call('POST', '/channels/wechat/payments', body);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'succeeded', amountFen: 12_300, payerId: expect.stringMatching(/^wechat_/) });
    const again = await call('POST', '/channels/wechat/payments', body);
    expect(again.json).toEqual(first.json);
    const mismatch = await call('POST', '/channels/wechat/payments', { ...body, amountFen: 12_301 });
    expect(mismatch.status).toBe(409);
    expect((mismatch.json.error as { code: string }).code).toBe('channel_order_mismatch');
    const other = await call('GET', `/channels/wechat/payments/${orderId}?tenantId=${OTHER_TENANT}`);
    expect(other.status).toBe(404);
    expect((other.json.error as { code: string }).code).toBe('payment_not_found');
  });

  it('a payment decided at once is inserted in its outcome: one statement line for a success, none for a decline or a repeat; a repeat consumes no scenario', async () => {
    const lines = (orderId: string) =>
      db.adminQuery<{ type: string; amount_fen: string; status: string }>(`select type, amount_fen::text, status from statement_lines where order_id = $1`, [
        orderId,
      ]);
    const orderId = randomUUID();
    const body = { tenantId: TENANT, orderId, merchantId: 'm-1001', amountFen: 4_200, kind: 'payer_code', payerCode: '134567890123000002', notifyUrl };
    const first = await call('POST', '/channels/alipay/payments', body);
    expect(first.json).toMatchObject({ status: 'succeeded', amountFen: 4_200 });
    // a scenario for the channel's next payment: the repeat answers the order's state and leaves it for the next new payment
    expect((await call('POST', '/admin/scenarios', { channel: 'alipay', behaviour: 'decline:risk_rejected' })).status).toBe(201);
    const again = await call('POST', '/channels/alipay/payments', body);
    expect(again.json).toEqual(first.json);
    expect(await lines(orderId)).toEqual([{ type: 'payment', amount_fen: '4200', status: 'succeeded' }]);
    const row = await db.adminQuery<{ status: string; updated_at: Date }>(`select status, updated_at from channel_payments where order_id = $1`, [orderId]);
    expect(row).toEqual([{ status: 'succeeded', updated_at: expect.any(Date) }]);
    const notified = await eventually(async () => (notificationsOf(orderId).length >= 1 ? notificationsOf(orderId) : undefined), 'the notification');
    expect(notified.map((n) => n.body.status)).toEqual(['succeeded']);

    const next = await pay('alipay', 4_200);
    expect(next.json).toMatchObject({ status: 'failed', reason: 'risk_rejected' });
    expect(await lines(String(next.json.orderId))).toEqual([]);
    expect((await call('GET', `/channels/alipay/payments/${String(next.json.orderId)}?tenantId=${TENANT}`)).json).toMatchObject({
      status: 'failed',
      reason: 'risk_rejected',
    });
  });

  it('declines the magic amount …11 (insufficient funds) and an admin scenario (card frozen)', async () => {
    const magic = await pay('alipay', 1011);
    expect(magic.json).toMatchObject({ status: 'failed', reason: 'insufficient_funds' });

    const orderId = randomUUID();
    expect((await call('POST', '/admin/scenarios', { channel: 'unionpay', orderId, behaviour: 'decline:card_frozen' })).status).toBe(201);
    const frozen = await call('POST', '/channels/unionpay/payments', { tenantId: TENANT, orderId, merchantId: 'm-1001', amountFen: 500, kind: 'qr_static' });
    expect(frozen.json).toMatchObject({ status: 'failed', reason: 'card_frozen' });
    const q = await call('GET', `/channels/unionpay/payments/${orderId}?tenantId=${TENANT}`);
    expect(q.json).toMatchObject({ status: 'failed', reason: 'card_frozen', amountFen: 500 });
  });

  it('a user_paying payment (…21) succeeds on the second status query', async () => {
    const p = await pay('wechat', 2021);
    expect(p.json.status).toBe('user_paying');
    const path = `/channels/wechat/payments/${String(p.json.orderId)}?tenantId=${TENANT}`;
    expect((await call('GET', path)).json.status).toBe('user_paying');
    expect((await call('GET', path)).json).toMatchObject({ status: 'succeeded', amountFen: 2021, channelTradeNo: p.json.channelTradeNo });
  });

  it('reverses a payment that stays user_paying (…22) and a succeeded one; a paid order cannot be closed', async () => {
    const waiting = await pay('alipay', 2022);
    const orderId = String(waiting.json.orderId);
    for (let i = 0; i < 3; i++) expect((await call('GET', `/channels/alipay/payments/${orderId}?tenantId=${TENANT}`)).json.status).toBe('user_paying');
    const reversed = await call('POST', `/channels/alipay/payments/${orderId}/reverse`, { tenantId: TENANT });
    expect(reversed.status).toBe(200);
    expect(reversed.json.status).toBe('reversed');
    expect((await call('GET', `/channels/alipay/payments/${orderId}?tenantId=${TENANT}`)).json.status).toBe('reversed');

    const paid = await pay('alipay', 7_700);
    const close = await call('POST', `/channels/alipay/payments/${String(paid.json.orderId)}/close`, { tenantId: TENANT });
    expect(close.status).toBe(409);
    expect((close.json.error as { code: string }).code).toBe('invalid_state_transition');
    expect((await call('POST', `/channels/alipay/payments/${String(paid.json.orderId)}/reverse`, { tenantId: TENANT })).json.status).toBe('reversed');

    const unpaid = await pay('alipay', 3022);
    expect((await call('POST', `/channels/alipay/payments/${String(unpaid.json.orderId)}/close`, { tenantId: TENANT })).json.status).toBe('closed');
  });

  it('refuses a refund beyond what was paid and repeats a refund by its id', async () => {
    const p = await pay('unionpay', 10_000);
    const orderId = String(p.json.orderId);
    const first = await call('POST', '/channels/unionpay/refunds', { tenantId: TENANT, orderId, refundId: 'r-1', amountFen: 6_000 });
    expect(first.json).toMatchObject({ status: 'succeeded', amountFen: 6_000 });
    const over = await call('POST', '/channels/unionpay/refunds', { tenantId: TENANT, orderId, refundId: 'r-2', amountFen: 4_001 });
    expect(over.json).toMatchObject({ status: 'failed', reason: 'refund_exceeds_paid' });
    const repeat = await call('POST', '/channels/unionpay/refunds', { tenantId: TENANT, orderId, refundId: 'r-1', amountFen: 6_000 });
    expect(repeat.json).toEqual(first.json);
    const rest = await call('POST', '/channels/unionpay/refunds', { tenantId: TENANT, orderId, refundId: 'r-3', amountFen: 4_000 });
    expect(rest.json.status).toBe('succeeded');
    expect((await call('GET', `/channels/unionpay/payments/${orderId}?tenantId=${TENANT}`)).json).toMatchObject({ amountFen: 10_000, refundedFen: 10_000 });
    // 退款查询: the channel's record of each refund, succeeded or failed; an unknown refund is a 404, a malformed id a 400
    expect((await call('GET', `/channels/unionpay/refunds/r-1?tenantId=${TENANT}`)).json).toEqual(first.json);
    expect((await call('GET', `/channels/unionpay/refunds/r-2?tenantId=${TENANT}`)).json).toMatchObject({
      status: 'failed',
      reason: 'refund_exceeds_paid',
      amountFen: 4_001,
    });
    const unknown = await call('GET', `/channels/unionpay/refunds/r-404?tenantId=${TENANT}`);
    expect({ status: unknown.status, code: (unknown.json.error as { code: string }).code }).toEqual({ status: 404, code: 'payment_not_found' });
    expect((await call('GET', `/channels/alipay/refunds/r-1?tenantId=${TENANT}`)).status).toBe(404); // another channel's refund
    expect((await call('GET', `/channels/unionpay/refunds/${'x'.repeat(65)}?tenantId=${TENANT}`)).status).toBe(400);
  });

  it('county core banking: a payer code debits the account once, refuses a short balance and a frozen account', async () => {
    const opened = await call('POST', `/core/${TENANT}/accounts`, { holderName: '张三', balanceFen: 5_000 });
    expect(opened.status).toBe(201);
    const accountNo = String(opened.json.accountNo);
    const payerCode = `880000${accountNo}`;

    const short = await pay('county_bank', 8_000, { kind: 'payer_code', payerCode });
    expect(short.json).toMatchObject({ status: 'failed', reason: 'insufficient_funds', payerId: accountNo });
    expect((await call('GET', `/core/${TENANT}/accounts/${accountNo}`)).json.balanceFen).toBe(5_000);

    const ok = await pay('county_bank', 3_000, { kind: 'payer_code', payerCode });
    expect(ok.json).toMatchObject({ status: 'succeeded', payerId: accountNo });
    expect((await call('GET', `/core/${TENANT}/accounts/${accountNo}`)).json.balanceFen).toBe(2_000);

    const refund = await call('POST', '/channels/county_bank/refunds', { tenantId: TENANT, orderId: ok.json.orderId, refundId: 'cb-r-1', amountFen: 500 });
    expect(refund.json.status).toBe('succeeded');
    expect((await call('GET', `/core/${TENANT}/accounts/${accountNo}`)).json.balanceFen).toBe(2_500);

    const payout = { accountNo, amountFen: 1_500, reference: 'settle-2026-11-28' };
    expect((await call('POST', `/core/${TENANT}/payouts`, payout)).json).toMatchObject({ status: 'succeeded', balanceFen: 4_000 });
    expect((await call('POST', `/core/${TENANT}/payouts`, payout)).json).toMatchObject({ status: 'succeeded', balanceFen: 4_000 });

    const frozen = await call('POST', `/core/${TENANT}/accounts`, { accountNo: '622848001', holderName: '李四', balanceFen: 100_000, status: 'frozen' });
    expect(frozen.status).toBe(201);
    const refused = await pay('county_bank', 100, { payerId: '622848001' });
    expect(refused.json).toMatchObject({ status: 'failed', reason: 'card_frozen' });
    expect((await call('GET', `/core/${OTHER_TENANT}/accounts/${accountNo}`)).status).toBe(404);
  });

  it('delivers a duplicated notification (…41) twice, signed, retrying a 500', async () => {
    const orderId = randomUUID();
    failFirst.add(orderId);
    const p = await pay('wechat', 10_041, { orderId, notifyUrl });
    expect(p.json.status).toBe('succeeded');
    const got = await eventually(async () => (notificationsOf(orderId).length >= 2 ? notificationsOf(orderId) : undefined), 'two notifications');
    expect(got.map((n) => n.body.status)).toEqual(['succeeded', 'succeeded']);
    expect(got.every((n) => n.signed)).toBe(true);
    expect(got[0].body.notifyId).toBe(got[1].body.notifyId);
    expect(got[0].body).toMatchObject({
      channel: 'wechat',
      tenantId: TENANT,
      orderId,
      channelTradeNo: p.json.channelTradeNo,
      amountFen: 10_041,
      payerId: p.json.payerId,
    });
    const log = await call('GET', `/admin/notifications?orderId=${orderId}`);
    expect((log.json.data as Array<{ attempts: number; delivered: boolean }>).map((d) => [d.attempts, d.delivered])).toEqual([
      [2, true],
      [1, true],
    ]);
  });

  it('delivers a stale user_paying notification after the succeeded one (…42)', async () => {
    const p = await pay('alipay', 10_042, { notifyUrl });
    const orderId = String(p.json.orderId);
    const got = await eventually(async () => (notificationsOf(orderId).length >= 2 ? notificationsOf(orderId) : undefined), 'two notifications');
    expect(got.map((n) => n.body.status)).toEqual(['succeeded', 'user_paying']);
    expect(Date.parse(String(got[1].body.at))).toBeLessThanOrEqual(Date.parse(String(got[0].body.at)));
    expect(got[0].body.notifyId).not.toBe(got[1].body.notifyId);
  });

  it('a late notification (…43) still arrives; a …21 payment notifies succeeded once the payer confirms', async () => {
    const late = await pay('unionpay', 10_043, { notifyUrl });
    const lateId = String(late.json.orderId);
    const got = await eventually(async () => (notificationsOf(lateId).length >= 1 ? notificationsOf(lateId) : undefined), 'the late notification');
    expect(got.map((n) => [n.body.status, n.signed])).toEqual([['succeeded', true]]);

    const waiting = await pay('wechat', 30_021, { notifyUrl });
    const orderId = String(waiting.json.orderId);
    expect(notificationsOf(orderId)).toEqual([]);
    await call('GET', `/channels/wechat/payments/${orderId}?tenantId=${TENANT}`);
    expect((await call('GET', `/channels/wechat/payments/${orderId}?tenantId=${TENANT}`)).json.status).toBe('succeeded');
    const done = await eventually(async () => (notificationsOf(orderId).length >= 1 ? notificationsOf(orderId) : undefined), 'the success notification');
    expect(done[0].body).toMatchObject({ status: 'succeeded', amountFen: 30_021 });
  });

  it('two concurrent refunds of 6000 fen on a 10000 fen payment: exactly one succeeds', async () => {
    const p = await pay('alipay', 10_000);
    const orderId = String(p.json.orderId);
    const results = await Promise.all(
      ['c-1', 'c-2'].map((refundId) => call('POST', '/channels/alipay/refunds', { tenantId: TENANT, orderId, refundId, amountFen: 6_000 })),
    );
    expect(results.map((r) => r.json.status).sort()).toEqual(['failed', 'succeeded']);
    expect(results.find((r) => r.json.status === 'failed')!.json.reason).toBe('refund_exceeds_paid');
    expect((await call('GET', `/channels/alipay/payments/${orderId}?tenantId=${TENANT}`)).json.refundedFen).toBe(6_000);
  });

  it('reversing a county-bank payment after a partial refund credits back the rest', async () => {
    const opened = await call('POST', `/core/${TENANT}/accounts`, { holderName: '王五', balanceFen: 20_000 });
    const accountNo = String(opened.json.accountNo);
    const p = await pay('county_bank', 15_000, { payerId: accountNo });
    expect(p.json.status).toBe('succeeded');
    const orderId = String(p.json.orderId);
    await call('POST', '/channels/county_bank/refunds', { tenantId: TENANT, orderId, refundId: `rv-${orderId}`, amountFen: 4_000 });
    expect((await call('GET', `/core/${TENANT}/accounts/${accountNo}`)).json.balanceFen).toBe(9_000);
    expect((await call('POST', `/channels/county_bank/payments/${orderId}/reverse`, { tenantId: TENANT })).json.status).toBe('reversed');
    expect((await call('POST', `/channels/county_bank/payments/${orderId}/reverse`, { tenantId: TENANT })).json.status).toBe('reversed');
    expect((await call('GET', `/core/${TENANT}/accounts/${accountNo}`)).json.balanceFen).toBe(20_000);
  });

  it('a timeout (…31) answers 504 while the payment itself went through', async () => {
    const orderId = randomUUID();
    const res = await pay('unionpay', 531, { orderId });
    expect(res.status).toBe(504);
    expect((res.json.error as { code: string }).code).toBe('channel_timeout');
    expect((await call('GET', `/channels/unionpay/payments/${orderId}?tenantId=${TENANT}`)).json.status).toBe('succeeded');
  });

  it('writes the day’s statement file: payments, refunds and reversals in exact fen', async () => {
    const p = await pay('wechat', 88_800);
    const orderId = String(p.json.orderId);
    const refund = await call('POST', '/channels/wechat/refunds', { tenantId: TENANT, orderId, refundId: `st-${orderId}`, amountFen: 800 });
    await call('POST', `/channels/wechat/payments/${orderId}/reverse`, { tenantId: TENANT });
    const today = shanghaiIso(new Date()).slice(0, 10);
    const st = await call('GET', `/statements/wechat/${TENANT}/${today}`);
    expect(st.status).toBe(200);
    expect(st.type).toContain('text/csv');
    const lines = st.text.trim().split('\n');
    expect(lines[0]).toBe('channel_trade_no,order_id,type,amount_fen,status,at');
    const mine = lines.filter((l) => l.includes(orderId)).map((l) => l.split(',').slice(0, 5).join(','));
    expect(mine).toEqual([
      `${String(p.json.channelTradeNo)},${orderId},payment,88800,succeeded`,
      `${String(refund.json.channelRefundNo)},${orderId},refund,800,succeeded`,
      `${String(p.json.channelTradeNo)},${orderId},reversal,88000,reversed`,
    ]);
    const empty = await call('GET', `/statements/wechat/${OTHER_TENANT}/${today}`);
    expect(empty.text).toBe('channel_trade_no,order_id,type,amount_fen,status,at\n');
  });

  it('serves the statement in the channel’s own format, with the day’s injected discrepancies on every download', async () => {
    const kept = await pay('wechat', 12_345);
    const dropped = await pay('wechat', 20_000);
    const changed = await pay('wechat', 30_000);
    const keptId = String(kept.json.orderId);
    const refund = await call('POST', '/channels/wechat/refunds', { tenantId: TENANT, orderId: keptId, refundId: `rf-${keptId}`, amountFen: 345 });
    expect(refund.json.status).toBe('succeeded');
    const today = shanghaiIso(new Date()).slice(0, 10);
    const inject = (body: Record<string, unknown>) =>
      call('POST', '/admin/statement-injections', { tenantId: TENANT, channel: 'wechat', date: today, ...body });
    expect((await inject({ kind: 'drop_row', type: 'payment', orderId: dropped.json.orderId })).status).toBe(201);
    expect((await inject({ kind: 'change_amount', type: 'payment', orderId: changed.json.orderId, amountFen: '30001' })).status).toBe(201);
    const ghost = randomUUID();
    const added = await inject({ kind: 'add_row', type: 'payment', orderId: ghost, amountFen: '700', status: 'succeeded' });
    expect(added.json).toMatchObject({ kind: 'add_row', orderId: ghost, amountFen: '700', channelTradeNo: expect.stringMatching(/^4200\d{22}$/) });
    const bad = await inject({ kind: 'change_amount', type: 'payment', orderId: ghost, amountFen: '1.5' });
    expect(bad.status).toBe(400);

    const file = await call('GET', `/statements/wechat/${TENANT}/${today}/file`);
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
    const lines = file.text.split('\r\n');
    expect(lines[0]).toBe('交易时间,微信订单号,商户订单号,交易状态,应结订单金额,微信退款单号,商户退款单号,退款金额,退款状态');
    const of = (orderId: unknown) => lines.filter((l) => l.includes(`\`${String(orderId)},`));
    expect(of(keptId).map((l) => l.split(',').slice(1, 9).join(','))).toEqual([
      `\`${String(kept.json.channelTradeNo)},\`${keptId},\`SUCCESS,\`123.45,\`,\`,\`0.00,\``,
      `\`${String(kept.json.channelTradeNo)},\`${keptId},\`REFUND,\`0.00,\`${String(refund.json.channelRefundNo)},\`rf-${keptId},\`3.45,\`SUCCESS`,
    ]);
    expect(of(dropped.json.orderId)).toEqual([]);
    expect(of(changed.json.orderId)[0]).toContain(',`SUCCESS,`300.01,');
    expect(of(ghost)[0]).toContain(',`SUCCESS,`7.00,');
    // the same file on the next download; another tenant's statement has none of it
    expect((await call('GET', `/statements/wechat/${TENANT}/${today}/file`)).text).toBe(file.text);
    expect((await call('GET', `/statements/wechat/${OTHER_TENANT}/${today}/file`)).text).not.toContain(keptId);

    const listed = await call('GET', `/admin/statement-injections?tenantId=${TENANT}&channel=wechat&date=${today}`);
    expect((listed.json.data as unknown[]).length).toBe(3);
    expect((await call('DELETE', `/admin/statement-injections?tenantId=${TENANT}&channel=wechat&date=${today}`)).json).toEqual({ cleared: 3 });
    const clean = (await call('GET', `/statements/wechat/${TENANT}/${today}/file`)).text;
    expect(clean).toContain(`\`${String(dropped.json.orderId)},\`SUCCESS,\`200.00,`);
    expect(clean).not.toContain(ghost);

    // Alipay: a zip of a GBK CSV
    const zip = await fetch(`${base}/statements/alipay/${TENANT}/${today}/file`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    expect((await call('GET', `/statements/wechat/${TENANT}/2026-02-30/file`)).status).toBe(400);
  });

  it('quick pay: the county bank refuses a payment on an agreement it revoked (解约) or never signed, whatever the platform sends', async () => {
    const T = OTHER_TENANT;
    const cardNo = cardNumber();
    expect((await call('POST', `/core/${T}/accounts`, { accountNo: cardNo, holderName: '赵六', balanceFen: 50_000 })).status).toBe(201);
    const agreementId = randomUUID();
    const quickPay = (amountFen: number, extra: Record<string, unknown> = {}) =>
      call('POST', '/channels/county_bank/online/quickpay', {
        tenantId: T,
        orderId: randomUUID(),
        merchantId: 'm-qp',
        amountFen,
        cardNo,
        agreementId,
        ...extra,
      });

    const signed = await call('POST', '/channels/county_bank/online/agreements', { tenantId: T, agreementId, cardNo });
    expect(signed.json).toMatchObject({ agreementId, status: 'active', revokedAt: null });
    // signing again is idempotent; the same agreement for another card is refused
    expect((await call('POST', '/channels/county_bank/online/agreements', { tenantId: T, agreementId, cardNo })).json.status).toBe('active');
    const otherCard = cardNumber();
    await call('POST', `/core/${T}/accounts`, { accountNo: otherCard, holderName: '赵六', balanceFen: 0 });
    const mismatch = await call('POST', '/channels/county_bank/online/agreements', { tenantId: T, agreementId, cardNo: otherCard });
    expect([mismatch.status, (mismatch.json.error as { code: string }).code]).toEqual([409, 'reference_mismatch']);

    expect((await quickPay(1_000)).json).toMatchObject({ status: 'succeeded', payerId: cardNo });
    expect((await call('GET', `/core/${T}/accounts/${cardNo}`)).json.balanceFen).toBe(49_000);

    const revoked = await call('POST', `/channels/county_bank/online/agreements/${agreementId}/revoke`, { tenantId: T });
    expect(revoked.json).toMatchObject({ agreementId, status: 'revoked' });
    const again = await call('POST', `/channels/county_bank/online/agreements/${agreementId}/revoke`, { tenantId: T });
    expect(again.json).toMatchObject({ status: 'revoked', revokedAt: revoked.json.revokedAt });

    // the platform's record might still say active: the bank declines all the same and debits nothing
    expect((await quickPay(2_000)).json).toMatchObject({ status: 'failed', reason: 'agreement_revoked' });
    expect((await quickPay(2_000, { agreementId: randomUUID() })).json).toMatchObject({ status: 'failed', reason: 'agreement_unknown' });
    expect((await call('GET', `/core/${T}/accounts/${cardNo}`)).json.balanceFen).toBe(49_000);
    // another county does not see the agreement
    expect((await call('GET', `/channels/county_bank/online/agreements/${agreementId}?tenantId=${TENANT}`)).status).toBe(404);
    expect((await call('POST', `/channels/county_bank/online/agreements/${agreementId}/revoke`, { tenantId: TENANT })).status).toBe(404);
  });

  it('quick pay: a revocation that times out after revoking answers 504, and a query tells the outcome', async () => {
    const T = OTHER_TENANT;
    const cardNo = cardNumber();
    await call('POST', `/core/${T}/accounts`, { accountNo: cardNo, holderName: '钱七', balanceFen: 10_000 });
    const late = randomUUID();
    const early = randomUUID();
    for (const id of [late, early]) await call('POST', '/channels/county_bank/online/agreements', { tenantId: T, agreementId: id, cardNo });
    await call('POST', `/admin/quickpay/agreements/${late}/scenario`, { scenario: 'timeout_after_revoke' });
    await call('POST', `/admin/quickpay/agreements/${early}/scenario`, { scenario: 'timeout_before_revoke' });
    expect((await call('POST', `/channels/county_bank/online/agreements/${late}/revoke`, { tenantId: T })).status).toBe(504);
    expect((await call('POST', `/channels/county_bank/online/agreements/${early}/revoke`, { tenantId: T })).status).toBe(504);
    expect((await call('GET', `/channels/county_bank/online/agreements/${late}?tenantId=${T}`)).json.status).toBe('revoked');
    expect((await call('GET', `/channels/county_bank/online/agreements/${early}?tenantId=${T}`)).json.status).toBe('active');
    // the scenario is used once: the retry revokes
    expect((await call('POST', `/channels/county_bank/online/agreements/${early}/revoke`, { tenantId: T })).json.status).toBe('revoked');
  });

  it('names an unknown channel and a bad request', async () => {
    const unknown = await pay('paypal', 100);
    expect(unknown.status).toBe(404);
    expect((unknown.json.error as { code: string }).code).toBe('unknown_channel');
    const bad = await pay('wechat', 10.5);
    expect(bad.status).toBe(400);
    expect((bad.json.error as { param: string }).param).toBe('amountFen');
  });
});
